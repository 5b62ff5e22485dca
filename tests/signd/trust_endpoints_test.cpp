// The trust-service endpoints, checked with the tools relying parties use:
// openssl ocsp -url against our responder, openssl ts on our TSA's replies,
// openssl crl and x509 on the downloads.

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "signd_process.h"
#include "signd_tools.h"
#include "signctl_folder.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

// Base64 of a file, then percent-encoded for a URL path (RFC 6960 A.1).
std::string url_encoded_base64(const std::string& path) {
    auto encoded = openssl({"base64", "-A", "-in", path});
    BOOST_TEST_REQUIRE(encoded.exit_code == 0, encoded.output);
    std::string out;
    for (char c : encoded.output) {
        if (c == '+') out += "%2B";
        else if (c == '/') out += "%2F";
        else if (c == '=') out += "%3D";
        else if (c != '\n') out += c;
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(trust_endpoints)

BOOST_AUTO_TEST_CASE(ocsp_post_answers_good_and_revoked_and_openssl_verifies_the_response) {
    SigndServer server;
    // A certificate of its own, so that revoking it changes nothing other tests rely on.
    TempDir work("ocsp");
    std::string revoked = (work / "revoked.pem").string();
    auto issued = server.signctl({"cert", "issue", "--profile", "citizen", "--label", "ocsp-revoked-" + std::to_string(server.port()),
                                  "--subject", "CN=Lê Văn Cường,C=VN,UID=CCCD:048090009999", "--out", revoked});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    auto revoke = server.signctl({"cert", "revoke", certificate_serial(revoked), "--reason", "keyCompromise"});
    BOOST_TEST_REQUIRE(revoke.exit_code == 0, revoke.output);

    auto good = openssl({"ocsp", "-issuer", server.issuing_ca_pem(), "-cert", server.certificate("citizen"), "-url",
                         server.http_url() + "/ocsp", "-CAfile", server.root_ca_pem()});
    BOOST_TEST(good.exit_code == 0, good.output);
    BOOST_TEST(good.output.find("Response verify OK") != std::string::npos, good.output);
    BOOST_TEST(good.output.find(server.certificate("citizen") + ": good") != std::string::npos, good.output);

    auto bad = openssl({"ocsp", "-issuer", server.issuing_ca_pem(), "-cert", revoked, "-url",
                        server.http_url() + "/ocsp", "-CAfile", server.root_ca_pem()});
    BOOST_TEST(bad.exit_code == 0, bad.output);
    BOOST_TEST(bad.output.find("Response verify OK") != std::string::npos, bad.output);
    BOOST_TEST(bad.output.find(revoked + ": revoked") != std::string::npos, bad.output);
    BOOST_TEST(bad.output.find("Reason: keyCompromise") != std::string::npos, bad.output);
}

BOOST_AUTO_TEST_CASE(ocsp_get_form_carries_the_request_in_the_url) {
    SigndServer server;
    TempDir work("ocsp-get");
    std::string request = (work / "request.der").string();
    std::string response = (work / "response.der").string();
    auto made = openssl({"ocsp", "-issuer", server.issuing_ca_pem(), "-cert", server.certificate("leader"), "-no_nonce",
                         "-reqout", request});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);

    auto fetched = curl({"--fail", "-o", response, "-w", "%{content_type}", server.http_url() + "/ocsp/" + url_encoded_base64(request)});
    BOOST_TEST_REQUIRE(fetched.exit_code == 0, fetched.output);
    BOOST_TEST(fetched.output == "application/ocsp-response");
    auto checked = openssl({"ocsp", "-respin", response, "-reqin", request, "-issuer", server.issuing_ca_pem(), "-cert",
                            server.certificate("leader"), "-CAfile", server.root_ca_pem()});
    BOOST_TEST(checked.exit_code == 0, checked.output);
    BOOST_TEST(checked.output.find("Response verify OK") != std::string::npos, checked.output);
    BOOST_TEST(checked.output.find(": good") != std::string::npos, checked.output);

    auto garbage = curl({"-o", "/dev/null", "-w", "%{http_code}", server.http_url() + "/ocsp/%25%25notbase64"});
    BOOST_TEST(garbage.output == "400");
}

BOOST_AUTO_TEST_CASE(tsa_answers_an_openssl_query_posted_with_curl) {
    SigndServer server;
    TempDir work("tsa");
    std::string data = (work / "document.txt").string();
    write_text_file(data, "Quyết định số 123/QĐ-UBND\n");
    std::string query = (work / "query.tsq").string();
    std::string reply = (work / "reply.tsr").string();
    auto made = openssl({"ts", "-query", "-data", data, "-sha256", "-cert", "-out", query});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);

    auto posted = curl({"--fail", "-H", "Content-Type: application/timestamp-query", "--data-binary", "@" + query, "-o",
                        reply, "-w", "%{content_type}", server.http_url() + "/tsa"});
    BOOST_TEST_REQUIRE(posted.exit_code == 0, posted.output);
    BOOST_TEST(posted.output == "application/timestamp-reply");
    auto verified = openssl({"ts", "-verify", "-in", reply, "-queryfile", query, "-CAfile", server.root_ca_pem(),
                             "-untrusted", server.issuing_ca_pem()});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(verified.output.find("Verification: OK") != std::string::npos, verified.output);

    auto wrong_type = curl({"-o", (work / "problem.json").string(), "-w", "%{http_code}", "-H",
                            "Content-Type: application/octet-stream", "--data-binary", "@" + query, server.http_url() + "/tsa"});
    BOOST_TEST(wrong_type.output == "415");
    auto problem = nlohmann::json::parse(read_text_file((work / "problem.json").string()));
    BOOST_TEST(problem["code"] == "unsupported_media_type");
}

