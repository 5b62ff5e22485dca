// TLS as clients see it: versions, the certificate chain to our root, the
// token-held key (EC from the test PKI, RSA issued for the test), and mutual
// TLS with client certificates from our CA.

#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "signctl_folder.h"
#include "signd_process.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

CommandResult s_client(const SigndServer& server, const std::string& version) {
    return openssl({"s_client", "-connect", "127.0.0.1:" + std::to_string(server.port()), "-servername", "localhost",
                    "-verify_hostname", "localhost", "-CAfile", server.root_ca_pem(), "-verify_return_error", "-brief",
                    "-" + version});
}

// `expected_peer` is part of the peer certificate line, `signature_type` the handshake signature.
void require_handshakes(const SigndServer& server, const std::string& expected_peer, const std::string& signature_type) {
    // The client is allowed the old versions (security level 0), so the refusal is the server's:
    // its protocol_version alert.
    for (const char* version : {"-tls1", "-tls1_1"}) {
        auto old = openssl({"s_client", "-connect", "127.0.0.1:" + std::to_string(server.port()), "-servername", "localhost",
                            "-brief", "-cipher", "DEFAULT@SECLEVEL=0", version});
        BOOST_TEST(old.exit_code != 0, old.output);
        BOOST_TEST(old.output.find("alert protocol version") != std::string::npos, version << ": " << old.output);
        BOOST_TEST(old.output.find("CONNECTION ESTABLISHED") == std::string::npos, old.output);
    }

    for (auto [flag, name] : {std::pair{"tls1_2", "TLSv1.2"}, std::pair{"tls1_3", "TLSv1.3"}}) {
        auto result = s_client(server, flag);
        BOOST_TEST(result.exit_code == 0, result.output);
        BOOST_TEST(result.output.find(std::string("Protocol version: ") + name) != std::string::npos, result.output);
        BOOST_TEST(result.output.find("Verification: OK") != std::string::npos, result.output);
        BOOST_TEST(result.output.find(expected_peer) != std::string::npos, result.output);
        BOOST_TEST(result.output.find("Signature type: " + signature_type) != std::string::npos, result.output);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(tls_1_1_is_refused_and_1_2_and_1_3_verify_against_our_root_with_the_ec_key) {
    SigndServer server;
    require_handshakes(server, "CN = localhost", "ECDSA");
    auto fetched = curl({"--fail", "--cacert", server.root_ca_pem(), server.https_url() + "/healthz"});
    BOOST_TEST(fetched.exit_code == 0, fetched.output);
    BOOST_TEST(nlohmann::json::parse(fetched.output)["token"] == "ok");
}

BOOST_AUTO_TEST_CASE(an_rsa_tls_key_on_the_token_serves_tls_1_2_and_1_3) {
    SigndServer::Options options;
    options.own_folder = true;
    // Newer than the EC certificate of the test PKI, so signd picks it.
    options.prepare = [](const std::string& data_dir) {
        auto issued = run_command({SIGNCTL_PATH, "--data", data_dir, "cert", "issue", "--profile", "tls-server", "--label",
                                   "tls-rsa", "--key-type", "rsa-2048", "--subject", "CN=localhost,OU=rsa-2048", "--dns", "localhost"});
        BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    };
    SigndServer server(options);
    require_handshakes(server, "OU = rsa-2048", "RSA-PSS");
}

BOOST_AUTO_TEST_CASE(a_client_certificate_from_our_ca_is_identified_and_a_self_made_one_fails_the_handshake) {
    SigndServer server;
    TempDir work("mtls");
    std::string key = (work / "client.key").string();
    std::string csr = (work / "client.csr").string();
    std::string certificate = (work / "client.pem").string();
    // The client's key is the client's own: it comes as a CSR, like a portal would send it.
    auto request = openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                            key, "-out", csr, "-subj", "/CN=Cổng dịch vụ công thành phố/C=VN", "-utf8"});
    BOOST_TEST_REQUIRE(request.exit_code == 0, request.output);
    auto issued = server.signctl({"cert", "issue", "--profile", "tls-client", "--csr", csr, "--out", certificate});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);

    auto with_certificate = curl({"--fail", "--cacert", server.root_ca_pem(), "--cert", certificate, "--key", key, "-H",
                                  "X-Test: mtls-client", server.https_url() + "/healthz"});
    BOOST_TEST_REQUIRE(with_certificate.exit_code == 0, with_certificate.output);
    std::string serial = certificate_serial(certificate);
    auto log = server.request_log();
    BOOST_TEST(std::any_of(log.begin(), log.end(), [&](const nlohmann::json& line) {
                   return line.value("client_certificate_serial", "") == serial && line["path"] == "/healthz";
               }),
               "no request log line carries serial " << serial << ":\n" << server.stderr_text());

    // Without a certificate, the same server still answers (client certificates are optional).
    auto without = curl({"--fail", "--cacert", server.root_ca_pem(), server.https_url() + "/healthz"});
    BOOST_TEST(without.exit_code == 0, without.output);

    std::string self_key = (work / "self.key").string();
    std::string self_certificate = (work / "self.pem").string();
    auto self_made = openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                              self_key, "-out", self_certificate, "-subj", "/CN=intruder", "-days", "2",
                              "-addext", "extendedKeyUsage=clientAuth"});
    BOOST_TEST_REQUIRE(self_made.exit_code == 0, self_made.output);
    size_t lines_before = server.request_log().size();
    auto refused = curl({"--cacert", server.root_ca_pem(), "--cert", self_certificate, "--key", self_key,
                         server.https_url() + "/healthz"});
    BOOST_TEST(refused.exit_code != 0, refused.output);
    BOOST_TEST(refused.output.find("\"status\"") == std::string::npos, refused.output);
    BOOST_TEST(server.request_log().size() == lines_before);

    // A certificate of our CA that is not meant for TLS clients (serverAuth only) is refused too.
    std::string server_key = (work / "server.key").string();
    std::string server_csr = (work / "server.csr").string();
    std::string server_certificate = (work / "server.pem").string();
    auto server_request = openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                   "-keyout", server_key, "-out", server_csr, "-subj", "/CN=portal.localhost"});
    BOOST_TEST_REQUIRE(server_request.exit_code == 0, server_request.output);
    auto server_issued = server.signctl({"cert", "issue", "--profile", "tls-server", "--csr", server_csr, "--dns",
                                         "portal.localhost", "--out", server_certificate});
    BOOST_TEST_REQUIRE(server_issued.exit_code == 0, server_issued.output);
    auto wrong_purpose = curl({"--cacert", server.root_ca_pem(), "--cert", server_certificate, "--key", server_key,
                               server.https_url() + "/healthz"});
    BOOST_TEST(wrong_purpose.exit_code != 0, wrong_purpose.output);
    BOOST_TEST(server.request_log().size() == lines_before);
}

