// The document-system API against a real signd: each sealed output is checked
// by an independent tool (pdfsig and qpdf, xmlsec1, openssl cms and ts), each
// refusal by its status, its problem code and its audit record.

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include <openssl/cms.h>
#include <openssl/evp.h>

#include "api_support.h"
#include "signctl_folder.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

std::string base64_of(const std::string& bytes) {
    auto result = run_command({"openssl", "base64", "-A"}, {}, bytes);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return result.output;
}

void require_problem(const Reply& reply, int status, const std::string& code) {
    BOOST_TEST(reply.status == status, reply.body);
    BOOST_TEST(reply.content_type == "application/problem+json", reply.content_type);
    if (reply.content_type == "application/problem+json") BOOST_TEST(reply.json().value("code", "") == code, reply.body);
}

// A one-page PDF signed by the leader with signctl (PAdES B-T, visible, field chu_ky_lanh_dao).
std::string signed_by_the_leader(const SigndServer& server, const TempDir& dir) {
    write_text_file((dir / "draft.pdf").string(), minimal_pdf());
    std::vector<std::string> argv = {"sign", "pdf", "--key", "pkcs11:object=leader;type=private", "--cert",
                                     server.certificate("leader"), "--level", "b-t", "--tsa", "local", "--rect",
                                     "110,40,60,25", "--field-name", "chu_ky_lanh_dao", "--image",
                                     server.data_dir() + "/images/leader-signature.png", (dir / "draft.pdf").string(),
                                     "--out", (dir / "signed.pdf").string()};
    auto owner = key_owner_arguments(server.data_dir(), "leader");
    argv.insert(argv.end(), owner.begin(), owner.end());
    auto leader = server.signctl(argv);
    BOOST_TEST_REQUIRE(leader.exit_code == 0, leader.output);
    return read_text_file((dir / "signed.pdf").string());
}

// openssl cms -verify of a detached signature over `content`, trusting only the test root.
CommandResult verify_cms(const SigndServer& server, const TempDir& dir, const std::string& signature, const std::string& content) {
    write_text_file((dir / "content.bin").string(), content);
    write_text_file((dir / "signature.p7s").string(), signature);
    return openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", (dir / "signature.p7s").string(), "-content",
                    (dir / "content.bin").string(), "-CAfile", server.root_ca_pem(), "-purpose", "any", "-out", "/dev/null"});
}

// The signature time-stamp of a CMS signature's only signer, written to `token_path`, and the hex
// SHA-256 of the signature value it must cover (RFC 3161 appendix A).
std::string extract_signature_timestamp(const std::string& cms_der, const std::string& token_path) {
    const unsigned char* in = reinterpret_cast<const unsigned char*>(cms_der.data());
    CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &in, static_cast<long>(cms_der.size()));
    BOOST_TEST_REQUIRE(cms != nullptr);
    auto* signers = CMS_get0_SignerInfos(cms);
    BOOST_TEST_REQUIRE(sk_CMS_SignerInfo_num(signers) == 1);
    CMS_SignerInfo* signer = sk_CMS_SignerInfo_value(signers, 0);
    int at = CMS_unsigned_get_attr_by_NID(signer, NID_id_smime_aa_timeStampToken, -1);
    BOOST_TEST_REQUIRE(at >= 0, "no signature time-stamp");
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(signer, at), 0);
    BOOST_TEST_REQUIRE((value != nullptr && value->type == V_ASN1_SEQUENCE));
    write_text_file(token_path, std::string(reinterpret_cast<const char*>(value->value.sequence->data),
                                            static_cast<std::size_t>(value->value.sequence->length)));
    ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(signer);
    std::string signature_bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(signature)),
                                static_cast<std::size_t>(ASN1_STRING_length(signature)));
    CMS_ContentInfo_free(cms);
    return sha256_hex(signature_bytes);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_v1)

BOOST_AUTO_TEST_CASE(lists_only_the_seals_in_scope) {
    SigndServer server;
    const auto& clients = api_clients(server);
    auto dms = https(server, "GET", "/api/v1/seals", bearer(clients.dms));
    BOOST_TEST_REQUIRE(dms.status == 200, dms.body);
    BOOST_TEST(dms.content_type == "application/json");
    auto seals = dms.json().at("seals");
    BOOST_TEST_REQUIRE(seals.size() == 1u, dms.body);
    BOOST_TEST(seals[0].at("id") == "agency-seal");
    BOOST_TEST(seals[0].at("keyType").get<std::string>().rfind("rsa-", 0) == 0u, dms.body);

    for (const auto& key : {clients.verifier, clients.outsider}) {
        auto none = https(server, "GET", "/api/v1/seals", bearer(key));
        BOOST_TEST(none.status == 200, none.body);
        BOOST_TEST(none.json().at("seals").empty(), none.body);
    }
}

