// Mobile signing end to end (docs/mobile-signing.md) against a real signd: a
// phone key made here with OpenSSL enrols with a signctl activation code,
// reads and approves requests, and every signed result is checked by an
// independent tool (pdfsig and qpdf, xmlsec1, openssl cms, openssl pkeyutl).
// Every refusal leaves the request unsigned and is in the audit log.

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <set>

#include <filesystem>
#include <fstream>
#include <future>

#include "api_support.h"
#include "mobile_support.h"
#include "sign/data_folder/data_folder.h"
#include "sign/mobile/request_files.h"
#include "sign/percent_encoding.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;
using nlohmann::json;
using sign::mobile::Decision;

namespace {

const std::string pin = "246810";

// The clients of these tests: one may ask every signer, the other too but is someone else.
struct MobileClients {
    std::string dms, other;
};

const MobileClients& mobile_clients(const SigndServer& server) {
    static std::map<std::string, MobileClients> by_folder;
    auto found = by_folder.find(server.data_dir());
    if (found != by_folder.end()) return found->second;
    MobileClients clients{add_client(server, "mobile-dms", {"--signer", "*"}), add_client(server, "mobile-other", {"--signer", "*"})};
    return by_folder.emplace(server.data_dir(), clients).first->second;
}

// A document system allowed to have callbacks sent to `receiver` (and nowhere else).
std::string callback_client(const SigndServer& server, const CallbackReceiver& receiver) {
    return add_client(server, "mobile-cb-" + std::to_string(receiver.port()),
                      {"--signer", "*", "--callback-url", receiver.url()});
}

// A device's long poll (?wait=25) holding the only slot of a signd started with --workers 4, and
// the answer another device got meanwhile: told to come back later.
struct HeldPoll {
    std::future<Reply> poll;
    Reply refused;
};

HeldPoll hold_the_only_poll(const SigndServer& server, const TestDevice& waiting, const TestDevice& prober) {
    HeldPoll held;
    // The waiting phone polls until its poll is held (the prober's one-second polls may take the
    // slot now and then); the prober polls until it is told to come back later, which it is only
    // while the other poll holds the slot.
    held.poll = std::async(std::launch::async, [&server, &waiting] {
        Reply reply;
        do reply = device_call(server, waiting, "GET", "/api/v1/device/signature-requests?wait=25");
        while (reply.status == 200 && reply.headers.count("retry-after") != 0);
        return reply;
    });
    for (int attempt = 0; attempt < 200 && held.refused.headers.count("retry-after") == 0; ++attempt)
        held.refused = device_call(server, prober, "GET", "/api/v1/device/signature-requests?wait=1");
    BOOST_TEST_REQUIRE(held.refused.status == 200, held.refused.body);
    BOOST_TEST_REQUIRE(held.refused.headers.count("retry-after") == 1u, "the waiting poll never held the slot");
    return held;
}

void require_problem(const Reply& reply, int status, const std::string& code) {
    BOOST_TEST(reply.status == status, reply.body);
    BOOST_TEST(reply.content_type == "application/problem+json", reply.content_type);
    if (reply.content_type == "application/problem+json") BOOST_TEST(reply.json().value("code", "") == code, reply.body);
}

json pdf_document(const std::string& title, const json& placement) {
    MinimalPdf options;
    options.signature_field = placement.contains("field");
    json document = {{"title", title}, {"type", "pdf"}, {"content", base64(minimal_pdf(options))}};
    document.update(placement);
    return document;
}

json small_request(const std::string& signer, const std::string& text, const std::optional<std::string>& callback = {},
                   int expires = 300) {
    json body = {{"signer", signer},
                 {"displayText", text},
                 {"documents", json::array({{{"title", "Phụ lục.docx"}, {"type", "file"}, {"content", base64("phu luc " + text)}}})},
                 {"expiresInSeconds", expires}};
    if (callback) body["callbackUrl"] = *callback;
    return body;
}

json create(const SigndServer& server, const std::string& api_key, const json& body) {
    auto created = https(server, "POST", "/api/v1/signature-requests", bearer(api_key), body.dump(), "application/json");
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    return created.json();
}

json details(const SigndServer& server, const TestDevice& device, const std::string& id) {
    auto reply = device_call(server, device, "GET", "/api/v1/device/signature-requests/" + id);
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    return reply.json();
}

std::string state_of(const SigndServer& server, const std::string& api_key, const std::string& id) {
    auto reply = https(server, "GET", "/api/v1/signature-requests/" + id, bearer(api_key));
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    return reply.json().at("state");
}

// The folder signd keeps a request's documents and results in.
std::filesystem::path request_folder(const std::string& data_dir, const std::string& id) {
    return std::filesystem::path(data_dir) / "signature-requests" / id;
}

// Width and height of a PNG from its IHDR chunk.
std::pair<int, int> png_size(const std::string& png) {
    BOOST_TEST_REQUIRE(png.size() > 24u);
    BOOST_TEST_REQUIRE(png.substr(1, 3) == "PNG");
    auto at = [&](std::size_t i) {
        auto b = [&](std::size_t k) { return static_cast<int>(static_cast<unsigned char>(png[k])); };
        return (b(i) << 24) | (b(i + 1) << 16) | (b(i + 2) << 8) | b(i + 3);
    };
    return {at(16), at(20)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mobile_signing)

BOOST_AUTO_TEST_CASE(a_phone_approves_and_every_document_is_signed) {
    SigndServer server;
    add_mobile_signer(server, "mobile-leader", "leader");
    TestDevice phone;
    enrol(server, "mobile-leader", phone, pin);
    CallbackReceiver receiver;
    TempDir dir("mobile-flow");

    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HoSo><So>2026-0042</So></HoSo>\n";
    std::string file = "Phụ lục kèm theo quyết định";
    std::string hash = unbase64(base64(std::string(32, '\x5a')));
    json body = {{"signer", "mobile-leader"},
                 {"displayText", "Ký Quyết định về việc phê duyệt"},
                 {"documents",
                  json::array({pdf_document("Quyết định.pdf", {{"field", "chu_ky_lanh_dao"}}),
                               pdf_document("Tờ trình.pdf", {{"page", 1}, {"xMm", 120}, {"yMm", 40}}),
                               {{"title", "Hồ sơ.xml"}, {"type", "xml"}, {"content", base64(xml)}},
                               {{"title", "Phụ lục.docx"}, {"type", "file"}, {"content", base64(file)}},
                               {{"title", "Hash from DMS"}, {"type", "hash"}, {"hash", base64(hash)}, {"hashAlgorithm", "sha256"}}})},
                 {"callbackUrl", receiver.url()},
                 {"expiresInSeconds", 300}};
    auto before = last_audit_sequence(server);
    const std::string dms = callback_client(server, receiver);
    json created = create(server, dms, body);
    std::string id = created.at("id");
    BOOST_TEST(id.size() == 22u);
    BOOST_TEST(created.at("state") == "pending");
    BOOST_TEST(created.at("documents").size() == 5u);
    BOOST_TEST(created.at("documents")[3].at("sha256") == sha256_hex(file));
    BOOST_TEST(created.at("documents")[4].at("digest") == created.at("documents")[4].at("sha256"));

    // The phone sees it, with the challenge it rebuilds itself.
    auto listed = device_call(server, phone, "GET", "/api/v1/device/signature-requests");
    BOOST_TEST_REQUIRE(listed.status == 200, listed.body);
    BOOST_TEST_REQUIRE(listed.json().at("requests").size() == 1u);
    BOOST_TEST(listed.json().at("requests")[0].at("id") == id);
    json shown = details(server, phone, id);
    BOOST_TEST(shown.at("clientName").get<std::string>().find("mobile-cb-") != std::string::npos);
    BOOST_TEST(shown.at("approvalChallenge") ==
               sign::mobile::approval_challenge(request_from_json(shown), Decision::approve));

    // The preview: page 1 of an A4 PDF at 100 dpi.
    auto preview = device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + id + "/documents/0/preview");
    BOOST_TEST_REQUIRE(preview.status == 200, preview.body);
    BOOST_TEST(preview.content_type == "image/png");
    auto [width, height] = png_size(preview.body);
    BOOST_TEST(std::abs(width - 826) <= 1, width);
    BOOST_TEST(std::abs(height - 1169) <= 1, height);
    auto cached = device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + id + "/documents/0/preview");
    BOOST_TEST(cached.body == preview.body);
    require_problem(device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + id + "/documents/2/preview"), 404,
                    "no_preview");
    require_problem(https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/0", bearer(dms)), 409,
                    "request_not_approved");

    auto approved = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + id + "/approve",
                                decision_body(phone, shown, Decision::approve, pin));
    BOOST_TEST_REQUIRE(approved.status == 200, approved.body);
    BOOST_TEST_REQUIRE(approved.json().at("state") == "approved", approved.body);
    auto polled = https(server, "GET", "/api/v1/signature-requests/" + id + "?wait=5", bearer(dms));
    BOOST_TEST(polled.json().at("state") == "approved");
    BOOST_TEST(!polled.json().at("completedAt").is_null());

    auto result = [&](int index) {
        auto reply = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/" + std::to_string(index), bearer(dms));
        BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
        return reply;
    };
    for (int index : {0, 1}) {
        auto pdf = result(index);
        BOOST_TEST(pdf.content_type == "application/pdf");
        std::string path = (dir / ("signed-" + std::to_string(index) + ".pdf")).string();
        write_text_file(path, pdf.body);
        require_valid_pdf(server, path, 1);
    }
    auto signed_xml = result(2);
    BOOST_TEST(signed_xml.content_type == "application/xml");
    write_text_file((dir / "signed.xml").string(), signed_xml.body);
    auto xml_check = run_command({"xmlsec1", "--verify", "--trusted-pem", server.root_ca_pem(), "--untrusted-pem",
                                  server.issuing_ca_pem(), "--id-attr:Id", "SignedProperties", (dir / "signed.xml").string()});
    BOOST_TEST(xml_check.exit_code == 0, xml_check.output);

    auto cms = result(3);
    BOOST_TEST(cms.content_type == "application/pkcs7-signature");
    write_text_file((dir / "content.bin").string(), file);
    write_text_file((dir / "signature.p7s").string(), cms.body);
    auto cms_check = run_command({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", (dir / "signature.p7s").string(),
                                  "-content", (dir / "content.bin").string(), "-CAfile", server.root_ca_pem(), "-purpose", "any",
                                  "-out", "/dev/null"});
    BOOST_TEST(cms_check.exit_code == 0, cms_check.output);

    auto bare = result(4);
    BOOST_TEST(bare.content_type == "application/json");
    json signature = bare.json();
    BOOST_TEST(signature.at("signAlgo") == "1.2.840.113549.1.1.10");  // RSASSA-PSS: the leader's key is RSA
    write_text_file((dir / "cert.der").string(), unbase64(signature.at("certificate")));
    write_text_file((dir / "hash.bin").string(), hash);
    write_text_file((dir / "sig.bin").string(), unbase64(signature.at("signature")));
    auto pub = run_command({"openssl", "x509", "-inform", "DER", "-in", (dir / "cert.der").string(), "-pubkey", "-noout", "-out",
                            (dir / "pub.pem").string()});
    BOOST_TEST_REQUIRE(pub.exit_code == 0, pub.output);
    auto hash_check = run_command({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", (dir / "pub.pem").string(), "-in",
                                   (dir / "hash.bin").string(), "-sigfile", (dir / "sig.bin").string(), "-pkeyopt",
                                   "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:digest", "-pkeyopt", "digest:sha256"});
    BOOST_TEST(hash_check.exit_code == 0, hash_check.output);

    // The callback, signed with signd's TLS key.
    auto callbacks = receiver.wait_for_delivered(1, std::chrono::seconds(30));
    BOOST_TEST_REQUIRE(callbacks.size() == 1u);
    json event = json::parse(callbacks[0].body);
    BOOST_TEST(event.at("event") == "signature-request.completed");
    BOOST_TEST(event.at("request").at("id") == id);
    BOOST_TEST(event.at("request").at("state") == "approved");
    require_valid_callback_signature(server, callbacks[0]);

    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "signature_request.create", "ok", id));
    BOOST_TEST(audited(records, "signature_request.activate", "ok", id));
    BOOST_TEST(audited(records, "signature_request.approve", "ok", id));
    // Every signed document is a signature on record, with its own hash.
    std::set<std::string> documents_on_record;
    for (const auto& record : records)
        if (record.value("action", "") == "signature_request.document" && record.value("result", "") == "ok")
            documents_on_record.insert(record.value("subject", "") + " " + record.value("document_hash", ""));
    BOOST_TEST(documents_on_record.size() == 5u);
    BOOST_TEST(documents_on_record.count(id + "/3 " + sha256_hex(file)) == 1u);
}

