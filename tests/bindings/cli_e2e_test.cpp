// The reference client end to end: a real signd on a free loopback port, a
// signer added with signctl and an activation code, the document system's side
// through the API, and the `signmobile` CLI run as a subprocess for everything
// the phone does. Signed PDFs are checked with pdfsig and qpdf.

#define BOOST_TEST_MODULE signmobile_e2e
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <filesystem>
#include <optional>

#include <openssl/evp.h>

#include "api_support.h"
#include "sdk_buffers.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;
using nlohmann::json;

namespace {

const std::string pin = "246810";

// The exit codes bindings/README.md documents.
constexpr int exit_usage = 2, exit_invalid_input = 3, exit_network = 4, exit_conflict = 6, exit_pin = 7;

CommandResult signmobile(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv{SIGNMOBILE};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env);
}

// "2026-12-07 14:05:00 +07:00": a UTC time the server sent, moved by a whole-hour offset.
std::string shifted(const std::string& utc, int hours) {
    std::tm parsed{};
    BOOST_TEST_REQUIRE(::strptime(utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parsed) != nullptr, utc);
    std::time_t instant = ::timegm(&parsed) + hours * 3600;
    std::tm moved{};
    ::gmtime_r(&instant, &moved);
    char text[40] = {};
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &moved);
    char offset[16] = {};
    std::snprintf(offset, sizeof offset, "%c%02d:00", hours < 0 ? '-' : '+', hours < 0 ? -hours : hours);
    return std::string(text) + " " + offset;
}

std::string base64(const std::string& bytes) {
    std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                 reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    text.resize(static_cast<size_t>(length));
    return text;
}

// A successful --json run prints one JSON document and nothing else.
json json_of(const CommandResult& result) {
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return json::parse(result.output);
}

// A phone-only signer (no CSC PIN) with the leader certificate and signature image, a document
// system allowed to ask them, and one activation code. Once per program's shared data folder.
struct Signer {
    std::string api_key;
    std::string code;
};

const Signer& phone_signer(const SigndServer& server, const TempDir& dir) {
    static std::optional<Signer> made;
    if (made) return *made;
    auto added = server.signctl({"--json", "signer", "add", "leader-sdk", "--name", "Nguyễn Văn An", "--cert",
                                 certificate_serial(server.certificate("leader")), "--no-pin", "--image",
                                 server.data_dir() + "/images/leader-signature.png", "--activation-qr",
                                 (dir / "leader-sdk-qr.png").string()});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    auto json = json::parse(added.output.substr(added.output.find('{')));
    made = Signer{add_client(server, "dms-sdk", {"--signer", "leader-sdk"}), json.at("activation").at("code")};
    return *made;
}

// A new activation code for the signer.
std::string another_code(const SigndServer& server) {
    auto issued = server.signctl({"--json", "signer", "activation", "leader-sdk"});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    return json::parse(issued.output.substr(issued.output.find('{'))).at("code");
}

// Enrols a fresh profile under `dir` and returns its folder.
std::string enrol(const SigndServer& server, const TempDir& dir, const std::string& code, const std::string& name) {
    std::string profile = (dir / name).string();
    write_text_file((dir / "pin").string(), pin + "\n");
    auto enrolled = signmobile({"--json", "--profile", profile, "enrol", "--server", server.https_url(), "--ca",
                                server.root_ca_pem(), "--code", code, "--pin-file", (dir / "pin").string(), "--name",
                                "Điện thoại " + name});
    auto answer = json_of(enrolled);
    BOOST_TEST(answer.at("signer").at("id") == "leader-sdk");
    return profile;
}

// The document system asks the signer to sign a PDF (invisible signature) and a bare hash.
std::string create_request(const SigndServer& server, const std::string& api_key, const std::string& text) {
    json body{{"signer", "leader-sdk"},
              {"displayText", text},
              {"documents",
               {{{"title", "Quyết định.pdf"}, {"type", "pdf"}, {"content", base64(minimal_pdf())}, {"invisible", true}},
                {{"title", "Hash from DMS"}, {"type", "hash"}, {"hash", base64(std::string(32, '\x11'))},
                 {"hashAlgorithm", "sha256"}}}}};
    auto reply = https(server, "POST", "/api/v1/signature-requests", bearer(api_key), body.dump(), "application/json");
    BOOST_TEST_REQUIRE(reply.status == 201, reply.body);
    return reply.json().at("id");
}

json request_state(const SigndServer& server, const std::string& api_key, const std::string& id) {
    auto reply = https(server, "GET", "/api/v1/signature-requests/" + id, bearer(api_key));
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    return reply.json();
}

}  // namespace