BOOST_AUTO_TEST_CASE(seals_a_pdf_raw_and_pdfsig_trusts_it) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-pdf");
    int64_t before = last_audit_sequence(server);
    std::string pdf = minimal_pdf();
    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/pdf?page=1&xMm=20&yMm=30", bearer(clients.dms), pdf,
                        "application/pdf");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    BOOST_TEST(sealed.content_type == "application/pdf");
    BOOST_TEST(sealed.body.compare(0, pdf.size(), pdf) == 0, "the seal is an incremental update of the input");
    write_text_file((dir / "sealed.pdf").string(), sealed.body);
    require_valid_pdf(server, (dir / "sealed.pdf").string(), 1);

    auto records = audit_after(server, before);
    BOOST_TEST_REQUIRE(audited(records, "seal.pdf", "ok", std::string("agency-seal")));
    BOOST_TEST_REQUIRE(audited(records, "seal.pdf", "ok"));
    auto record = std::find_if(records.begin(), records.end(), [](const auto& r) { return r.value("action", "") == "seal.pdf"; });
    BOOST_TEST(record->value("document_hash", "") == sha256_hex(pdf));
    BOOST_TEST(record->value("actor", "") == "dms");
}

// B-LTA on request: the /DSS carries the seal's chain and revocation data from our own CA, then
// a document time-stamp; signctl reads the level, pdfsig checks the signature and the time-stamp.
BOOST_AUTO_TEST_CASE(seals_a_pdf_at_the_long_term_levels_asked_for) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-pdf-lta");
    auto seal = [&](const std::string& level) {
        return https(server, "POST", "/api/v1/seals/agency-seal/pdf?page=1&xMm=20&yMm=30" + level, bearer(clients.dms),
                     minimal_pdf(), "application/pdf");
    };
    auto level_of = [&](const std::string& file) {
        auto verified = server.signctl({"verify", file, "--report", "json"});
        BOOST_TEST_REQUIRE(verified.exit_code == 0, verified.output);
        auto report = nlohmann::json::parse(verified.output.substr(verified.output.find('{')));
        BOOST_TEST_REQUIRE(report.at("signatures").size() >= 1u, verified.output);
        return report.at("signatures")[0].at("level").get<std::string>();
    };

    auto lta = seal("&level=b-lta");
    BOOST_TEST_REQUIRE(lta.status == 200, lta.body);
    write_text_file((dir / "lta.pdf").string(), lta.body);
    BOOST_TEST(level_of((dir / "lta.pdf").string()) == "PAdES-BASELINE-LTA");
    require_valid_pdf(server, (dir / "lta.pdf").string(), 1, 1);  // the seal, then the document time-stamp

    auto lt = seal("&level=b-lt");
    BOOST_TEST_REQUIRE(lt.status == 200, lt.body);
    write_text_file((dir / "lt.pdf").string(), lt.body);
    BOOST_TEST(level_of((dir / "lt.pdf").string()) == "PAdES-BASELINE-LT");
    require_valid_pdf(server, (dir / "lt.pdf").string(), 1);

    // Today's default stays B-T.
    auto plain = seal("");
    BOOST_TEST_REQUIRE(plain.status == 200, plain.body);
    write_text_file((dir / "t.pdf").string(), plain.body);
    BOOST_TEST(level_of((dir / "t.pdf").string()) == "PAdES-BASELINE-T");

    require_problem(seal("&level=b-b"), 400, "unknown_signature_level");
    require_problem(seal("&level=lta"), 400, "unknown_signature_level");
}

BOOST_AUTO_TEST_CASE(seals_over_the_leaders_signature_and_both_stay_valid) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-leader");
    std::string signed_pdf = signed_by_the_leader(server, dir);

    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/pdf?leaderField=chu_ky_lanh_dao", bearer(clients.portal),
                        signed_pdf, "application/pdf");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    write_text_file((dir / "sealed.pdf").string(), sealed.body);
    require_valid_pdf(server, (dir / "sealed.pdf").string(), 2);

    auto missing = https(server, "POST", "/api/v1/seals/agency-seal/pdf?leaderField=no_such_field", bearer(clients.portal),
                         signed_pdf, "application/pdf");
    require_problem(missing, 404, "field_not_found");
}

