// The CSC API v2 against a real signd, as a remote signing tool uses it:
// login, list, info, authorize with the PIN, signHash; each signature checked
// by openssl against the certificate credentials/info returned, each time-stamp
// by openssl ts. Then every attack of the issue's list: a clear error, nothing
// signed, and the attempt in the audit log. Last, the asynchronous mode: a
// phone (a P-256 key made with OpenSSL) approves the authorization, and
// signHash "A" signs in the background until signPolling returns the result.

#include <boost/test/unit_test.hpp>

#include <thread>

#include "api_support.h"
#include "mobile_support.h"
#include "signctl_folder.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;
using nlohmann::json;

namespace {

const std::string sha256_oid = "2.16.840.1.101.3.4.2.1";

std::string base64_of(const std::string& bytes) {
    auto result = run_command({"openssl", "base64", "-A"}, {}, bytes);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return result.output;
}

std::string from_base64(const std::string& text) {
    auto result = run_command({"openssl", "base64", "-d", "-A"}, {}, text);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return result.output;
}

std::string hex_of(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string raw_sha256(const std::string& data) {
    auto result = run_command({"openssl", "dgst", "-sha256", "-binary"}, {}, data);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return result.output;
}

Reply csc(const SigndServer& server, const std::string& method, const std::string& token, const json& body) {
    std::map<std::string, std::string> headers;
    if (!token.empty()) headers = bearer(token);
    return https(server, "POST", "/csc/v2/" + method, headers, body.dump(), "application/json");
}

void require_csc_error(const Reply& reply, int status, const std::string& error, const std::string& code) {
    BOOST_TEST(reply.status == status, reply.body);
    BOOST_TEST_REQUIRE(reply.content_type == "application/json", reply.body);
    auto body = reply.json();
    BOOST_TEST(body.value("error", "") == error, reply.body);
    BOOST_TEST(body.value("error_description", "").rfind(code + ":", 0) == 0u, reply.body);
}

// auth/login with HTTP Basic (client id and API key), through curl.
std::string login(const SigndServer& server, const std::string& client_id, const std::string& api_key) {
    auto result = curl({"--cacert", server.root_ca_pem(), "-u", client_id + ":" + api_key, "-X", "POST", "-H",
                        "Content-Type: application/json", "--data", "{}", server.https_url() + "/csc/v2/auth/login"});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    auto body = json::parse(result.output, nullptr, false);
    BOOST_TEST_REQUIRE(body.is_object(), result.output);
    BOOST_TEST_REQUIRE(body.contains("access_token"), result.output);
    BOOST_TEST(body.at("expires_in") == 3600);
    return body.at("access_token").get<std::string>();
}

std::string authorize(const SigndServer& server, const std::string& token, const std::string& credential,
                      const std::vector<std::string>& hashes, const std::string& pin = "1234") {
    json encoded = json::array();
    for (const auto& hash : hashes) encoded.push_back(base64_of(hash));
    auto reply = csc(server, "credentials/authorize", token,
                     {{"credentialID", credential}, {"numSignatures", hashes.size()}, {"hashes", encoded},
                      {"hashAlgorithmOID", sha256_oid}, {"authData", {{{"id", "PIN"}, {"value", pin}}}}});
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    BOOST_TEST(reply.json().at("expiresIn").get<int>() <= 300);
    return reply.json().at("SAD").get<std::string>();
}

json sign_hash_body(const std::string& credential, const std::string& sad, const std::vector<std::string>& hashes,
                    const std::string& sign_algo) {
    json encoded = json::array();
    for (const auto& hash : hashes) encoded.push_back(base64_of(hash));
    return {{"credentialID", credential}, {"SAD", sad}, {"hashes", encoded}, {"hashAlgorithmOID", sha256_oid}, {"signAlgo", sign_algo}};
}

// The signer certificate credentials/info returns, as a PEM file.
std::string certificate_from_info(const SigndServer& server, const std::string& token, const std::string& credential,
                                  const TempDir& dir, json* info_out = nullptr) {
    auto info = csc(server, "credentials/info", token, {{"credentialID", credential}, {"certificates", "chain"}, {"certInfo", true}});
    BOOST_TEST_REQUIRE(info.status == 200, info.body);
    auto body = info.json();
    if (info_out) *info_out = body;
    auto certificates = body.at("cert").at("certificates");
    BOOST_TEST_REQUIRE(certificates.size() >= 2u, info.body);
    std::string der = (dir / (credential + ".der")).string();
    std::string pem = (dir / (credential + ".pem")).string();
    write_text_file(der, from_base64(certificates[0].get<std::string>()));
    auto converted = openssl({"x509", "-inform", "DER", "-in", der, "-out", pem});
    BOOST_TEST_REQUIRE(converted.exit_code == 0, converted.output);
    // The chain checks out against the test root on its own.
    std::string issuer = (dir / "issuer.der").string();
    write_text_file(issuer, from_base64(certificates[1].get<std::string>()));
    auto issuer_pem = openssl({"x509", "-inform", "DER", "-in", issuer, "-out", (dir / "issuer.pem").string()});
    BOOST_TEST_REQUIRE(issuer_pem.exit_code == 0, issuer_pem.output);
    auto verified = openssl({"verify", "-CAfile", server.root_ca_pem(), "-untrusted", (dir / "issuer.pem").string(), pem});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    return pem;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csc_api)

BOOST_AUTO_TEST_CASE(info_needs_no_credential) {
    SigndServer server;
    auto info = csc(server, "info", "", json::object());
    BOOST_TEST_REQUIRE(info.status == 200, info.body);
    auto body = info.json();
    BOOST_TEST(body.at("specs").get<std::string>().rfind("2.", 0) == 0u);
    auto methods = body.at("methods");
    for (const char* method : {"auth/login", "credentials/list", "credentials/info", "credentials/authorize",
                               "credentials/authorizeCheck", "signatures/signHash", "signatures/signPolling",
                               "signatures/timestamp"})
        BOOST_TEST((std::find(methods.begin(), methods.end(), method) != methods.end()), method);
}

BOOST_AUTO_TEST_CASE(full_flow_for_rsa_pkcs1_rsa_pss_and_ecdsa) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("csc-flow");
    std::string token = login(server, "dms", clients.dms);

    auto listed = csc(server, "credentials/list", token, json::object());
    BOOST_TEST_REQUIRE(listed.status == 200, listed.body);
    auto ids = listed.json().at("credentialIDs");
    BOOST_TEST(ids.size() == 2u, listed.body);
    BOOST_TEST((std::find(ids.begin(), ids.end(), "leader-rsa") != ids.end()), listed.body);
    BOOST_TEST((std::find(ids.begin(), ids.end(), "citizen-ec") != ids.end()), listed.body);

    auto with_info = csc(server, "credentials/list", token, {{"credentialInfo", true}, {"certificates", "none"}});
    BOOST_TEST_REQUIRE(with_info.status == 200, with_info.body);
    auto infos = with_info.json().at("credentialInfos");
    BOOST_TEST_REQUIRE(infos.size() == 2u, with_info.body);
    for (const auto& info : infos) BOOST_TEST(info.at("SCAL") == "2", with_info.body);
    auto others = csc(server, "credentials/list", login(server, "portal", clients.portal), json::object());
    BOOST_TEST(others.json().at("credentialIDs").empty(), others.body);

    json rsa_info, ec_info;
    std::string rsa_cert = certificate_from_info(server, token, "leader-rsa", dir, &rsa_info);
    std::string ec_cert = certificate_from_info(server, token, "citizen-ec", dir, &ec_info);
    BOOST_TEST(rsa_info.at("SCAL") == "2");
    BOOST_TEST(rsa_info.at("authMode") == "explicit");
    BOOST_TEST(rsa_info.at("key").at("status") == "enabled");
    BOOST_TEST(rsa_info.at("key").at("len") == 3072);
    BOOST_TEST(rsa_info.at("PIN").at("presence") == "true");
    BOOST_TEST(rsa_info.at("cert").at("status") == "valid");
    BOOST_TEST(ec_info.at("key").at("len") == 256);
    BOOST_TEST(ec_info.at("key").at("curve") == "1.2.840.10045.3.1.7");
    auto single = csc(server, "credentials/info", token, {{"credentialID", "citizen-ec"}});
    BOOST_TEST(single.json().at("cert").at("certificates").size() == 1u, single.body);
    auto none = csc(server, "credentials/info", token, {{"credentialID", "citizen-ec"}, {"certificates", "none"}});
    BOOST_TEST(!none.json().at("cert").contains("certificates"), none.body);

    struct Case {
        std::string credential, sign_algo, certificate;
        std::vector<std::string> verify_options;
        std::string params_hex;  ///< RSASSA-PSS-params, DER
    };
    // RSASSA-PSS-params spelled out: SHA-256, MGF1 with SHA-256, a 32-byte salt.
    const std::string pss_params =
        "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120";
    std::vector<Case> cases = {
        {"leader-rsa", "1.2.840.113549.1.1.11", rsa_cert, {}, ""},
        {"leader-rsa", "1.2.840.113549.1.1.10", rsa_cert, {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"}, ""},
        {"leader-rsa", "1.2.840.113549.1.1.10", rsa_cert, {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"},
         pss_params},
        {"citizen-ec", "1.2.840.10045.4.3.2", ec_cert, {}, ""},
    };
    int64_t before = last_audit_sequence(server);
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.sign_algo) {
            std::string first = "Tờ trình số 1 ký bằng " + c.sign_algo, second = "Tờ trình số 2 ký bằng " + c.sign_algo;
            std::vector<std::string> hashes = {raw_sha256(first), raw_sha256(second)};
            std::string sad = authorize(server, token, c.credential, hashes);
            json request = sign_hash_body(c.credential, sad, hashes, c.sign_algo);
            if (!c.params_hex.empty()) {
                std::string der;
                for (std::size_t i = 0; i < c.params_hex.size(); i += 2)
                    der.push_back(static_cast<char>(std::stoi(c.params_hex.substr(i, 2), nullptr, 16)));
                request["signAlgoParams"] = base64_of(der);
            }
            auto signed_reply = csc(server, "signatures/signHash", token, request);
            BOOST_TEST_REQUIRE(signed_reply.status == 200, signed_reply.body);
            auto signatures = signed_reply.json().at("signatures");
            BOOST_TEST_REQUIRE(signatures.size() == 2u, signed_reply.body);

            auto public_key = openssl({"x509", "-in", c.certificate, "-pubkey", "-noout", "-out", (dir / "public.pem").string()});
            BOOST_TEST_REQUIRE(public_key.exit_code == 0, public_key.output);
            const std::vector<std::string> documents = {first, second};
            for (std::size_t i = 0; i < 2; ++i) {
                write_text_file((dir / "document").string(), documents[i]);
                write_text_file((dir / "signature").string(), from_base64(signatures[i].get<std::string>()));
                std::vector<std::string> argv = {"dgst", "-sha256", "-verify", (dir / "public.pem").string(), "-signature",
                                                 (dir / "signature").string()};
                argv.insert(argv.end(), c.verify_options.begin(), c.verify_options.end());
                argv.push_back((dir / "document").string());
                auto verified = openssl(argv);
                BOOST_TEST(verified.exit_code == 0, verified.output);
                BOOST_TEST(verified.output.find("Verified OK") != std::string::npos, verified.output);
            }
            // The signatures are bound to their documents: swapped, they fail.
            write_text_file((dir / "document").string(), documents[1]);
            write_text_file((dir / "signature").string(), from_base64(signatures[0].get<std::string>()));
            std::vector<std::string> argv = {"dgst", "-sha256", "-verify", (dir / "public.pem").string(), "-signature",
                                             (dir / "signature").string()};
            argv.insert(argv.end(), c.verify_options.begin(), c.verify_options.end());
            argv.push_back((dir / "document").string());
            BOOST_TEST(openssl(argv).exit_code != 0);
        }
    }
    auto records = audit_after(server, before);
    BOOST_TEST(std::count_if(records.begin(), records.end(), [](const json& r) {
                   return r.value("action", "") == "csc.authorize" && r.value("result", "") == "ok";
               }) == 4);
    auto signed_records = std::count_if(records.begin(), records.end(), [](const json& r) {
        return r.value("action", "") == "csc.signHash" && r.value("result", "") == "ok" &&
               r.value("document_hash", "").find(',') != std::string::npos;
    });
    BOOST_TEST(signed_records == 4);
    // Each spent SAD is on record from the moment it was spent, before the signature's own record.
    BOOST_TEST(std::count_if(records.begin(), records.end(), [](const json& r) {
                   return r.value("action", "") == "csc.sad.use" && r.value("result", "") == "ok";
               }) == 4);

    auto metrics = curl({server.http_url() + "/metrics"});
    BOOST_TEST(metrics.output.find("signd_signatures_total{format=\"hash\"") != std::string::npos, metrics.output);
}

BOOST_AUTO_TEST_CASE(timestamp_is_an_rfc3161_token_openssl_verifies) {
    SigndServer server;
    const auto& clients = api_clients(server);
    TempDir dir("csc-ts");
    std::string token = login(server, "portal", clients.portal);
    std::string data = "Hồ sơ đăng ký kinh doanh";
    write_text_file((dir / "data").string(), data);
    auto reply = csc(server, "signatures/timestamp", token,
                     {{"hash", base64_of(raw_sha256(data))}, {"hashAlgorithmOID", sha256_oid}, {"nonce", "0a1b2c3d4e5f"}});
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    write_text_file((dir / "token.der").string(), from_base64(reply.json().at("timestamp").get<std::string>()));
    auto text = openssl({"ts", "-reply", "-in", (dir / "token.der").string(), "-token_in", "-text"});
    BOOST_TEST(text.exit_code == 0, text.output);
    BOOST_TEST(text.output.find("Nonce: 0x0A1B2C3D4E5F") != std::string::npos, text.output);
    auto verified = openssl({"ts", "-verify", "-data", (dir / "data").string(), "-in", (dir / "token.der").string(), "-token_in",
                             "-CAfile", server.root_ca_pem(), "-untrusted", server.issuing_ca_pem()});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(verified.output.find("Verification: OK") != std::string::npos, verified.output);

    require_csc_error(csc(server, "signatures/timestamp", token, {{"hash", base64_of("short")}, {"hashAlgorithmOID", sha256_oid}}),
                      400, "invalid_request", "invalid_hash_length");
    require_csc_error(csc(server, "signatures/timestamp", token, {{"hash", base64_of(raw_sha256(data))}, {"hashAlgorithmOID", "1.3.14.3.2.26"}}),
                      400, "invalid_request", "unsupported_hash_algorithm");
}

BOOST_AUTO_TEST_CASE(login_and_bearer_refusals) {
    SigndServer server;
    const auto& clients = api_clients(server);
    int64_t before = last_audit_sequence(server);
    auto wrong = curl({"--cacert", server.root_ca_pem(), "-u", "dms:" + clients.portal, "-X", "POST", "-o", "/dev/null", "-w",
                       "%{http_code}", server.https_url() + "/csc/v2/auth/login"});
    BOOST_TEST(wrong.output == "401", wrong.output);
    // The API key works as a bearer credential for login too.
    auto by_key = csc(server, "auth/login", clients.outsider, json::object());
    BOOST_TEST(by_key.status == 200, by_key.body);
    require_csc_error(csc(server, "credentials/list", "", json::object()), 401, "invalid_token", "missing_credential");
    require_csc_error(csc(server, "credentials/list", "AQAAAAB3NTU0ZGlzZ3Vpc2Vk", json::object()), 401, "invalid_token",
                      "invalid_credential");
    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "authentication", "invalid_credential"));
    BOOST_TEST(audited(records, "authentication", "missing_credential"));
}