BOOST_AUTO_TEST_CASE(crls_and_ca_certificates_download_and_verify) {
    SigndServer server;
    TempDir work("downloads");
    for (std::string ca : {"root-ca", "issuing-ca"}) {
        std::string crl = (work / (ca + ".crl")).string();
        auto fetched = curl({"--fail", "-o", crl, "-w", "%{content_type}", server.http_url() + "/crl/" + ca + ".crl"});
        BOOST_TEST_REQUIRE(fetched.exit_code == 0, fetched.output);
        BOOST_TEST(fetched.output == "application/pkix-crl");
        auto checked = openssl({"crl", "-inform", "DER", "-in", crl, "-CAfile", server.chain_pem(), "-noout"});
        BOOST_TEST(checked.exit_code == 0, checked.output);
        BOOST_TEST(checked.output.find("verify OK") != std::string::npos, checked.output);

        std::string certificate = (work / (ca + ".crt")).string();
        fetched = curl({"--fail", "-o", certificate, "-w", "%{content_type}", server.http_url() + "/ca/" + ca + ".crt"});
        BOOST_TEST_REQUIRE(fetched.exit_code == 0, fetched.output);
        BOOST_TEST(fetched.output == "application/pkix-cert");
        auto served = openssl({"x509", "-inform", "DER", "-in", certificate, "-noout", "-fingerprint", "-sha256"});
        auto published = openssl({"x509", "-in", server.certificate(ca), "-noout", "-fingerprint", "-sha256"});
        BOOST_TEST_REQUIRE(served.exit_code == 0, served.output);
        BOOST_TEST(served.output == published.output);
    }
}

BOOST_AUTO_TEST_CASE(a_crl_is_regenerated_when_its_file_is_missing) {
    SigndServer server;
    TempDir work("crl-regenerate");
    std::filesystem::remove(server.data_dir() + "/crl/issuing-ca.crl");
    std::string crl = (work / "issuing-ca.crl").string();
    auto fetched = curl({"--fail", "-o", crl, server.http_url() + "/crl/issuing-ca.crl"});
    BOOST_TEST_REQUIRE(fetched.exit_code == 0, fetched.output);
    BOOST_TEST(std::filesystem::exists(server.data_dir() + "/crl/issuing-ca.crl"));
    BOOST_TEST(read_text_file(crl) == read_text_file(server.data_dir() + "/crl/issuing-ca.crl"));
    auto checked = openssl({"crl", "-inform", "DER", "-in", crl, "-CAfile", server.chain_pem(), "-noout"});
    BOOST_TEST(checked.output.find("verify OK") != std::string::npos, checked.output);
}

BOOST_AUTO_TEST_SUITE_END()