// Decree 30's order: the seal goes only over a valid leader signature. A leader signature whose
// signed bytes were altered (pdfsig: "Digest Mismatch") is refused, whether the client names the
// field or the seal finds it; an unsigned field is no leader signature either.
BOOST_AUTO_TEST_CASE(refuses_to_seal_over_a_broken_leader_signature) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-broken-leader");
    std::string broken = signed_by_the_leader(server, dir);
    auto at = broken.find("/MediaBox");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    broken[at + 1] = 'm';  // inside the signed range: the digest no longer matches
    write_text_file((dir / "broken.pdf").string(), broken);
    auto pdfsig = run_command({"pdfsig", (dir / "broken.pdf").string()});
    BOOST_TEST(pdfsig.output.find("Digest Mismatch") != std::string::npos, pdfsig.output);

    for (const char* query : {"?leaderField=chu_ky_lanh_dao", ""}) {
        auto refused = https(server, "POST", std::string("/api/v1/seals/agency-seal/pdf") + query, bearer(clients.portal),
                             broken, "application/pdf");
        require_problem(refused, 409, "leader_signature_invalid");
        BOOST_TEST(refused.body.find("HASH_FAILURE") != std::string::npos, refused.body);
    }
}

BOOST_AUTO_TEST_CASE(seals_xml_and_xmlsec1_verifies_it) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-xml");
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HoSo><SoHoSo>2026-0001</SoHoSo><NguoiNop>Trần Thị B</NguoiNop></HoSo>\n";
    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/xml", bearer(clients.dms), xml, "application/xml");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    BOOST_TEST(sealed.content_type == "application/xml");
    write_text_file((dir / "sealed.xml").string(), sealed.body);
    auto verified = run_command({"xmlsec1", "--verify", "--trusted-pem", server.root_ca_pem(), "--untrusted-pem",
                                 server.issuing_ca_pem(), "--id-attr:Id", "SignedProperties", (dir / "sealed.xml").string()});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(verified.output.find("OK") != std::string::npos, verified.output);

    auto not_xml = https(server, "POST", "/api/v1/seals/agency-seal/xml", bearer(clients.dms), "<unclosed>", "application/xml");
    require_problem(not_xml, 400, "not_xml");

    // Once signd has stopped, its request log is complete: both calls name the client.
    server.terminate();
    BOOST_TEST_REQUIRE(server.wait_for_exit(std::chrono::seconds(60)) == 0);
    auto log = server.request_log();
    BOOST_TEST(std::count_if(log.begin(), log.end(), [](const nlohmann::json& line) {
                   return line.value("path", "") == "/api/v1/seals/agency-seal/xml" && line.value("client", "") == "dms";
               }) == 2, server.stderr_text());
}

BOOST_AUTO_TEST_CASE(seals_any_file_as_detached_cades_with_a_timestamp) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-cms");
    std::string content = "Biên bản họp ngày 27/11/2026\x00\x01\x02 binary tail";
    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/cms", bearer(clients.dms), content, "application/octet-stream");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    BOOST_TEST(sealed.content_type == "application/pkcs7-signature");
    auto verified = verify_cms(server, dir, sealed.body, content);
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
    auto tampered = verify_cms(server, dir, sealed.body, content + "!");
    BOOST_TEST(tampered.exit_code != 0, tampered.output);

    // The signature time-stamp (id-aa-timeStampToken) is a token of our TSA over the signature value:
    // openssl ts checks both the imprint and the TSA's chain.
    std::string token = (dir / "timestamp.tst").string();
    std::string imprint = extract_signature_timestamp(sealed.body, token);
    auto stamped = openssl({"ts", "-verify", "-digest", imprint, "-in", token, "-token_in", "-CAfile", server.root_ca_pem(),
                            "-untrusted", server.issuing_ca_pem()});
    BOOST_TEST(stamped.exit_code == 0, stamped.output);
    BOOST_TEST(stamped.output.find("Verification: OK") != std::string::npos, stamped.output);
    auto wrong = openssl({"ts", "-verify", "-digest", sha256_hex(content), "-in", token, "-token_in", "-CAfile",
                          server.root_ca_pem(), "-untrusted", server.issuing_ca_pem()});
    BOOST_TEST(wrong.exit_code != 0, "the token covers the signature value, not the content");
}

BOOST_AUTO_TEST_CASE(accepts_multipart_and_base64_forms) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-forms");
    std::string content = "Đơn đề nghị cấp giấy phép xây dựng";
    write_text_file((dir / "don.txt").string(), content);
    // curl builds the multipart body, with the API key as a bearer credential.
    auto multipart = curl({"--cacert", server.root_ca_pem(), "-H", "Authorization: Bearer " + clients.dms, "-F",
                           "document=@" + (dir / "don.txt").string() + ";type=text/plain", "-F", "note=kèm theo",
                           "-o", (dir / "multipart.p7s").string(), "-w", "%{http_code} %{content_type}",
                           server.https_url() + "/api/v1/seals/agency-seal/cms"});
    BOOST_TEST_REQUIRE(multipart.exit_code == 0, multipart.output);
    BOOST_TEST(multipart.output == "200 application/pkcs7-signature");
    auto verified = verify_cms(server, dir, read_text_file((dir / "multipart.p7s").string()), content);
    BOOST_TEST(verified.exit_code == 0, verified.output);

    nlohmann::json body = {{"document", base64_of(content)}};
    auto json = https(server, "POST", "/api/v1/seals/agency-seal/cms", bearer(clients.dms), body.dump(), "application/json");
    BOOST_TEST_REQUIRE(json.status == 200, json.body);
    verified = verify_cms(server, dir, json.body, content);
    BOOST_TEST(verified.exit_code == 0, verified.output);
}