BOOST_AUTO_TEST_CASE(attacks_get_clear_errors_nothing_signed_and_an_audit_record) {
    SigndServer server;
    const auto& clients = api_clients(server);
    std::string dms = login(server, "dms", clients.dms);
    std::string outsider = login(server, "outsider", clients.outsider);
    std::string verifier = login(server, "verifier", clients.verifier);
    int64_t before = last_audit_sequence(server);
    std::string hash = raw_sha256("Công văn số 7"), other = raw_sha256("Công văn số 8");

    // Malformed JSON and wrong base64.
    auto malformed = https(server, "POST", "/csc/v2/credentials/authorize", bearer(dms), "{\"credentialID\": ", "application/json");
    require_csc_error(malformed, 400, "invalid_request", "invalid_json");
    require_csc_error(csc(server, "credentials/authorize", dms,
                          {{"credentialID", "leader-rsa"}, {"numSignatures", 1}, {"hashes", {"@@not base64@@"}},
                           {"hashAlgorithmOID", sha256_oid}, {"authData", {{{"id", "PIN"}, {"value", "1234"}}}}}),
                      400, "invalid_request", "invalid_base64");
    // numSignatures must match the hashes.
    require_csc_error(csc(server, "credentials/authorize", dms,
                          {{"credentialID", "leader-rsa"}, {"numSignatures", 2}, {"hashes", {base64_of(hash)}},
                           {"hashAlgorithmOID", sha256_oid}, {"authData", {{{"id", "PIN"}, {"value", "1234"}}}}}),
                      400, "invalid_request", "num_signatures_mismatch");
    // An unknown credential, and another client's credential, answer alike.
    auto ask = [&](const std::string& token, const std::string& credential) {
        return csc(server, "credentials/authorize", token,
                   {{"credentialID", credential}, {"numSignatures", 1}, {"hashes", {base64_of(hash)}},
                    {"hashAlgorithmOID", sha256_oid}, {"authData", {{{"id", "PIN"}, {"value", "1234"}}}}});
    };
    require_csc_error(ask(dms, "no-such-signer"), 400, "invalid_request", "unknown_credential");
    require_csc_error(ask(outsider, "citizen-ec"), 400, "invalid_request", "unknown_credential");
    require_csc_error(csc(server, "credentials/info", outsider, {{"credentialID", "citizen-ec"}}), 400, "invalid_request",
                      "unknown_credential");
    require_csc_error(ask(verifier, "leader-rsa"), 403, "access_denied", "verify_only_client");

    // A replayed SAD, a hash the SAD does not cover, a SAD of another client.
    std::string sad = authorize(server, dms, "leader-rsa", {hash});
    const std::string rsa = "1.2.840.113549.1.1.11";
    require_csc_error(csc(server, "signatures/signHash", dms, sign_hash_body("leader-rsa", sad, {other}, rsa)), 400,
                      "invalid_request", "hash_not_authorized");
    require_csc_error(csc(server, "signatures/signHash", outsider, sign_hash_body("leader-rsa", sad, {hash}, rsa)), 400,
                      "invalid_request", "sad_unknown");
    // A signAlgo the RSA key cannot use, or one we do not offer, leaves the SAD unspent.
    require_csc_error(csc(server, "signatures/signHash", dms, sign_hash_body("leader-rsa", sad, {hash}, "1.2.840.10045.4.3.2")),
                      400, "invalid_request", "sign_algo_key_mismatch");
    require_csc_error(csc(server, "signatures/signHash", dms, sign_hash_body("leader-rsa", sad, {hash}, "1.2.840.113549.1.1.5")),
                      400, "invalid_request", "unsupported_sign_algo");
    // One authorised signature of a hash is one signature, however often signHash lists it.
    require_csc_error(csc(server, "signatures/signHash", dms,
                          sign_hash_body("leader-rsa", sad, std::vector<std::string>(100, hash), rsa)),
                      400, "invalid_request", "hash_not_authorized");
    auto first = csc(server, "signatures/signHash", dms, sign_hash_body("leader-rsa", sad, {hash}, rsa));
    BOOST_TEST_REQUIRE(first.status == 200, first.body);
    BOOST_TEST(first.json().at("signatures").size() == 1u);
    require_csc_error(csc(server, "signatures/signHash", dms, sign_hash_body("leader-rsa", sad, {hash}, rsa)), 400,
                      "invalid_request", "sad_used");
    require_csc_error(csc(server, "signatures/signHash", dms, sign_hash_body("leader-rsa", "bm90LWEtc2Fk", {hash}, rsa)), 400,
                      "invalid_request", "sad_unknown");

    auto records = audit_after(server, before);
    for (const char* code : {"invalid_json", "invalid_base64", "num_signatures_mismatch", "unknown_credential"})
        BOOST_TEST(audited(records, "csc.authorize", code), code);
    BOOST_TEST(audited(records, "csc.authorize", "verify_only_client"));
    BOOST_TEST(audited(records, "csc.authorize", "unknown_credential", std::string("citizen-ec")));
    for (const char* code : {"hash_not_authorized", "sad_unknown", "sad_used", "unsupported_sign_algo"})
        BOOST_TEST(audited(records, "csc.signHash", code), code);
    auto replay = std::find_if(records.begin(), records.end(), [](const json& r) { return r.value("result", "") == "sad_used"; });
    BOOST_TEST_REQUIRE((replay != records.end()));
    BOOST_TEST(replay->value("document_hash", "") == hex_of(hash));
    BOOST_TEST(std::count_if(records.begin(), records.end(), [](const json& r) {
                   return r.value("action", "") == "csc.signHash" && r.value("result", "") == "ok";
               }) == 1, "only the one rightful signHash signed");
}