// A signer set to PKCS#1 v1.5 (its readers use mupdf-based viewers) signs so, and a pypdf PDF with
// a landscape page keeps no /NeedAppearances that would hide the signature image.
BOOST_AUTO_TEST_CASE(a_pkcs1_signer_signs_a_turned_pypdf_page_that_mupdf_accepts) {
    SigndServer server;
    add_mobile_signer(server, "mobile-pkcs1", "leader");
    auto chosen = server.signctl({"signer", "set-scheme", "mobile-pkcs1", "--scheme", "rsa-pkcs1"});
    BOOST_TEST_REQUIRE(chosen.exit_code == 0, chosen.output);
    TestDevice phone;
    enrol(server, "mobile-pkcs1", phone, pin);
    TempDir dir("mobile-pkcs1");

    MinimalPdf landscape;
    landscape.rotate = 90;
    landscape.text_fields = true;
    landscape.need_appearances = true;
    json body = {{"signer", "mobile-pkcs1"},
                 {"displayText", "Ký phụ lục khổ ngang"},
                 {"documents", json::array({{{"title", "Phụ lục.pdf"}, {"type", "pdf"}, {"content", base64(minimal_pdf(landscape))},
                                             {"page", 1}, {"xMm", 200}, {"yMm", 40}},
                                            {{"title", "Hash"}, {"type", "hash"}, {"hash", base64(std::string(32, '\x5a'))},
                                             {"hashAlgorithm", "sha256"}}})},
                 {"expiresInSeconds", 300}};
    const std::string dms = mobile_clients(server).dms;
    std::string id = create(server, dms, body).at("id");
    json shown = details(server, phone, id);
    auto approved = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + id + "/approve",
                                decision_body(phone, shown, Decision::approve, pin));
    BOOST_TEST_REQUIRE(approved.status == 200, approved.body);
    BOOST_TEST_REQUIRE(approved.json().at("state") == "approved", approved.body);

    auto pdf = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/0", bearer(dms));
    BOOST_TEST_REQUIRE(pdf.status == 200, pdf.body);
    std::string path = (dir / "signed.pdf").string();
    write_text_file(path, pdf.body);
    require_valid_pdf(server, path, 1);
    auto mupdf = run_command({"mutool", "sign", "-v", path});
    BOOST_TEST(mupdf.output.find("The document is unchanged since signing.") != std::string::npos, mupdf.output);
    auto form = run_command({"qpdf", "--show-object=4", path});
    BOOST_TEST(form.output.find("/NeedAppearances") == std::string::npos, form.output);

    auto bare = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/1", bearer(dms));
    BOOST_TEST_REQUIRE(bare.status == 200, bare.body);
    BOOST_TEST(bare.json().at("signAlgo") == "1.2.840.113549.1.1.11");  // sha256WithRSAEncryption
}