BOOST_AUTO_TEST_CASE(refuses_callers_without_the_right_credential_or_scope) {
    SigndServer server;
    const auto& clients = api_clients(server);
    int64_t before = last_audit_sequence(server);
    const std::string path = "/api/v1/seals/agency-seal/cms";

    auto anonymous = https(server, "POST", path, {}, "abc", "application/octet-stream");
    require_problem(anonymous, 401, "missing_credential");
    BOOST_TEST(anonymous.headers.count("www-authenticate") == 1u);

    std::string forged = "dms." + std::string(43, 'A');
    require_problem(https(server, "POST", path, bearer(forged), "abc", "application/octet-stream"), 401, "invalid_credential");
    require_problem(https(server, "POST", path, {{"Authorization", "Basic ZG1zOnNlY3JldA=="}}, "abc", "application/octet-stream"),
                    401, "invalid_credential");

    require_problem(https(server, "POST", path, bearer(clients.verifier), "abc", "application/octet-stream"), 403,
                    "verify_only_client");
    require_problem(https(server, "POST", path, bearer(clients.outsider), "abc", "application/octet-stream"), 403,
                    "seal_not_granted");
    require_problem(https(server, "POST", "/api/v1/seals/other-seal/cms", bearer(clients.dms), "abc", "application/octet-stream"),
                    403, "seal_not_granted");

    // A revoked client's key stops working at once, without restarting signd.
    std::string key = add_client(server, "revoked-soon", {"--seal", "agency-seal"});
    BOOST_TEST(https(server, "POST", path, bearer(key), "abc", "application/octet-stream").status == 200);
    auto revoked = server.signctl({"client", "revoke", "revoked-soon"});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);
    require_problem(https(server, "POST", path, bearer(key), "abc", "application/octet-stream"), 401, "invalid_credential");

    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "authentication", "missing_credential"));
    BOOST_TEST(audited(records, "authentication", "invalid_credential"));
    BOOST_TEST(audited(records, "seal.cms", "verify_only_client"));
    BOOST_TEST(audited(records, "seal.cms", "seal_not_granted", std::string("other-seal")));
    auto forged_attempt = std::find_if(records.begin(), records.end(), [](const auto& r) {
        return r.value("action", "") == "authentication" && r.value("actor", "") == "dms";
    });
    BOOST_TEST((forged_attempt != records.end()), "the forged key's claimed client is the actor");
}

BOOST_AUTO_TEST_CASE(a_registered_client_certificate_authenticates_without_a_key) {
    SigndServer server;
    api_clients(server);
    TempDir work("api-mtls");
    std::string key = (work / "client.key").string();
    std::string csr = (work / "client.csr").string();
    std::string certificate = (work / "client.pem").string();
    auto request = openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                            "-out", csr, "-subj", "/CN=Hệ thống quản lý văn bản/C=VN", "-utf8"});
    BOOST_TEST_REQUIRE(request.exit_code == 0, request.output);
    auto issued = server.signctl({"cert", "issue", "--profile", "tls-client", "--csr", csr, "--out", certificate});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    std::string hex = certificate_serial(certificate);
    auto call = [&](const std::string& client_certificate) {
        std::vector<std::string> argv = {"--cacert", server.root_ca_pem(), "-o", (work / "out").string(), "-w", "%{http_code}"};
        if (!client_certificate.empty()) argv.insert(argv.end(), {"--cert", client_certificate, "--key", key});
        argv.insert(argv.end(), {"-H", "Content-Type: application/octet-stream", "--data-binary", "Tờ khai",
                                 server.https_url() + "/api/v1/seals/agency-seal/cms"});
        return curl(argv).output;
    };
    // Issued by our CA but not yet anyone's: the handshake succeeds, the API refuses.
    BOOST_TEST(call(certificate) == "401");
    add_client(server, "dms-mtls", {"--seal", "agency-seal", "--cert", hex});
    BOOST_TEST(call(certificate) == "200");
    write_text_file((work / "content").string(), "Tờ khai");
    auto verified = openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", (work / "out").string(), "-content",
                             (work / "content").string(), "-CAfile", server.root_ca_pem(), "-purpose", "any", "-out", "/dev/null"});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(call("") == "401");
    // A revoked certificate still chains to our root, so the handshake passes; the API refuses it.
    auto revoked_certificate = server.signctl({"cert", "revoke", hex, "--reason", "keyCompromise"});
    BOOST_TEST_REQUIRE(revoked_certificate.exit_code == 0, revoked_certificate.output);
    BOOST_TEST(call(certificate) == "401");
    auto revoked = server.signctl({"client", "revoke", "dms-mtls"});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);
    BOOST_TEST(call(certificate) == "401");
}