BOOST_AUTO_TEST_CASE(five_wrong_pins_lock_the_signer_across_a_restart) {
    std::string hash = raw_sha256("Quyết định bổ nhiệm");
    json request = {{"credentialID", "pin-lock"}, {"numSignatures", 1}, {"hashes", {base64_of(hash)}},
                    {"hashAlgorithmOID", sha256_oid}, {"authData", {{{"id", "PIN"}, {"value", "9999"}}}}};
    int64_t before = 0;
    {
        SigndServer server;
        const auto& clients = api_clients(server);
        add_signer(server, "pin-lock", "citizen", "2468");
        std::string key = add_client(server, "pin-lock-tool", {"--signer", "pin-lock"});
        std::string token = login(server, "pin-lock-tool", key);
        (void)clients;
        before = last_audit_sequence(server);
        for (int attempt = 1; attempt <= 5; ++attempt)
            require_csc_error(csc(server, "credentials/authorize", token, request), 400, "invalid_pin", "wrong_pin");
        request["authData"][0]["value"] = "2468";
        require_csc_error(csc(server, "credentials/authorize", token, request), 400, "access_denied", "signer_locked");
        auto info = csc(server, "credentials/info", token, {{"credentialID", "pin-lock"}});
        BOOST_TEST(info.json().at("key").at("status") == "disabled", info.body);
    }
    // A new signd process reads the lock from disk; the token from before still works (same secret).
    SigndServer restarted;
    const auto& clients = api_clients(restarted);
    (void)clients;
    auto listed = restarted.signctl({"--json", "signer", "list"});
    BOOST_TEST(listed.output.find("pin-lock") != std::string::npos, listed.output);
    std::string key = add_client(restarted, "pin-lock-tool-2", {"--signer", "pin-lock"});
    std::string token = login(restarted, "pin-lock-tool-2", key);
    require_csc_error(csc(restarted, "credentials/authorize", token, request), 400, "access_denied", "signer_locked");

    auto records = audit_after(restarted, before);
    BOOST_TEST(std::count_if(records.begin(), records.end(), [&](const json& r) {
                   return r.value("action", "") == "csc.authorize" && r.value("result", "") == "wrong_pin" &&
                          r.value("document_hash", "") == hex_of(hash);
               }) == 5);
    BOOST_TEST(std::count_if(records.begin(), records.end(), [](const json& r) {
                   return r.value("action", "") == "csc.authorize" && r.value("result", "") == "signer_locked";
               }) == 2);
    BOOST_TEST(!audited(records, "csc.authorize", "ok"));
}