BOOST_AUTO_TEST_CASE(refusals_sign_nothing_and_are_audited) {
    SigndServer server;
    const auto& clients = mobile_clients(server);
    add_mobile_signer(server, "mobile-citizen", "citizen");
    add_mobile_signer(server, "mobile-neighbour", "citizen");
    TestDevice phone, neighbour;
    enrol(server, "mobile-citizen", phone, pin);
    enrol(server, "mobile-neighbour", neighbour, pin);
    auto before = last_audit_sequence(server);

    std::string first = create(server, clients.dms, small_request("mobile-citizen", "một")).at("id");
    std::string second = create(server, clients.dms, small_request("mobile-citizen", "hai")).at("id");
    json first_shown = details(server, phone, first);
    json second_shown = details(server, phone, second);
    const std::string approve_first = "/api/v1/device/signature-requests/" + first + "/approve";
    const std::string approve_second = "/api/v1/device/signature-requests/" + second + "/approve";

    // A changed hash list: the challenge the phone signed names another digest.
    json tampered = first_shown;
    std::string digest = tampered["documents"][0]["digest"];
    digest[0] = digest[0] == '0' ? '1' : '0';
    tampered["documents"][0]["digest"] = digest;
    require_problem(device_call(server, phone, "POST", approve_first, decision_body(phone, tampered, Decision::approve, pin)), 400,
                    "approval_signature_invalid");
    // An approval signed for another request, and a rejection presented as an approval.
    require_problem(device_call(server, phone, "POST", approve_second, decision_body(phone, first_shown, Decision::approve, pin)),
                    400, "approval_signature_invalid");
    json as_reject = decision_body(phone, first_shown, Decision::reject);
    as_reject["pin"] = pin;
    require_problem(device_call(server, phone, "POST", approve_first, as_reject), 400, "approval_signature_invalid");
    // Another signer's device, and another client.
    require_problem(device_call(server, neighbour, "GET", "/api/v1/device/signature-requests/" + first), 403, "device_not_for_signer");
    require_problem(device_call(server, neighbour, "POST", approve_first, decision_body(neighbour, first_shown, Decision::approve, pin)),
                    403, "device_not_for_signer");
    require_problem(https(server, "GET", "/api/v1/signature-requests/" + first, bearer(clients.other)), 404, "unknown_request");
    BOOST_TEST(state_of(server, clients.dms, first) == "pending");
    BOOST_TEST(state_of(server, clients.dms, second) == "pending");

    // The real approval works once; its replay finds the request decided.
    json approval = decision_body(phone, first_shown, Decision::approve, pin);
    auto approved = device_call(server, phone, "POST", approve_first, approval);
    BOOST_TEST_REQUIRE(approved.status == 200, approved.body);
    BOOST_TEST(approved.json().at("state") == "approved");
    require_problem(device_call(server, phone, "POST", approve_first, approval), 409, "request_not_pending");

    // A revoked device can do nothing more.
    auto revoked = server.signctl({"signer", "revoke-device", "mobile-citizen", phone.id});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);
    require_problem(device_call(server, phone, "GET", "/api/v1/device/signature-requests"), 401, "device_revoked");
    require_problem(device_call(server, phone, "POST", approve_second, decision_body(phone, second_shown, Decision::approve, pin)), 401,
                    "device_revoked");
    BOOST_TEST(state_of(server, clients.dms, second) == "pending");
    // A bad device signature on the header itself.
    auto forged = https(server, "GET", "/api/v1/device/signature-requests",
                        {{"Authorization", "Device " + neighbour.id + ".1700000000000.AAAA"}});
    require_problem(forged, 401, "device_auth_invalid");

    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "signature_request.approve", "approval_signature_invalid", first));
    BOOST_TEST(audited(records, "signature_request.approve", "approval_signature_invalid", second));
    BOOST_TEST(audited(records, "signature_request.approve", "device_not_for_signer", first));
    BOOST_TEST(audited(records, "signature_request.read", "device_not_for_signer", first));
    BOOST_TEST(audited(records, "signature_request.read", "unknown_request", first));
    BOOST_TEST(audited(records, "signature_request.approve", "request_not_pending", first));
    BOOST_TEST(audited(records, "device.authentication", "device_revoked"));
    BOOST_TEST(audited(records, "device.authentication", "device_auth_invalid"));
    require_problem(https(server, "GET", "/api/v1/signature-requests/" + second + "/documents/0", bearer(clients.dms)), 409,
                    "request_not_approved");
}