BOOST_AUTO_TEST_CASE(bad_documents_get_their_codes_and_nothing_is_signed) {
    SigndServer server;
    const auto& clients = api_clients(server);
    int64_t before = last_audit_sequence(server);
    const std::string path = "/api/v1/seals/agency-seal/cms";
    // The code the catalogue keeps, with the name this API published first as its alias.
    auto malformed = https(server, "POST", path, bearer(clients.dms), "{\"document\": ", "application/json");
    require_problem(malformed, 400, "invalid_json");
    BOOST_TEST(malformed.json().value("aliases", nlohmann::json()) == nlohmann::json::array({"malformed_json"}), malformed.body);
    require_problem(https(server, "POST", path, bearer(clients.dms), "{\"document\": \"not*base64\"}", "application/json"), 400,
                    "invalid_base64");
    std::string big = "{\"document\": \"" + std::string(4 * ((2 << 20) / 3), 'A') + "\"}";
    require_problem(https(server, "POST", path, bearer(clients.dms), big, "application/json"), 413, "base64_document_too_large");
    require_problem(https(server, "POST", path, bearer(clients.dms), "abc", "text/plain"), 415, "unsupported_media_type");
    require_problem(https(server, "POST", path, bearer(clients.dms), "--x\r\nbroken", "multipart/form-data; boundary=x"), 400,
                    "invalid_multipart");
    require_problem(https(server, "POST", "/api/v1/seals/agency-seal/pdf", bearer(clients.dms), "not a pdf", "application/pdf"),
                    400, "not_a_pdf");
    require_problem(https(server, "POST", "/api/v1/seals/agency-seal/pdf?xMm=10", bearer(clients.dms), minimal_pdf(),
                          "application/pdf"),
                    400, "invalid_parameter");

    auto records = audit_after(server, before);
    for (const char* code : {"invalid_json", "invalid_base64", "base64_document_too_large", "unsupported_media_type",
                             "invalid_multipart"})
        BOOST_TEST(audited(records, "seal.cms", code), code);
    BOOST_TEST(audited(records, "seal.pdf", "not_a_pdf"));
    BOOST_TEST(!audited(records, "seal.cms", "ok"), "nothing was signed");
    BOOST_TEST(!audited(records, "seal.pdf", "ok"), "nothing was signed");
}

BOOST_AUTO_TEST_CASE(an_oversized_body_and_a_dotdot_path_are_refused_and_audited) {
    SigndServer::Options options;
    options.flags = {"--body-limit", "4096"};
    SigndServer server(options);
    const auto& clients = api_clients(server);
    int64_t before = last_audit_sequence(server);
    auto oversized = curl({"--cacert", server.root_ca_pem(), "-o", "/dev/null", "-w", "%{http_code}", "-H",
                           "Authorization: Bearer " + clients.dms, "-H", "Content-Type: application/octet-stream",
                           "--data-binary", std::string(8192, 'x'), server.https_url() + "/api/v1/seals/agency-seal/cms"});
    BOOST_TEST(oversized.output == "413", oversized.output);
    auto dotdot = curl({"--cacert", server.root_ca_pem(), "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                        "Authorization: Bearer " + clients.dms, "--data-binary", "abc",
                        server.https_url() + "/api/v1/seals/../../secrets/cms"});
    BOOST_TEST(dotdot.output == "400", dotdot.output);
    auto encoded = curl({"--cacert", server.root_ca_pem(), "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                         "Authorization: Bearer " + clients.dms, "--data-binary", "abc",
                         server.https_url() + "/api/v1/seals/%2e%2e/cms"});
    BOOST_TEST(encoded.output == "400", encoded.output);
    auto verification = curl({"--cacert", server.root_ca_pem(), "-o", "/dev/null", "-w", "%{http_code}", "-H",
                              "Authorization: Bearer " + clients.verifier, "-H", "Content-Type: application/pdf",
                              "--data-binary", "%PDF-" + std::string(8192, 'x'), server.https_url() + "/api/v1/verifications"});
    BOOST_TEST(verification.output == "413", verification.output);
    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "request.rejected", "body_too_large"));
    BOOST_TEST(audited(records, "request.rejected", "path_traversal"));
    BOOST_TEST(!audited(records, "seal.cms", "ok"));
}