BOOST_AUTO_TEST_CASE(a_kill_9_loses_no_acknowledged_write) {
    std::string used_hash = raw_sha256("Giấy mời họp");
    std::string kept_hash = raw_sha256("Thông báo kết luận");
    const std::string rsa = "1.2.840.113549.1.1.11";
    std::string used_sad, kept_sad;
    int64_t before = 0;
    {
        SigndServer server;
        const auto& clients = api_clients(server);
        before = last_audit_sequence(server);
        std::string token = login(server, "dms", clients.dms);
        used_sad = authorize(server, token, "leader-rsa", {used_hash});
        kept_sad = authorize(server, token, "leader-rsa", {kept_hash});
        auto signed_once = csc(server, "signatures/signHash", token, sign_hash_body("leader-rsa", used_sad, {used_hash}, rsa));
        BOOST_TEST_REQUIRE(signed_once.status == 200, signed_once.body);
        // No SIGTERM and no drain: whatever was acknowledged must already be on disk.
        server.kill_hard();
    }
    SigndServer restarted;
    const auto& clients = api_clients(restarted);
    std::string token = login(restarted, "dms", clients.dms);
    require_csc_error(csc(restarted, "signatures/signHash", token, sign_hash_body("leader-rsa", used_sad, {used_hash}, rsa)), 400,
                      "invalid_request", "sad_used");
    auto kept = csc(restarted, "signatures/signHash", token, sign_hash_body("leader-rsa", kept_sad, {kept_hash}, rsa));
    BOOST_TEST(kept.status == 200, kept.body);

    auto records = audit_after(restarted, before);
    BOOST_TEST(std::count_if(records.begin(), records.end(), [](const json& r) {
                   return r.value("action", "") == "csc.authorize" && r.value("result", "") == "ok";
               }) == 2);
    BOOST_TEST(audited(records, "csc.signHash", "ok", std::string("leader-rsa")));
    BOOST_TEST(audited(records, "csc.signHash", "sad_used"));
    auto verified = restarted.signctl({"audit", "verify"});
    BOOST_TEST(verified.exit_code == 0, verified.output);
}