BOOST_AUTO_TEST_CASE(five_wrong_pins_lock_the_signer_across_a_restart) {
    std::string id;
    std::string approve;
    json shown;
    TestDevice phone;
    {
        SigndServer server;
        const auto& clients = mobile_clients(server);
        add_mobile_signer(server, "mobile-forgetful", "citizen");
        enrol(server, "mobile-forgetful", phone, pin);
        id = create(server, clients.dms, small_request("mobile-forgetful", "khóa")).at("id");
        shown = details(server, phone, id);
        approve = "/api/v1/device/signature-requests/" + id + "/approve";
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto wrong = device_call(server, phone, "POST", approve, decision_body(phone, shown, Decision::approve, "000000"));
            require_problem(wrong, 401, "wrong_pin");
            BOOST_TEST(wrong.json().at("attemptsLeft") == 4 - attempt);
        }
        require_problem(device_call(server, phone, "POST", approve, decision_body(phone, shown, Decision::approve, pin)), 423,
                        "signer_locked");
        server.kill_hard();
    }
    SigndServer server;
    const auto& clients = mobile_clients(server);
    auto before = last_audit_sequence(server);
    require_problem(device_call(server, phone, "POST", approve, decision_body(phone, shown, Decision::approve, pin)), 423,
                    "signer_locked");
    BOOST_TEST(state_of(server, clients.dms, id) == "pending");
    auto refused = https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms),
                         small_request("mobile-forgetful", "lại").dump(), "application/json");
    require_problem(refused, 409, "signer_locked");
    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "signature_request.approve", "signer_locked", id));
}

BOOST_AUTO_TEST_CASE(a_poll_that_cannot_wait_tells_the_phone_when_to_come_back) {
    SigndServer server{"--workers", "4"};
    const auto& clients = mobile_clients(server);
    add_mobile_signer(server, "mobile-waiting", "citizen");
    add_mobile_signer(server, "mobile-second", "citizen");
    TestDevice waiting, second;
    enrol(server, "mobile-waiting", waiting, pin);
    enrol(server, "mobile-second", second, pin);

    HeldPoll held = hold_the_only_poll(server, waiting, second);
    BOOST_TEST(held.refused.headers["retry-after"] == "2");
    BOOST_TEST(held.refused.json().at("requests").empty());

    // The held poll ends with the request that arrives, and without Retry-After.
    std::string id = create(server, clients.dms, small_request("mobile-waiting", "chờ")).at("id");
    Reply answer = held.poll.get();
    BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
    BOOST_TEST_REQUIRE(answer.json().at("requests").size() == 1u, answer.body);
    BOOST_TEST(answer.json().at("requests")[0].at("id") == id);
    BOOST_TEST(answer.headers.count("retry-after") == 0u);
}

BOOST_AUTO_TEST_CASE(a_stop_answers_a_held_poll_instead_of_waiting_for_it) {
    SigndServer server{"--workers", "4"};
    add_mobile_signer(server, "mobile-stopping", "citizen");
    add_mobile_signer(server, "mobile-prober", "citizen");
    TestDevice stopping, prober;
    enrol(server, "mobile-stopping", stopping, pin);
    enrol(server, "mobile-prober", prober, pin);

    HeldPoll held = hold_the_only_poll(server, stopping, prober);
    server.terminate();
    // The poll asked for 25 s; signd answers it and exits well before.
    BOOST_TEST(server.wait_for_exit(std::chrono::seconds(10)) == 0);
    Reply answer = held.poll.get();
    BOOST_TEST(answer.status == 200, answer.body);
    BOOST_TEST(answer.json().at("requests").empty(), answer.body);
}