BOOST_AUTO_TEST_CASE(verifies_a_cms_signature_with_a_vietnamese_report) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-verify");
    std::string content = "Quyết định số 15/QĐ-UBND";
    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/cms", bearer(clients.dms), content, "application/octet-stream");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    write_text_file((dir / "content").string(), content);
    write_text_file((dir / "content.p7s").string(), sealed.body);

    // A verify-only client may verify; the forms are multipart (curl) and JSON.
    auto verify = [&](const std::string& document_file) {
        auto reply = curl({"--cacert", server.root_ca_pem(), "-H", "Authorization: Bearer " + clients.verifier, "-F",
                           "signature=@" + (dir / "content.p7s").string(), "-F", "document=@" + document_file,
                           server.https_url() + "/api/v1/verifications/cms"});
        BOOST_TEST_REQUIRE(reply.exit_code == 0, reply.output);
        auto report = nlohmann::json::parse(reply.output, nullptr, false);
        BOOST_TEST_REQUIRE(report.is_object(), reply.output);
        return report;
    };
    auto good = verify((dir / "content").string());
    BOOST_TEST(good.at("valid") == true, good.dump(2));
    BOOST_TEST_REQUIRE(good.at("signatures").size() == 1u, good.dump(2));
    auto signer = good.at("signatures")[0];
    BOOST_TEST(signer.at("integrity") == true);
    BOOST_TEST(signer.at("certificateTrusted") == true);
    BOOST_TEST(signer.at("revocation") == "good");
    BOOST_TEST(signer.at("timestampValid") == true, good.dump(2));
    BOOST_TEST(signer.at("signer").get<std::string>().find("Sở Thông tin và Truyền thông") != std::string::npos);
    BOOST_TEST(good.at("summary") == "Tất cả 1 chữ ký đều hợp lệ.");

    write_text_file((dir / "changed").string(), content + ".");
    auto changed = verify((dir / "changed").string());
    BOOST_TEST(changed.at("valid") == false, changed.dump(2));
    BOOST_TEST(changed.at("signatures")[0].at("integrity") == false, changed.dump(2));
    auto messages = changed.at("signatures")[0].at("messages").dump();
    BOOST_TEST(messages.find("đã bị thay đổi sau khi ký") != std::string::npos, messages);

    nlohmann::json body = {{"signature", base64_of(sealed.body)}, {"document", base64_of(content)}};
    auto json = https(server, "POST", "/api/v1/verifications/cms", bearer(clients.dms), body.dump(), "application/json");
    BOOST_TEST_REQUIRE(json.status == 200, json.body);
    BOOST_TEST(json.json().at("valid") == true, json.body);

    body["signature"] = base64_of("not a signature");
    require_problem(https(server, "POST", "/api/v1/verifications/cms", bearer(clients.dms), body.dump(), "application/json"), 400,
                    "not_a_cms_signature");
    require_problem(https(server, "POST", "/api/v1/verifications/cms", {}, body.dump(), "application/json"), 401,
                    "missing_credential");
}

BOOST_AUTO_TEST_CASE(a_signature_by_a_revoked_certificate_is_reported_revoked) {
    SigndServer server;
    api_clients(server);
    TempDir dir("api-verify-revoked");
    std::string label = "revoked-signer-" + std::to_string(server.port());
    std::string certificate = (dir / "signer.pem").string();
    auto issued = server.signctl({"cert", "issue", "--profile", "citizen", "--label", label, "--subject",
                                  "CN=Phạm Văn Đồng,C=VN,UID=CCCD:048090007777", "--out", certificate});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    write_text_file((dir / "don.txt").string(), "Đơn xin cấp phép");
    // Signed without a time-stamp, then revoked: what counts is now, and now it is revoked.
    std::vector<std::string> argv = {"sign", "cms", "--key", "pkcs11:object=" + label + ";type=private", "--cert",
                                     certificate, (dir / "don.txt").string()};
    auto owner = key_owner_arguments(server.data_dir(), label, certificate);
    argv.insert(argv.end(), owner.begin(), owner.end());
    auto signed_file = server.signctl(argv);
    BOOST_TEST_REQUIRE(signed_file.exit_code == 0, signed_file.output);
    auto serial = openssl({"x509", "-in", certificate, "-noout", "-serial"});
    std::string hex = serial.output.substr(serial.output.find('=') + 1);
    hex.erase(hex.find_last_not_of("\r\n") + 1);
    auto revoked = server.signctl({"cert", "revoke", hex, "--reason", "keyCompromise"});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);

    nlohmann::json body = {{"signature", base64_of(read_text_file((dir / "don.txt.p7s").string()))},
                           {"document", base64_of("Đơn xin cấp phép")}};
    auto reply = https(server, "POST", "/api/v1/verifications/cms", bearer(api_clients(server).verifier), body.dump(),
                       "application/json");
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    auto report = reply.json();
    BOOST_TEST(report.at("valid") == false, reply.body);
    auto signer = report.at("signatures")[0];
    BOOST_TEST(signer.at("integrity") == true, reply.body);
    BOOST_TEST(signer.at("revocation") == "revoked", reply.body);
    BOOST_TEST(signer.at("timestampValid").is_null(), reply.body);
    BOOST_TEST(signer.at("messages").dump().find("đã bị thu hồi") != std::string::npos, reply.body);
}