BOOST_AUTO_TEST_CASE(enrol_list_show_approve_after_a_wrong_pin) {
    SigndServer server;
    TempDir dir("signmobile-e2e");
    const auto& signer = phone_signer(server, dir);
    auto profile = enrol(server, dir, signer.code, "phone-a");
    auto device = json::parse(read_text_file(profile + "/device.json"));
    BOOST_TEST(device.at("server") == server.https_url());
    BOOST_TEST(!device.at("deviceId").get<std::string>().empty());
    auto key_mode = std::filesystem::status(profile + "/device-key.pem").permissions() & std::filesystem::perms::all;
    BOOST_TEST((key_mode == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)));

    // The code is spent.
    auto again = signmobile({"--json", "--profile", (dir / "phone-b").string(), "enrol", "--server", server.https_url(),
                             "--ca", server.root_ca_pem(), "--code", signer.code, "--pin-file", (dir / "pin").string()});
    BOOST_TEST(again.exit_code == exit_invalid_input, again.output);
    BOOST_TEST(again.output.find("activation_code_invalid") != std::string::npos, again.output);

    auto id = create_request(server, signer.api_key, "Ký Quyết định về việc thử nghiệm");
    auto listed = json_of(signmobile({"--json", "--profile", profile, "requests", "list"}));
    BOOST_TEST_REQUIRE(listed.at("requests").size() >= 1u);
    BOOST_TEST(listed.at("requests")[0].at("id") == id);

    std::string preview = (dir / "preview.png").string();
    auto shown = json_of(signmobile({"--json", "--profile", profile, "request", "show", id, "--preview", preview}));
    BOOST_TEST(shown.at("clientName").is_string());
    BOOST_TEST(shown.at("documents").size() == 2u);
    BOOST_TEST(read_text_file(preview).compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);

    write_text_file((dir / "wrong-pin").string(), "135790\n");
    auto wrong = signmobile({"--json", "--profile", profile, "request", "approve", id, "--pin-file",
                             (dir / "wrong-pin").string()});
    BOOST_TEST(wrong.exit_code == exit_pin, wrong.output);
    BOOST_TEST(wrong.output.find("\"wrong_pin\"") != std::string::npos, wrong.output);
    BOOST_TEST(request_state(server, signer.api_key, id).at("state") == "pending");

    auto approved = json_of(
        signmobile({"--json", "--profile", profile, "request", "approve", id, "--pin-file", (dir / "pin").string()}));
    BOOST_TEST(approved.at("state") == "approved", approved.dump());
    BOOST_TEST(request_state(server, signer.api_key, id).at("state") == "approved");

    auto signed_pdf = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/0", bearer(signer.api_key));
    BOOST_TEST_REQUIRE(signed_pdf.status == 200, signed_pdf.body);
    write_text_file((dir / "signed.pdf").string(), signed_pdf.body);
    require_valid_pdf(server, (dir / "signed.pdf").string(), 1);
    auto hash_result = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/1", bearer(signer.api_key));
    BOOST_TEST(hash_result.status == 200, hash_result.body);
    BOOST_TEST(hash_result.json().at("signature").is_string());

    // A second approval finds it no longer pending.
    auto twice = signmobile({"--profile", profile, "request", "approve", id, "--pin-file", (dir / "pin").string()});
    BOOST_TEST(twice.exit_code == exit_conflict, twice.output);
}

BOOST_AUTO_TEST_CASE(reject_needs_no_pin_and_the_document_system_sees_it) {
    SigndServer server;
    TempDir dir("signmobile-reject");
    const auto& signer = phone_signer(server, dir);
    auto profile = enrol(server, dir, another_code(server), "phone-c");
    auto id = create_request(server, signer.api_key, "Ký Tờ trình");

    auto rejected = json_of(signmobile({"--json", "--profile", profile, "request", "reject", id}));
    BOOST_TEST(rejected.at("state") == "rejected");
    BOOST_TEST(request_state(server, signer.api_key, id).at("state") == "rejected");
    auto result = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/0", bearer(signer.api_key));
    BOOST_TEST(result.status == 409);

    auto human = signmobile({"--profile", profile, "requests", "list", "--wait", "1"});
    BOOST_TEST(human.exit_code == 0, human.output);
    BOOST_TEST(human.output.find(id) == std::string::npos, human.output);
}

BOOST_AUTO_TEST_CASE(a_server_certificate_from_another_ca_is_refused) {
    SigndServer server;
    TempDir dir("signmobile-tls");
    const auto& signer = phone_signer(server, dir);
    auto profile = enrol(server, dir, another_code(server), "phone-d");
    (void)signer;
    auto made = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                             "-nodes", "-days", "1", "-subj", "/CN=Another root", "-keyout", (dir / "k.pem").string(),
                             "-out", (profile + "/ca.pem")});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    auto listed = signmobile({"--profile", profile, "requests", "list"});
    BOOST_TEST(listed.exit_code == exit_network, listed.output);
    BOOST_TEST(listed.output.find("certificate") != std::string::npos, listed.output);
}