BOOST_AUTO_TEST_CASE(an_expired_sad_signs_nothing) {
    SigndServer::Options options;
    options.flags = {"--sad-lifetime-s", "1"};
    SigndServer server(options);
    const auto& clients = api_clients(server);
    std::string token = login(server, "dms", clients.dms);
    std::string hash = raw_sha256("Giấy mời họp");
    std::string sad = authorize(server, token, "citizen-ec", {hash});
    int64_t before = last_audit_sequence(server);
    // The SAD's expiry is whole seconds after its issue; two seconds later it is past for sure.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    require_csc_error(csc(server, "signatures/signHash", token, sign_hash_body("citizen-ec", sad, {hash}, "1.2.840.10045.4.3.2")),
                      400, "invalid_request", "sad_expired");
    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "csc.signHash", "sad_expired", std::string("citizen-ec")));
    BOOST_TEST(!audited(records, "csc.signHash", "ok"));
}

// Phone approval through the asynchronous mode (docs/mobile-signing.md, "CSC with phone approval").
namespace {

const std::string phone_pin = "246810";

// authorize without a PIN: 202 and the handle.
std::string authorize_on_phone(const SigndServer& server, const std::string& token, const std::string& credential,
                               const std::vector<std::string>& hashes, const std::string& description) {
    json encoded = json::array();
    for (const auto& hash : hashes) encoded.push_back(base64_of(hash));
    auto reply = csc(server, "credentials/authorize", token,
                     {{"credentialID", credential}, {"numSignatures", hashes.size()}, {"hashes", encoded},
                      {"hashAlgorithmOID", sha256_oid}, {"description", description}});
    BOOST_TEST_REQUIRE(reply.status == 202, reply.body);
    std::string handle = reply.json().at("handle");
    BOOST_TEST(handle.size() == 22u, reply.body);
    return handle;
}

json phone_details(const SigndServer& server, const TestDevice& phone, const std::string& id) {
    auto reply = device_call(server, phone, "GET", "/api/v1/device/signature-requests/" + id);
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    return reply.json();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_phone_approves_a_csc_authorization_and_signHash_runs_asynchronously) {
    SigndServer server;
    std::string app_key = add_client(server, "csc-app", {"--signer", "*"});
    std::string other_key = add_client(server, "csc-other", {"--signer", "*"});
    add_mobile_signer(server, "csc-phone", "leader");
    TestDevice phone;
    enrol(server, "csc-phone", phone, phone_pin);
    TempDir dir("csc-async");
    std::string token = login(server, "csc-app", app_key);
    std::string other = login(server, "csc-other", other_key);
    std::string certificate = certificate_from_info(server, token, "csc-phone", dir);
    int64_t before = last_audit_sequence(server);

    const std::vector<std::string> documents = {"Quyết định số 12 ký qua CSC", "Tờ trình số 13 ký qua CSC"};
    const std::vector<std::string> hashes = {raw_sha256(documents[0]), raw_sha256(documents[1])};
    // SCAL2: no hashes, no phone request.
    require_csc_error(csc(server, "credentials/authorize", token,
                          {{"credentialID", "csc-phone"}, {"numSignatures", 1}, {"hashAlgorithmOID", sha256_oid}}),
                      400, "invalid_request", "missing_parameter");
    std::string handle = authorize_on_phone(server, token, "csc-phone", hashes, "Ký hồ sơ qua ứng dụng CSC");

    auto pending = csc(server, "credentials/authorizeCheck", token, {{"handle", handle}});
    BOOST_TEST_REQUIRE(pending.status == 202, pending.body);
    BOOST_TEST(pending.json().at("handle") == handle);
    // Another client's handle is refused like an unknown one, and on record.
    require_csc_error(csc(server, "credentials/authorizeCheck", other, {{"handle", handle}}), 400, "invalid_request",
                      "invalid_handle");
    require_csc_error(csc(server, "credentials/authorizeCheck", token, {{"handle", "no-such-handle"}}), 400, "invalid_request",
                      "invalid_handle");

    // On the phone it is a request like any other: the hashes, titled, with their digest.
    json shown = phone_details(server, phone, handle);
    BOOST_TEST(shown.at("displayText") == "Ký hồ sơ qua ứng dụng CSC");
    BOOST_TEST_REQUIRE(shown.at("documents").size() == 2u, shown.dump());
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& document = shown.at("documents")[i];
        BOOST_TEST(document.at("title") == "Hash " + std::to_string(i + 1));
        BOOST_TEST(document.at("type") == "hash");
        BOOST_TEST(document.at("digestAlgorithm") == "sha256");
        BOOST_TEST(document.at("digest") == hex_of(hashes[i]));
    }
    auto approved = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + handle + "/approve",
                                decision_body(phone, shown, sign::mobile::Decision::approve, phone_pin));
    BOOST_TEST_REQUIRE(approved.status == 200, approved.body);
    BOOST_TEST(approved.json().at("state") == "approved");

    auto granted = csc(server, "credentials/authorizeCheck", token, {{"handle", handle}});
    BOOST_TEST_REQUIRE(granted.status == 200, granted.body);
    std::string sad = granted.json().at("SAD");
    BOOST_TEST(granted.json().at("expiresIn").get<int>() <= 300);
    // One SAD per approval.
    require_csc_error(csc(server, "credentials/authorizeCheck", token, {{"handle", handle}}), 400, "invalid_request",
                      "sad_already_issued");

    // Bound to exactly the approved hashes: an unlisted one is refused and the SAD stays unspent.
    const std::string sha256_rsa = "1.2.840.113549.1.1.11";
    std::string unlisted = raw_sha256("Văn bản không được duyệt");
    require_csc_error(csc(server, "signatures/signHash", token, sign_hash_body("csc-phone", sad, {hashes[0], unlisted}, sha256_rsa)),
                      400, "invalid_request", "hash_not_authorized");
    json asynchronous = sign_hash_body("csc-phone", sad, hashes, sha256_rsa);
    asynchronous["operationMode"] = "A";
    json with_uri = asynchronous;
    with_uri["response_uri"] = "https://app.example/done";
    require_csc_error(csc(server, "signatures/signHash", token, with_uri), 400, "invalid_request", "response_uri_not_supported");
    json too_long = asynchronous;
    too_long["validity_period"] = 3'600'000;
    require_csc_error(csc(server, "signatures/signHash", token, too_long), 400, "invalid_request",
                      "validity_period_out_of_bounds");
    asynchronous["validity_period"] = 120'000;
    auto started = csc(server, "signatures/signHash", token, asynchronous);
    BOOST_TEST_REQUIRE(started.status == 200, started.body);
    BOOST_TEST(!started.json().contains("signatures"), started.body);
    std::string response_id = started.json().at("responseID");
    // The SAD was spent when signHash answered.
    require_csc_error(csc(server, "signatures/signHash", token, sign_hash_body("csc-phone", sad, hashes, sha256_rsa)), 400,
                      "invalid_request", "sad_used");

    require_csc_error(csc(server, "signatures/signPolling", other, {{"requestID", response_id}}), 400, "invalid_request",
                      "invalid_request_id");
    require_csc_error(csc(server, "signatures/signPolling", token, {{"requestID", "unknown"}}), 400, "invalid_request",
                      "invalid_request_id");
    Reply polled;
    for (int attempt = 0; attempt < 600; ++attempt) {
        polled = csc(server, "signatures/signPolling", token, {{"requestID", response_id}});
        if (polled.status != 202) break;
        BOOST_TEST(polled.json().at("error") == "accepted_request", polled.body);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_TEST_REQUIRE(polled.status == 200, polled.body);
    auto signatures = polled.json().at("signatures");
    BOOST_TEST_REQUIRE(signatures.size() == 2u, polled.body);
    // The brief's name for the same id works too, and the result stays until its validity period ends.
    auto again = csc(server, "signatures/signPolling", token, {{"responseID", response_id}});
    BOOST_TEST_REQUIRE(again.status == 200, again.body);
    BOOST_TEST(again.json().at("signatures") == signatures);

    auto public_key = openssl({"x509", "-in", certificate, "-pubkey", "-noout", "-out", (dir / "public.pem").string()});
    BOOST_TEST_REQUIRE(public_key.exit_code == 0, public_key.output);
    for (std::size_t i = 0; i < 2; ++i) {
        write_text_file((dir / "document").string(), documents[i]);
        write_text_file((dir / "signature").string(), from_base64(signatures[i].get<std::string>()));
        auto verified = openssl({"dgst", "-sha256", "-verify", (dir / "public.pem").string(), "-signature",
                                 (dir / "signature").string(), (dir / "document").string()});
        BOOST_TEST(verified.exit_code == 0, verified.output);
        BOOST_TEST(verified.output.find("Verified OK") != std::string::npos, verified.output);
    }

    // A rejection on the phone ends the authorization; the client learns why.
    std::string refused = authorize_on_phone(server, token, "csc-phone", {raw_sha256("Công văn bị từ chối")}, "Ký công văn");
    json refused_shown = phone_details(server, phone, refused);
    auto rejected = device_call(server, phone, "POST", "/api/v1/device/signature-requests/" + refused + "/reject",
                                decision_body(phone, refused_shown, sign::mobile::Decision::reject));
    BOOST_TEST_REQUIRE(rejected.status == 200, rejected.body);
    require_csc_error(csc(server, "credentials/authorizeCheck", token, {{"handle", refused}}), 400, "invalid_request",
                      "request_rejected");

    auto records = audit_after(server, before);
    BOOST_TEST(audited(records, "csc.authorize", "ok", std::string("csc-phone")));
    BOOST_TEST(audited(records, "csc.authorizeCheck", "ok", handle));
    BOOST_TEST(audited(records, "csc.authorizeCheck", "invalid_handle", handle));
    BOOST_TEST(audited(records, "csc.authorizeCheck", "sad_already_issued", handle));
    BOOST_TEST(audited(records, "csc.authorizeCheck", "request_rejected", refused));
    BOOST_TEST(audited(records, "csc.sad.use", "ok", std::string("csc-phone")));
    BOOST_TEST(audited(records, "csc.signHash", "ok", std::string("csc-phone")));
    BOOST_TEST(audited(records, "csc.signPolling", "invalid_request_id", response_id));
    BOOST_TEST(audited(records, "signature_request.approve", "ok"));
    auto verified = server.signctl({"audit", "verify"});
    BOOST_TEST(verified.exit_code == 0, verified.output);
}

BOOST_AUTO_TEST_SUITE_END()