// A client that connects by address checks the address against the certificate's iPAddress names,
// so a certificate issued with --ip serves https://127.0.0.1 with full verification.
BOOST_AUTO_TEST_CASE(a_certificate_naming_127_0_0_1_serves_clients_that_connect_by_address) {
    SigndServer by_name;
    std::string by_name_url = "https://127.0.0.1:" + std::to_string(by_name.port()) + "/healthz";
    auto mismatch = curl({"--cacert", by_name.root_ca_pem(), by_name_url});
    BOOST_TEST(mismatch.exit_code == 60, "the test PKI's certificate names only DNS names: " << mismatch.output);

    SigndServer::Options options;
    options.own_folder = true;
    options.prepare = [](const std::string& data_dir) {
        auto issued = run_command({SIGNCTL_PATH, "--data", data_dir, "cert", "issue", "--profile", "tls-server", "--label",
                                   "tls-by-address", "--subject", "CN=localhost,OU=by-address", "--dns", "localhost",
                                   "--ip", "127.0.0.1", "--ip", "::1"});
        BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    };
    SigndServer by_address(options);
    std::string port = std::to_string(by_address.port());
    auto fetched = curl({"--fail", "--cacert", by_address.root_ca_pem(), "https://127.0.0.1:" + port + "/healthz"});
    BOOST_TEST(fetched.exit_code == 0, fetched.output);
    auto handshake = openssl({"s_client", "-connect", "127.0.0.1:" + port, "-verify_ip", "127.0.0.1", "-CAfile",
                              by_address.root_ca_pem(), "-verify_return_error", "-brief"});
    BOOST_TEST(handshake.exit_code == 0, handshake.output);
    BOOST_TEST(handshake.output.find("Verification: OK") != std::string::npos, handshake.output);
    BOOST_TEST(handshake.output.find("OU = by-address") != std::string::npos, handshake.output);
    auto other_address = openssl({"s_client", "-connect", "127.0.0.1:" + port, "-verify_ip", "127.0.0.2", "-CAfile",
                                  by_address.root_ca_pem(), "-verify_return_error", "-brief"});
    BOOST_TEST(other_address.exit_code != 0, other_address.output);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(operations)

BOOST_AUTO_TEST_CASE(metrics_count_requests_per_route_and_the_log_has_one_json_line_each) {
    SigndServer server;
    TempDir work("metrics");
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        auto fetched = curl({"--fail", "-D", "-", "-o", "/dev/null", server.http_url() + "/crl/root-ca.crl"});
        BOOST_TEST_REQUIRE(fetched.exit_code == 0, fetched.output);
        auto id = header_of(fetched.output, "X-Request-Id");
        BOOST_TEST_REQUIRE(id.has_value(), fetched.output);
        ids.push_back(*id);
    }
    auto metrics = curl({"--fail", server.http_url() + "/metrics"});
    BOOST_TEST_REQUIRE(metrics.exit_code == 0, metrics.output);
    BOOST_TEST(metrics.output.find("signd_requests_total{route=\"crl\",method=\"GET\",status=\"200\"} 3") != std::string::npos,
               metrics.output);
    BOOST_TEST(metrics.output.find("signd_request_duration_seconds_count{route=\"crl\"} 3") != std::string::npos,
               metrics.output);
    BOOST_TEST(metrics.output.find("# TYPE signd_request_duration_seconds histogram") != std::string::npos);
    // The /metrics request itself is in progress while it renders.
    BOOST_TEST(metrics.output.find("signd_requests_in_flight 1") != std::string::npos, metrics.output);

    auto log = server.request_log();
    for (const auto& id : ids) {
        auto line = std::find_if(log.begin(), log.end(), [&](const nlohmann::json& entry) { return entry["request_id"] == id; });
        BOOST_TEST_REQUIRE((line != log.end()), "no log line for request " << id);
        BOOST_TEST((*line)["method"] == "GET");
        BOOST_TEST((*line)["path"] == "/crl/root-ca.crl");
        BOOST_TEST((*line)["route"] == "crl");
        BOOST_TEST((*line)["status"] == 200);
        BOOST_TEST((*line)["remote"] == "127.0.0.1");
        BOOST_TEST((*line)["bytes_out"].get<long>() > 0);
        BOOST_TEST((*line)["duration_ms"].is_number());
        std::string time = (*line)["time"];
        BOOST_TEST((time.size() == 24 && time[10] == 'T' && time.back() == 'Z'), time);
    }
}