BOOST_AUTO_TEST_CASE(reject_cancel_and_expiry_end_a_request_with_a_callback) {
    SigndServer server;
    const auto& clients = mobile_clients(server);
    add_mobile_signer(server, "mobile-decider", "citizen");
    TestDevice phone;
    enrol(server, "mobile-decider", phone, pin);
    CallbackReceiver receiver;
    auto before = last_audit_sequence(server);

    const std::string dms = callback_client(server, receiver);
    require_problem(https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms),
                          small_request("mobile-decider", "không được phép", receiver.url()).dump(), "application/json"),
                    403, "callback_url_not_allowed");
    // The allow-list compares URLs in normal form (RFC 3986): dot segments that leave the allowed
    // URL are refused, and another spelling of the allowed URL is accepted and called back as such.
    const std::string receiver_root = "http://127.0.0.1:" + std::to_string(receiver.port());
    for (const std::string& elsewhere : {receiver.url() + "/../../admin/x", receiver_root + "/callbacks/sign/%2e%2e/x",
                                         receiver_root + "/callbacks/x/../signx"})
        require_problem(https(server, "POST", "/api/v1/signature-requests", bearer(dms),
                              small_request("mobile-decider", "không được phép", elsewhere).dump(), "application/json"),
                        403, "callback_url_not_allowed");
    require_problem(https(server, "POST", "/api/v1/signature-requests", bearer(dms),
                          small_request("mobile-decider", "không hợp lệ", receiver_root + "/callbacks%2fsign").dump(),
                          "application/json"),
                    400, "invalid_callback_url");
    std::string rejected =
        create(server, dms, small_request("mobile-decider", "từ chối", "HTTP://127.0.0.1:" + std::to_string(receiver.port()) +
                                                                         "/callbacks/./x/%2E%2E/sign"))
            .at("id");
    std::string cancelled = create(server, dms, small_request("mobile-decider", "hủy", receiver.url())).at("id");
    std::string expiring = create(server, dms, small_request("mobile-decider", "hết hạn", receiver.url(), 30)).at("id");
    json shown = details(server, phone, rejected);
    auto reply = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + rejected + "/reject",
                             decision_body(phone, shown, Decision::reject));
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    BOOST_TEST(reply.json().at("state") == "rejected");

    auto cancel = https(server, "POST", "/api/v1/signature-requests/" + cancelled + "/cancel", bearer(dms));
    BOOST_TEST_REQUIRE(cancel.status == 200, cancel.body);
    BOOST_TEST(cancel.json().at("state") == "cancelled");
    require_problem(https(server, "POST", "/api/v1/signature-requests/" + cancelled + "/cancel", bearer(dms)), 409,
                    "request_not_pending");
    require_problem(https(server, "POST", "/api/v1/signature-requests/" + cancelled + "/cancel", bearer(clients.other)), 404,
                    "unknown_request");

    // The long poll ends when the request expires, 30 s after it was made.
    json expiring_shown = details(server, phone, expiring);
    std::string state = "pending";
    for (int poll = 0; poll < 4 && state == "pending"; ++poll)
        state = https(server, "GET", "/api/v1/signature-requests/" + expiring + "?wait=25", bearer(dms)).json().at("state");
    BOOST_TEST(state == "expired");
    require_problem(device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + expiring + "/approve",
                                decision_body(phone, expiring_shown, Decision::approve, pin)),
                    409, "request_expired");

    auto callbacks = receiver.wait_for_delivered(3, std::chrono::seconds(30));
    BOOST_TEST_REQUIRE(callbacks.size() == 3u);
    std::map<std::string, std::string> states;
    for (const auto& callback : callbacks) {
        json event = json::parse(callback.body);
        states[event.at("request").at("id")] = event.at("request").at("state");
    }
    BOOST_TEST(states[rejected] == "rejected");
    BOOST_TEST(states[cancelled] == "cancelled");
    BOOST_TEST(states[expiring] == "expired");
    // The sweeper that recorded the expiry deletes the request's files right after.
    json expired_request;
    for (int poll = 0; poll < 100; ++poll) {
        expired_request = https(server, "GET", "/api/v1/signature-requests/" + expiring, bearer(dms)).json();
        if (!expired_request.at("filesRemovedAt").is_null()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST(!expired_request.at("filesRemovedAt").is_null(), expired_request.dump());
    BOOST_TEST(!std::filesystem::exists(request_folder(server.data_dir(), expiring)));
    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "signature_request.reject", "ok", rejected));
    BOOST_TEST(audited(records, "signature_request.cancel", "ok", cancelled));
    BOOST_TEST(audited(records, "signature_request.expire", "ok", expiring));
    BOOST_TEST(audited(records, "signature_request.approve", "request_expired", expiring));
}