BOOST_AUTO_TEST_CASE(verifies_any_signed_file_by_its_format) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("api-verifications");
    auto verify = [&](const std::string& body, const std::string& content_type, const std::string& query = "") {
        return https(server, "POST", "/api/v1/verifications" + query, bearer(clients.verifier), body, content_type);
    };

    // A PDF as the raw body: the leader's PAdES signature, in Vietnamese then in English.
    std::string pdf = signed_by_the_leader(server, dir);
    auto raw = verify(pdf, "application/pdf");
    BOOST_TEST_REQUIRE(raw.status == 200, raw.body);
    auto answer = raw.json();
    BOOST_TEST(answer.at("format") == "pdf", raw.body);
    BOOST_TEST(answer.at("indication") == "TOTAL-PASSED", raw.body);
    BOOST_TEST(answer.at("valid") == true);
    BOOST_TEST(answer.at("language") == "vi");
    BOOST_TEST(answer.at("text").get<std::string>().find("Kết luận: hợp lệ (TOTAL-PASSED)") != std::string::npos, raw.body);
    BOOST_TEST(answer.at("report").at("signatures")[0].at("id") == "chu_ky_lanh_dao", raw.body);
    // Its evidence: the input's hash and the report, under evidence/<yyyy>/<mm>/<id>/.
    std::string evidence_id = answer.at("evidenceId");
    auto evidence = std::filesystem::path(server.data_dir()) / "evidence" / evidence_id.substr(0, 4) / evidence_id.substr(5, 2) / evidence_id;
    auto inputs = nlohmann::json::parse(read_text_file((evidence / "inputs.json").string()));
    BOOST_TEST(inputs.at("signedFile").at("sha256") == sha256_hex(pdf), inputs.dump(2));
    BOOST_TEST(inputs.at("indication") == "TOTAL-PASSED", inputs.dump(2));
    auto kept = nlohmann::json::parse(read_text_file((evidence / "report.json").string()));
    BOOST_TEST(kept == answer.at("report"));
    auto english = verify(pdf, "application/pdf", "?language=en&offline=true");
    BOOST_TEST_REQUIRE(english.status == 200, english.body);
    BOOST_TEST(english.json().at("text").get<std::string>().find("valid (TOTAL-PASSED)") != std::string::npos, english.body);
    BOOST_TEST(english.json().at("report").at("offline") == true, english.body);

    // A detached CMS with its document as multipart, then a changed document.
    std::string content = "Công văn số 42/UBND-VP";
    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/cms", bearer(clients.dms), content, "application/octet-stream");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    write_text_file((dir / "cong-van.p7s").string(), sealed.body);
    write_text_file((dir / "cong-van.txt").string(), content);
    write_text_file((dir / "changed.txt").string(), content + " (sửa)");
    auto multipart = [&](const std::string& document) {
        auto reply = curl({"--cacert", server.root_ca_pem(), "-H", "Authorization: Bearer " + clients.verifier, "-F",
                           "signature=@" + (dir / "cong-van.p7s").string(), "-F", "document=@" + document,
                           server.https_url() + "/api/v1/verifications"});
        BOOST_TEST_REQUIRE(reply.exit_code == 0, reply.output);
        auto json = nlohmann::json::parse(reply.output, nullptr, false);
        BOOST_TEST_REQUIRE(json.is_object(), reply.output);
        return json;
    };
    auto good = multipart((dir / "cong-van.txt").string());
    BOOST_TEST(good.at("format") == "cms", good.dump(2));
    BOOST_TEST(good.at("indication") == "TOTAL-PASSED", good.dump(2));
    auto changed = multipart((dir / "changed.txt").string());
    BOOST_TEST(changed.at("indication") == "TOTAL-FAILED", changed.dump(2));
    BOOST_TEST(changed.at("report").at("signatures")[0].at("subIndication") == "HASH_FAILURE", changed.dump(2));

    // Hash-only: the document never leaves the document system.
    std::string digest_hex = sha256_hex(content), digest;
    for (std::size_t i = 0; i < digest_hex.size(); i += 2) digest.push_back(static_cast<char>(std::stoi(digest_hex.substr(i, 2), nullptr, 16)));
    nlohmann::json hash_only = {{"signature", base64_of(sealed.body)},
                                {"documentDigest", {{"algorithm", "sha256"}, {"value", base64_of(digest)}}}};
    auto hashed = verify(hash_only.dump(), "application/json");
    BOOST_TEST_REQUIRE(hashed.status == 200, hashed.body);
    BOOST_TEST(hashed.json().at("indication") == "TOTAL-PASSED", hashed.body);

    // Bytes that are no signature are a report, not an error.
    auto junk = verify("this is not a signature", "application/octet-stream");
    BOOST_TEST_REQUIRE(junk.status == 200, junk.body);
    BOOST_TEST(junk.json().at("format") == "unknown", junk.body);
    BOOST_TEST(junk.json().at("indication") == "TOTAL-FAILED", junk.body);
    BOOST_TEST(junk.json().at("report").at("signatures")[0].at("subIndication") == "FORMAT_FAILURE", junk.body);

    // Malformed requests, each with its stable code.
    require_problem(verify("{", "application/json"), 400, "invalid_json");
    require_problem(verify(R"({"document": "YWJj"})", "application/json"), 400, "missing_signature");
    require_problem(verify(R"({"signature": "%%%"})", "application/json"), 400, "invalid_base64");
    require_problem(verify("", "application/pdf"), 400, "empty_signature");
    require_problem(verify(pdf, "application/pdf", "?lang=vi"), 400, "invalid_parameter");
    require_problem(verify(pdf, "application/pdf", "?language=fr"), 400, "invalid_parameter");
    require_problem(verify(pdf, "text/plain"), 415, "unsupported_media_type");
    nlohmann::json short_digest = hash_only;
    short_digest["documentDigest"]["value"] = base64_of("short");
    require_problem(verify(short_digest.dump(), "application/json"), 400, "invalid_document_digest");
    nlohmann::json sha1 = hash_only;
    sha1["documentDigest"] = {{"algorithm", "sha1"}, {"value", base64_of(std::string(20, 'a'))}};
    require_problem(verify(sha1.dump(), "application/json"), 422, "weak_digest");
    nlohmann::json both = hash_only;
    both["document"] = base64_of(content);
    require_problem(verify(both.dump(), "application/json"), 400, "detached_and_digest");
    nlohmann::json pdf_with_document = {{"signature", base64_of(pdf)}, {"document", base64_of(content)}};
    require_problem(verify(pdf_with_document.dump(), "application/json"), 422, "document_not_applicable");
    require_problem(https(server, "POST", "/api/v1/verifications", {}, pdf, "application/pdf"), 401, "missing_credential");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(api_settings)