// A native app hands the SDK whatever its QR scanner read: "signd-activation:<code>".
BOOST_AUTO_TEST_CASE(the_qr_codes_text_enrols_through_the_sdk_and_the_cli) {
    SigndServer server;
    TempDir dir("signmobile-qr");
    phone_signer(server, dir);

    sm_key* raw_key = nullptr;
    BOOST_TEST_REQUIRE(sm_key_generate(&raw_key) == SM_OK);
    SmKey key(raw_key);
    uint8_t* raw_der = nullptr;
    size_t der_len = 0;
    BOOST_TEST_REQUIRE(sm_key_public_der(key.get(), &raw_der, &der_len) == SM_OK);
    SmBytes der(raw_der);
    sm_client* raw_client = nullptr;
    BOOST_TEST_REQUIRE(sm_client_new(server.https_url().c_str(), server.root_ca_pem().c_str(), &raw_client) == SM_OK);
    SmClient client(raw_client);

    for (const std::string& scanned : {"signd-activation:" + another_code(server),
                                       "  SIGND-Activation: " + another_code(server) + "\n"}) {
        BOOST_TEST_CONTEXT(scanned) {
            char* device_id = nullptr;
            char* answer = nullptr;
            auto status = sm_enrol(client.get(), scanned.c_str(), pin.c_str(), "Điện thoại quét QR", der.get(), der_len,
                                   &device_id, &answer);
            SmText owned_id(device_id);
            SmText owned_answer(answer);
            BOOST_TEST_REQUIRE(status == SM_OK, sm_last_error());
            BOOST_TEST(json::parse(answer).at("signer").at("id") == "leader-sdk");
        }
    }
    char* device_id = nullptr;
    BOOST_TEST(sm_enrol(client.get(), "signd-activation: ", pin.c_str(), "x", der.get(), der_len, &device_id, nullptr) ==
               SM_ERR_INVALID_ARGUMENT);
    BOOST_TEST(device_id == nullptr);

    write_text_file((dir / "pin").string(), pin + "\n");
    auto enrolled = signmobile({"--json", "--profile", (dir / "phone-qr").string(), "enrol", "--server",
                                server.https_url(), "--ca", server.root_ca_pem(), "--code",
                                "signd-activation:" + another_code(server), "--pin-file", (dir / "pin").string()});
    BOOST_TEST(json_of(enrolled).at("signer").at("id") == "leader-sdk");
}

// People read times in their zone (the city's by default); scripts read UTC.
BOOST_AUTO_TEST_CASE(times_are_shown_in_the_users_zone_and_stay_utc_in_json) {
    SigndServer server;
    TempDir dir("signmobile-tz");
    const auto& signer = phone_signer(server, dir);
    auto profile = enrol(server, dir, another_code(server), "phone-tz");
    auto id = create_request(server, signer.api_key, "Ký Quyết định về giờ");
    auto request = request_state(server, signer.api_key, id);
    std::string expires = request.at("expiresAt");
    std::string created = request.at("createdAt");

    auto listed_json = json_of(signmobile({"--json", "--profile", profile, "requests", "list"}, {{"TZ", "Europe/Paris"}}));
    BOOST_TEST(listed_json.at("requests")[0].at("expiresAt") == expires, "--json keeps the server's UTC time");
    auto shown_json = json_of(signmobile({"--json", "--profile", profile, "request", "show", id}, {{"TZ", "Asia/Tokyo"}}));
    BOOST_TEST(shown_json.at("expiresAt") == expires);

    // No TZ: the city's zone, +07:00.
    auto listed = signmobile({"--profile", profile, "requests", "list"}, {{"TZ", ""}});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.output);
    BOOST_TEST(listed.output.find("expires " + shifted(expires, 7)) != std::string::npos, listed.output);
    BOOST_TEST(listed.output.find(expires) == std::string::npos, "no UTC time for a person: " << listed.output);
    auto shown = signmobile({"--profile", profile, "request", "show", id}, {{"TZ", ""}});
    BOOST_TEST_REQUIRE(shown.exit_code == 0, shown.output);
    BOOST_TEST(shown.output.find("Expires    " + shifted(expires, 7)) != std::string::npos, shown.output);
    BOOST_TEST(shown.output.find("Created    " + shifted(created, 7)) != std::string::npos, shown.output);

    // TZ overrides the default (Tokyo has no daylight saving: +09:00 all year), --tz overrides TZ.
    auto tokyo = signmobile({"--profile", profile, "request", "show", id}, {{"TZ", "Asia/Tokyo"}});
    BOOST_TEST(tokyo.output.find("Expires    " + shifted(expires, 9)) != std::string::npos, tokyo.output);
    auto utc = signmobile({"--tz", "UTC", "--profile", profile, "requests", "list"}, {{"TZ", "Asia/Tokyo"}});
    BOOST_TEST(utc.output.find("expires " + shifted(expires, 0)) != std::string::npos, utc.output);

    // A misspelt zone is refused, not silently read as UTC.
    auto unknown = signmobile({"--tz", "Asia/Ho_Chi_Min", "--profile", profile, "requests", "list"});
    BOOST_TEST(unknown.exit_code == exit_usage, unknown.output);
    BOOST_TEST(unknown.output.find("Asia/Ho_Chi_Min") != std::string::npos, unknown.output);
    auto from_env = signmobile({"--profile", profile, "requests", "list"}, {{"TZ", "Mars/Olympus"}});
    BOOST_TEST(from_env.exit_code == exit_usage, from_env.output);
    BOOST_TEST(from_env.output.find("TZ=Mars/Olympus") != std::string::npos, from_env.output);
}