BOOST_AUTO_TEST_CASE(callbacks_are_retried_and_survive_a_crash) {
    std::string retried, crashed;
    unsigned short port = 0;
    {
        SigndServer server;
        add_mobile_signer(server, "mobile-callbacks", "citizen");
        TestDevice phone;
        enrol(server, "mobile-callbacks", phone, pin);
        // The receiver first fails once: the delivery comes again a second later.
        {
            CallbackReceiver receiver({500});
            const std::string dms = callback_client(server, receiver);
            retried = create(server, dms, small_request("mobile-callbacks", "thử lại", receiver.url())).at("id");
            BOOST_TEST_REQUIRE(https(server, "POST", "/api/v1/signature-requests/" + retried + "/cancel", bearer(dms)).status == 200);
            auto received = receiver.wait_for_delivered(1, std::chrono::seconds(30));
            BOOST_TEST_REQUIRE(received.size() == 2u);
            BOOST_TEST(received[0].answered == 500);
            BOOST_TEST(received[1].answered == 200);
            BOOST_TEST(json::parse(received[0].body).at("eventId") == json::parse(received[1].body).at("eventId"));
            require_valid_callback_signature(server, received[1]);
        }
        // A receiver that keeps failing while signd is killed.
        CallbackReceiver failing(std::vector<int>(1000, 503));
        port = failing.port();
        const std::string dms = callback_client(server, failing);
        crashed = create(server, dms, small_request("mobile-callbacks", "sập", failing.url())).at("id");
        BOOST_TEST_REQUIRE(https(server, "POST", "/api/v1/signature-requests/" + crashed + "/cancel", bearer(dms)).status == 200);
        BOOST_TEST_REQUIRE(failing.wait_for_delivered(1, std::chrono::seconds(3)).size() >= 1u);
        server.kill_hard();
    }
    CallbackReceiver receiver({}, port);
    SigndServer server;
    auto received = receiver.wait_for_delivered(1, std::chrono::seconds(60));
    BOOST_TEST_REQUIRE(received.size() >= 1u);
    json event = json::parse(received.back().body);
    BOOST_TEST(event.at("request").at("id") == crashed);
    BOOST_TEST(event.at("request").at("state") == "cancelled");
}

BOOST_AUTO_TEST_CASE(ended_requests_lose_their_files_and_results_go_after_the_retention) {
    using namespace std::chrono_literals;
    std::string data_dir, rejected, cancelled, approved;
    TestDevice phone;
    {
        SigndServer server;
        data_dir = server.data_dir();
        const auto& clients = mobile_clients(server);
        add_mobile_signer(server, "mobile-retention", "citizen");
        enrol(server, "mobile-retention", phone, pin);

        // Rejected and cancelled: the folder is gone once the answer is there, the row stays.
        rejected = create(server, clients.dms, small_request("mobile-retention", "từ chối")).at("id");
        cancelled = create(server, clients.dms, small_request("mobile-retention", "hủy")).at("id");
        BOOST_TEST_REQUIRE(std::filesystem::exists(request_folder(data_dir, rejected)));
        BOOST_TEST_REQUIRE(std::filesystem::exists(request_folder(data_dir, cancelled)));
        auto reply = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + rejected + "/reject",
                                 decision_body(phone, details(server, phone, rejected), Decision::reject));
        BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
        BOOST_TEST(!std::filesystem::exists(request_folder(data_dir, rejected)));
        BOOST_TEST(!reply.json().at("filesRemovedAt").is_null(), reply.body);
        auto cancel = https(server, "POST", "/api/v1/signature-requests/" + cancelled + "/cancel", bearer(clients.dms));
        BOOST_TEST_REQUIRE(cancel.status == 200, cancel.body);
        BOOST_TEST(!std::filesystem::exists(request_folder(data_dir, cancelled)));
        BOOST_TEST(!cancel.json().at("filesRemovedAt").is_null(), cancel.body);
        BOOST_TEST(state_of(server, clients.dms, rejected) == "rejected");

        // Approved: the result is there, within the retention period.
        json body = small_request("mobile-retention", "ký");
        body["documents"].push_back(pdf_document("Đơn.pdf", {{"page", 1}, {"xMm", 120}, {"yMm", 40}}));
        approved = create(server, clients.dms, body).at("id");
        auto done = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + approved + "/approve",
                                decision_body(phone, details(server, phone, approved), Decision::approve, pin));
        BOOST_TEST_REQUIRE(done.status == 200, done.body);
        BOOST_TEST_REQUIRE(done.json().at("state") == "approved", done.body);
        BOOST_TEST(done.json().at("filesRemovedAt").is_null(), done.body);
        BOOST_TEST(https(server, "GET", "/api/v1/signature-requests/" + approved + "/documents/1", bearer(clients.dms)).status ==
                   200);
        auto preview = device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + approved + "/documents/1/preview");
        BOOST_TEST(preview.status == 200, preview.body);
    }

    // With signd stopped, the removal runs at chosen times: just before and just after the
    // retention period of the approval. A crash's leftover is made too: a rejected request's
    // folder back on disk, its removal not recorded.
    {
        sign::data_folder::DataFolder data(data_dir);
        auto& requests = data.database().signature_requests();
        sign::mobile::RequestFiles files(requests, data.path("signature-requests"), 168h);
        auto completed = requests.find(approved)->completed_at;
        BOOST_TEST_REQUIRE(completed.has_value());
        files.remove_due(*completed + 168h);
        BOOST_TEST(std::filesystem::exists(request_folder(data_dir, approved)));
        BOOST_TEST(!requests.find(approved)->files_removed_at.has_value());
        files.remove_due(*completed + 168h + 1s);
        BOOST_TEST(!std::filesystem::exists(request_folder(data_dir, approved)));
        BOOST_TEST((requests.find(approved)->files_removed_at == std::optional(*completed + 168h + 1s)));
        BOOST_TEST((requests.find(approved)->state == sign::store::RequestState::approved));

        std::filesystem::create_directories(request_folder(data_dir, rejected));
        write_text_file((request_folder(data_dir, rejected) / "0.original").string(), "left by a crash");
        data.database().write_queue().run([&](const sign::store::Connection& db) {
            db.prepare("UPDATE signature_requests SET files_removed_at_us = NULL WHERE id = ?").bind(1, rejected).run();
        });
    }

    SigndServer server;
    const auto& clients = mobile_clients(server);
    auto shown = https(server, "GET", "/api/v1/signature-requests/" + approved, bearer(clients.dms));
    BOOST_TEST_REQUIRE(shown.status == 200, shown.body);
    BOOST_TEST(shown.json().at("state") == "approved");
    BOOST_TEST(!shown.json().at("filesRemovedAt").is_null(), shown.body);
    for (int index : {0, 1})
        require_problem(https(server, "GET", "/api/v1/signature-requests/" + approved + "/documents/" + std::to_string(index),
                              bearer(clients.dms)),
                        410, "result_removed");
    require_problem(device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + approved + "/documents/1/preview"),
                    404, "no_preview");
    // The sweeper finds the crash's leftover; it runs once a second, so this waits a few at most.
    std::string removed_at;
    for (int poll = 0; poll < 100 && removed_at.empty(); ++poll) {
        auto read = https(server, "GET", "/api/v1/signature-requests/" + rejected, bearer(clients.dms)).json();
        if (!read.at("filesRemovedAt").is_null()) removed_at = read.at("filesRemovedAt");
        else std::this_thread::sleep_for(100ms);
    }
    BOOST_TEST(!removed_at.empty());
    BOOST_TEST(!std::filesystem::exists(request_folder(data_dir, rejected)));
}