BOOST_AUTO_TEST_CASE(the_base64_limit_and_the_sad_lifetime_come_from_the_config_file) {
    TempDir work("api-config");
    std::string file = (work / "signd.toml").string();
    write_text_file(file, "max_base64_document = 64\nsad_lifetime_s = 90\n");
    SigndServer server{"--config", file};
    const auto& clients = api_clients(server);
    auto send = [&](std::size_t size) {
        nlohmann::json body = {{"document", base64_of(std::string(size, 'x'))}};
        return https(server, "POST", "/api/v1/seals/agency-seal/cms", bearer(clients.dms), body.dump(), "application/json");
    };
    BOOST_TEST(send(64).status == 200);
    require_problem(send(65), 413, "base64_document_too_large");

    nlohmann::json authorize = {{"credentialID", "citizen-ec"},
                                {"numSignatures", 1},
                                {"hashes", {base64_of(std::string(32, '\x07'))}},
                                {"hashAlgorithmOID", "2.16.840.1.101.3.4.2.1"},
                                {"authData", {{{"id", "PIN"}, {"value", "1234"}}}}};
    auto reply = https(server, "POST", "/csc/v2/credentials/authorize", bearer(clients.dms), authorize.dump(), "application/json");
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    BOOST_TEST(reply.json().at("expiresIn") == 90);
}

BOOST_AUTO_TEST_CASE(a_sad_lifetime_over_five_minutes_stops_signd_at_start) {
    TempDir work("api-bad-config");
    std::string file = (work / "signd.toml").string();
    for (std::string content : {"sad_lifetime_s = 301\n", "sad_lifetime_s = 0\n", "max_base64_document = \"1\"\n"}) {
        write_text_file(file, content);
        auto result = run_command({SIGND_PATH, "--data", (work / "nowhere").string(), "--config", file});
        BOOST_TEST(result.exit_code == 1, content << result.output);
        BOOST_TEST(result.output.find("invalid_config") != std::string::npos, content << result.output);
    }
    auto flag = run_command({SIGND_PATH, "--data", (work / "nowhere").string(), "--sad-lifetime-s", "301"});
    BOOST_TEST(flag.exit_code == 2, flag.output);
}

BOOST_AUTO_TEST_SUITE_END()