// signd's one clock keeps the fraction of a second, so its audit records carry the microseconds
// the audit log promises (several refusals can fall within one second).
BOOST_AUTO_TEST_CASE(signd_s_audit_records_keep_sub_second_times) {
    SigndServer server;
    auto newest = nlohmann::json::parse(server.signctl({"--json", "audit", "list", "--limit", "1"}).output);
    int64_t before = newest.empty() ? 0 : newest[0]["sequence"].get<int64_t>();
    // Each claims another client: refusals alike within a minute would be counted in one record.
    for (int i = 0; i < 5; ++i) {
        auto refused = curl({"--cacert", server.root_ca_pem(), "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                             "Authorization: Bearer client-" + std::to_string(i) + ".not-its-key",
                             server.https_url() + "/api/v1/seals/agency-seal/pdf"});
        BOOST_TEST_REQUIRE(refused.output == "401", refused.output);
    }
    auto listed = server.signctl({"--json", "audit", "list", "--after", std::to_string(before)});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.output);
    size_t refusals = 0;
    size_t with_fraction = 0;
    for (const auto& record : nlohmann::json::parse(listed.output)) {
        if (record["action"] != "authentication") continue;
        ++refusals;
        std::string time = record["time"];
        BOOST_TEST_REQUIRE(time.size() == 27u, time);
        if (time.substr(19) != ".000000Z") ++with_fraction;
    }
    BOOST_TEST_REQUIRE(refusals == 5u, listed.output);
    // Five readings all on a whole second: one chance in 10^30 with microseconds, certain without.
    BOOST_TEST(with_fraction > 0u, listed.output);
}

BOOST_AUTO_TEST_CASE(healthz_reports_the_token_and_the_database) {
    SigndServer server;
    auto fetched = curl({"--fail", server.http_url() + "/healthz"});
    BOOST_TEST_REQUIRE(fetched.exit_code == 0, fetched.output);
    auto health = nlohmann::json::parse(fetched.output);
    BOOST_TEST(health["status"] == "ok");
    BOOST_TEST(health["token"] == "ok");
    BOOST_TEST(health["database"] == "ok");
}

BOOST_AUTO_TEST_SUITE_END()