// A scanned application is several MiB: more than base64 in JSON takes (1 MiB by default), so it
// comes as multipart/form-data, the request's JSON in one part and the scan's bytes in another.
BOOST_AUTO_TEST_CASE(a_scan_over_one_mib_comes_as_multipart_and_is_signed) {
    SigndServer server;
    const auto& clients = mobile_clients(server);
    add_mobile_signer(server, "mobile-scan", "citizen");
    TestDevice phone;
    enrol(server, "mobile-scan", phone, pin);
    TempDir dir("mobile-scan");
    MinimalPdf options;
    options.scan_bytes = 5u << 20;
    const std::string scan = minimal_pdf(options);
    BOOST_TEST_REQUIRE(scan.size() > (5u << 20));
    const std::string annex = "Giấy tờ kèm theo";

    json as_base64 = {{"signer", "mobile-scan"},
                      {"displayText", "Ký hồ sơ đề nghị cấp giấy phép xây dựng"},
                      {"documents", json::array({{{"title", "Đơn đề nghị.pdf"}, {"type", "pdf"}, {"content", base64(scan)},
                                                  {"page", 1}, {"xMm", 120}, {"yMm", 40}}})}};
    require_problem(https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms), as_base64.dump(),
                          "application/json"),
                    413, "base64_document_too_large");

    const std::string boundary = "----signd-test-7MA4YWxkTrZu0gW";
    auto form = [&](const json& request, const std::map<std::string, std::string>& files) {
        std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"request\"\r\n"
                           "Content-Type: application/json\r\n\r\n" + request.dump() + "\r\n";
        for (const auto& [name, bytes] : files)
            body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name +
                    ".pdf\"\r\nContent-Type: application/pdf\r\n\r\n" + bytes + "\r\n";
        return https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms), body + "--" + boundary + "--\r\n",
                     "multipart/form-data; boundary=" + boundary);
    };
    json request = {{"signer", "mobile-scan"},
                    {"displayText", "Ký hồ sơ đề nghị cấp giấy phép xây dựng"},
                    {"documents", json::array({{{"title", "Đơn đề nghị (bản quét).pdf"}, {"type", "pdf"}, {"part", "scan"},
                                                {"page", 1}, {"xMm", 120}, {"yMm", 40}},
                                               {{"title", "Phụ lục.txt"}, {"type", "file"}, {"content", base64(annex)}}})}};

    // A part no document names, a name no part has, and a form without the request are refused.
    require_problem(form(request, {{"scan", scan}, {"extra", "%PDF-1.7"}}), 400, "invalid_multipart");
    json unnamed = request;
    unnamed["documents"][0]["part"] = "missing";
    require_problem(form(unnamed, {{"scan", scan}}), 400, "invalid_document");
    json both = request;
    both["documents"][0]["content"] = base64("x");
    require_problem(form(both, {{"scan", scan}}), 400, "invalid_document");
    json named_in_json = request;
    require_problem(https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms), named_in_json.dump(),
                          "application/json"),
                    400, "invalid_document");
    BOOST_TEST(device_call(server, phone, "GET", "/api/v1/device/signature-requests").json().at("requests").empty(),
               "a refused request is not created");

    // Or the scan alone as the raw body, the request's fields in the query.
    const std::string raw_target = "/api/v1/signature-requests?signer=mobile-scan&displayText=" +
                                   sign::percent_encode("Ký đơn đề nghị") + "&title=" +
                                   sign::percent_encode("Đơn đề nghị.pdf") + "&page=1&xMm=120&yMm=40";
    require_problem(https(server, "POST", raw_target + "&color=red", bearer(clients.dms), scan, "application/pdf"), 400,
                    "invalid_parameter");
    require_problem(https(server, "POST", raw_target + "&expiresInSeconds=soon", bearer(clients.dms), scan,
                          "application/pdf"),
                    400, "expiry_out_of_range");
    auto raw = https(server, "POST", raw_target + "&expiresInSeconds=600", bearer(clients.dms), scan, "application/pdf");
    BOOST_TEST_REQUIRE(raw.status == 201, raw.body);
    BOOST_TEST(raw.json().at("displayText") == "Ký đơn đề nghị");
    BOOST_TEST(raw.json().at("documents").size() == 1u);
    BOOST_TEST(raw.json().at("documents")[0].at("title") == "Đơn đề nghị.pdf");
    BOOST_TEST(raw.json().at("documents")[0].at("type") == "pdf");
    BOOST_TEST(raw.json().at("documents")[0].at("sha256") == sha256_hex(scan));
    auto cancelled = https(server, "POST", "/api/v1/signature-requests/" + raw.json().at("id").get<std::string>() + "/cancel",
                           bearer(clients.dms));
    BOOST_TEST(cancelled.status == 200, cancelled.body);

    auto created = form(request, {{"scan", scan}});
    BOOST_TEST_REQUIRE(created.status == 201, created.body);
    std::string id = created.json().at("id");
    BOOST_TEST(created.json().at("documents")[0].at("sha256") == sha256_hex(scan));
    BOOST_TEST(created.json().at("documents")[1].at("sha256") == sha256_hex(annex));

    json shown = details(server, phone, id);
    auto approved = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + id + "/approve",
                                decision_body(phone, shown, Decision::approve, pin));
    BOOST_TEST_REQUIRE(approved.status == 200, approved.body);
    BOOST_TEST_REQUIRE(approved.json().at("state") == "approved", approved.body);
    auto result = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/0", bearer(clients.dms));
    BOOST_TEST_REQUIRE(result.status == 200, result.body.substr(0, 300));
    BOOST_TEST(result.body.size() > scan.size());
    BOOST_TEST(result.body.compare(0, scan.size(), scan) == 0, "the signature is an incremental update of the scan");
    std::string path = (dir / "signed-scan.pdf").string();
    write_text_file(path, result.body);
    require_valid_pdf(server, path, 1);
}

// The phone shows the signer by name, not by id.
// A PDF asked at B-LT: signed after the phone's approval, then its /DSS added from our own CA.
BOOST_AUTO_TEST_CASE(a_pdf_asked_at_b_lt_is_signed_long_term_after_the_phone_approves) {
    SigndServer server;
    const auto& clients = mobile_clients(server);
    add_mobile_signer(server, "mobile-lt", "leader");
    TestDevice phone;
    enrol(server, "mobile-lt", phone, pin);
    TempDir dir("mobile-lt");
    json body = {{"signer", "mobile-lt"},
                 {"displayText", "Ký Quyết định lưu trữ dài hạn"},
                 {"documents", json::array({pdf_document("Quyết định.pdf", {{"page", 1}, {"xMm", 120}, {"yMm", 40}, {"level", "b-lt"}})})}};
    json created = create(server, clients.dms, body);
    std::string id = created.at("id");
    json shown = details(server, phone, id);
    auto approved = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + id + "/approve",
                                decision_body(phone, shown, Decision::approve, pin));
    BOOST_TEST_REQUIRE(approved.status == 200, approved.body);
    BOOST_TEST_REQUIRE(approved.json().at("state") == "approved", approved.body);

    auto signed_pdf = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/0", bearer(clients.dms));
    BOOST_TEST_REQUIRE(signed_pdf.status == 200, signed_pdf.body);
    std::string file = (dir / "signed.pdf").string();
    write_text_file(file, signed_pdf.body);
    auto verified = server.signctl({"verify", file, "--report", "json"});
    BOOST_TEST_REQUIRE(verified.exit_code == 0, verified.output);
    auto report = json::parse(verified.output.substr(verified.output.find('{')));
    BOOST_TEST(report.at("signatures")[0].at("level") == "PAdES-BASELINE-LT", verified.output);
    require_valid_pdf(server, file, 1);

    // A signer whose certificate was revoked after enrolment is refused before anything is prepared.
    std::string label = "mobile-lt-revoked-" + std::to_string(server.port());
    std::string certificate = (dir / "revoked.pem").string();
    auto issued = server.signctl({"cert", "issue", "--profile", "citizen", "--label", label, "--subject",
                                  "CN=Lê Thị Thu,C=VN,UID=CCCD:048090008888", "--out", certificate});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    auto added = server.signctl({"signer", "add", label, "--name", "Lê Thị Thu", "--cert", certificate_serial(certificate),
                                 "--no-pin", "--image", server.data_dir() + "/images/leader-signature.png"});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    TestDevice revoked_phone;
    enrol(server, label, revoked_phone, pin);
    auto revoked = server.signctl({"cert", "revoke", certificate_serial(certificate), "--reason", "keyCompromise"});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);
    json from_revoked = body;
    from_revoked["signer"] = label;
    auto refused_revoked =
        https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms), from_revoked.dump(), "application/json");
    BOOST_TEST(refused_revoked.status == 422, refused_revoked.body);
    BOOST_TEST(refused_revoked.json().at("code") == "certificate_revoked", refused_revoked.body);

    json unknown = body;
    unknown["documents"][0]["level"] = "b-ltv";
    auto refused = https(server, "POST", "/api/v1/signature-requests", bearer(clients.dms), unknown.dump(), "application/json");
    BOOST_TEST(refused.status == 400, refused.body);
    BOOST_TEST(refused.json().at("code") == "unknown_signature_level", refused.body);
}

BOOST_AUTO_TEST_CASE(the_phone_reads_the_signers_name) {
    SigndServer server;
    const auto& clients = mobile_clients(server);
    add_mobile_signer(server, "mobile-named", "citizen");
    TestDevice phone;
    enrol(server, "mobile-named", phone, pin);
    json created = create(server, clients.dms, small_request("mobile-named", "Ký tờ khai"));
    json shown = details(server, phone, created.at("id"));
    BOOST_TEST(shown.at("signer") == "mobile-named");
    BOOST_TEST(shown.at("signerName") == "Người ký mobile-named");  // as add_mobile_signer named them
}

// A PDF that is cheap to open and ruinous to render: the request is created, the preview fails
// cleanly in the worker that renders it, and signd goes on answering.
BOOST_AUTO_TEST_CASE(a_pdf_that_exhausts_the_renderer_costs_only_its_preview) {
    TempDir dir("render-bomb");
    {
        std::ofstream config(dir / "signd.toml");
        config << "[document_worker]\ncpu_s = 1\n";
    }
    SigndServer server{"--config", (dir / "signd.toml").string()};
    add_mobile_signer(server, "bomb-leader", "leader");
    TestDevice phone;
    enrol(server, "bomb-leader", phone, pin);
    json document = {{"title", "Bomb.pdf"}, {"type", "pdf"}, {"content", base64(form_bomb_pdf(30))},
                     {"page", 1}, {"xMm", 120}, {"yMm", 40}};
    json created = create(server, mobile_clients(server).dms,
                          {{"signer", "bomb-leader"}, {"displayText", "Bomb"}, {"documents", json::array({document})}});
    std::string id = created.at("id");

    require_problem(device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + id + "/documents/0/preview"),
                    422, "document_unprocessable");
    BOOST_TEST(https(server, "GET", "/healthz").status == 200);
    BOOST_TEST(::kill(server.pid(), 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
