// The public verification page's API (/app/api/verifications): no key, a token
// of the caller's address per call, evidence kept with "anonymous" and the
// address, and nothing fetched from the URLs an uploaded file names.

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "../validate/http_server.h"
#include "api_support.h"
#include "signctl_folder.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;
using nlohmann::json;

namespace {

std::string decoded_base64(const std::string& text) {
    auto result = run_command({"openssl", "base64", "-d", "-A"}, {}, text);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return result.output;
}

Reply anonymous_verification(const SigndServer& server, const std::string& body, const std::string& content_type,
                             const std::string& query = "") {
    return https(server, "POST", "/app/api/verifications" + query, {}, body, content_type);
}

// A PDF sealed through the API (PAdES B-T by the test PKI's agency seal).
std::string sealed_pdf(const SigndServer& server) {
    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/pdf?page=1&xMm=20&yMm=30", bearer(api_clients(server).dms),
                        minimal_pdf(), "application/pdf");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    return sealed.body;
}

json evidence_inputs(const SigndServer& server, const std::string& id) {
    BOOST_TEST_REQUIRE(id.size() > 8u, id);
    auto file = std::filesystem::path(server.data_dir()) / "evidence" / id.substr(0, 4) / id.substr(5, 2) / id / "inputs.json";
    BOOST_TEST_REQUIRE(std::filesystem::exists(file), file.string());
    return json::parse(read_text_file(file.string()));
}

void run_openssl(const std::vector<std::string>& args) {
    auto result = openssl(args);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
}

// A root of another PKI, an intermediate under it, and a signer under that whose AIA (OCSP,
// caIssuers) and CRL distribution point name `listener`; content signed as attached CMS, once
// with the intermediate inside and once without it (so only its caIssuers URL leads to it).
struct OutsidePki {
    std::string root_pem, with_intermediate, without_intermediate;
};

OutsidePki outside_pki(const TempDir& dir, const std::string& listener) {
    auto at = [&](const std::string& name) { return (dir / name).string(); };
    write_text_file(at("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                                  "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    write_text_file(at("signer.ext"), "keyUsage=critical,digitalSignature,nonRepudiation\n"
                                      "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                                      "authorityInfoAccess=OCSP;URI:" + listener + "/ocsp,caIssuers;URI:" + listener +
                                      "/outside-ca.crt\ncrlDistributionPoints=URI:" + listener + "/outside-ca.crl\n");
    const std::vector<std::string> p256 = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"};
    auto with = [](std::vector<std::string> head, const std::vector<std::string>& tail) {
        head.insert(head.end(), tail.begin(), tail.end());
        return head;
    };
    run_openssl(with({"req", "-x509"}, with(p256, {"-keyout", at("root.key"), "-out", at("root.pem"), "-subj", "/CN=Outside Root",
                                                   "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                                                   "keyUsage=critical,keyCertSign,cRLSign"})));
    run_openssl(with({"req", "-new"}, with(p256, {"-keyout", at("ca.key"), "-out", at("ca.csr"), "-subj", "/CN=Outside CA"})));
    run_openssl({"x509", "-req", "-in", at("ca.csr"), "-CA", at("root.pem"), "-CAkey", at("root.key"), "-set_serial", "2",
                 "-days", "30", "-extfile", at("ca.ext"), "-out", at("ca.pem")});
    run_openssl(with({"req", "-new"}, with(p256, {"-keyout", at("signer.key"), "-out", at("signer.csr"), "-subj", "/CN=Outside Signer"})));
    run_openssl({"x509", "-req", "-in", at("signer.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-set_serial", "3",
                 "-days", "30", "-extfile", at("signer.ext"), "-out", at("signer.pem")});
    write_text_file(at("content.txt"), "Đơn đề nghị cấp giấy phép");
    const std::vector<std::string> sign = {"cms", "-sign", "-binary", "-nodetach", "-md", "sha256", "-in", at("content.txt"),
                                           "-signer", at("signer.pem"), "-inkey", at("signer.key"), "-outform", "DER"};
    run_openssl(with(sign, {"-certfile", at("ca.pem"), "-out", at("with.p7m")}));
    run_openssl(with(sign, {"-out", at("without.p7m")}));
    return {at("root.pem"), read_text_file(at("with.p7m")), read_text_file(at("without.p7m"))};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(public_verification)

BOOST_AUTO_TEST_CASE(anyone_verifies_and_the_evidence_names_them_anonymous) {
    SigndServer server;
    std::string pdf = sealed_pdf(server);

    auto reply = anonymous_verification(server, pdf, "application/pdf");
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    auto answer = reply.json();
    BOOST_TEST(answer.at("indication") == "TOTAL-PASSED", reply.body);
    BOOST_TEST(answer.at("report").at("offline") == true, "nothing was fetched over the network");
    BOOST_TEST(answer.at("text").get<std::string>().find("Kết luận: hợp lệ") != std::string::npos, reply.body);
    std::string report = decoded_base64(answer.at("pdfReport").get<std::string>());
    BOOST_TEST(report.compare(0, 5, "%PDF-") == 0);
    BOOST_TEST(reply.headers["cache-control"] == "no-store");

    auto inputs = evidence_inputs(server, answer.at("evidenceId").get<std::string>());
    BOOST_TEST(inputs.at("requestedBy").at("actor") == "anonymous", inputs.dump());
    BOOST_TEST(inputs.at("requestedBy").at("address") == "127.0.0.1", inputs.dump());
    BOOST_TEST(inputs.at("signedFile").at("sha256") == sha256_hex(pdf));

    // The API's own verifications name their client.
    auto by_client = https(server, "POST", "/api/v1/verifications", bearer(api_clients(server).verifier), pdf, "application/pdf");
    BOOST_TEST_REQUIRE(by_client.status == 200, by_client.body);
    BOOST_TEST(evidence_inputs(server, by_client.json().at("evidenceId")).at("requestedBy").at("actor") == "verifier");

    // Bad input is refused as the API refuses it.
    auto empty = anonymous_verification(server, "", "application/pdf");
    BOOST_TEST(empty.status == 400, empty.body);
    BOOST_TEST(empty.json().at("code") == "empty_signature");
    // Over plain HTTP the page's API is not there, as the page is not.
    auto plain = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/pdf", "--data-binary", "x",
                       server.http_url() + "/app/api/verifications"});
    BOOST_TEST(plain.output == "403");
}

BOOST_AUTO_TEST_CASE(anonymous_verifications_are_rate_limited_per_address) {
    TempDir dir("public-verification-limits");
    std::string config = (dir / "signd.toml").string();
    write_text_file(config, "[rate_limits]\nanonymous_verification = { burst = 2, per_minute = 1 }\n");
    SigndServer server{"--config", config};
    for (int i = 0; i < 2; ++i) {
        auto allowed = anonymous_verification(server, "not a signature", "application/octet-stream");
        BOOST_TEST(allowed.status == 200, allowed.body);
    }
    auto limited = anonymous_verification(server, "not a signature", "application/octet-stream");
    BOOST_TEST_REQUIRE(limited.status == 429, limited.body);
    BOOST_TEST(limited.content_type == "application/problem+json");
    BOOST_TEST(limited.json().at("code") == "rate_limited");
    BOOST_TEST(std::stoi(limited.headers["retry-after"]) >= 1);
    // A client with a key is not held by the page's limit.
    auto by_client = https(server, "POST", "/api/v1/verifications", bearer(api_clients(server).verifier), "not a signature",
                           "application/octet-stream");
    BOOST_TEST(by_client.status == 200, by_client.body);
}

BOOST_AUTO_TEST_CASE(the_urls_in_an_uploaded_file_are_not_fetched) {
    SigndServer server;
    TempDir dir("public-verification-ssrf");
    HttpServer listener;
    const std::vector<std::string> paths = {"/ocsp", "/outside-ca.crt", "/outside-ca.crl"};
    auto pki = outside_pki(dir, listener.base_url());
    listener.route("/outside-ca.crt", [&](const std::string&, const std::vector<std::uint8_t>&) {
        std::string der = openssl({"x509", "-in", (dir / "ca.pem").string(), "-outform", "DER"}).output;
        return HttpServer::Response{200, std::vector<std::uint8_t>(der.begin(), der.end())};
    });
    // Trusted, so that the process reaches revocation; removed again whatever happens below.
    auto added = server.signctl({"--json", "trust", "add", pki.root_pem, "--name", "outside-" + std::to_string(server.port())});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    std::string anchor = json::parse(added.output).at("id");
    struct Untrust {
        const SigndServer& server;
        std::string id;
        ~Untrust() { server.signctl({"trust", "remove", id}); }
    } untrust{server, anchor};
    auto total_hits = [&] {
        int hits = 0;
        for (const auto& path : paths) hits += listener.hits(path);
        return hits;
    };

    for (const auto* file : {&pki.with_intermediate, &pki.without_intermediate}) {
        auto reply = anonymous_verification(server, *file, "application/pkcs7-mime");
        BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
        BOOST_TEST(reply.json().at("indication") == "INDETERMINATE", reply.body);
        BOOST_TEST(reply.json().at("report").at("offline") == true);
    }
    BOOST_TEST(total_hits() == 0, "the anonymous path connected to the file's URLs");

    // The same files through the API, online, do reach the listener: the check above can fail.
    auto client = api_clients(server).verifier;
    auto with = https(server, "POST", "/api/v1/verifications", bearer(client), pki.with_intermediate, "application/pkcs7-mime");
    BOOST_TEST_REQUIRE(with.status == 200, with.body);
    BOOST_TEST(listener.hits("/ocsp") + listener.hits("/outside-ca.crl") > 0, with.body);
    auto without = https(server, "POST", "/api/v1/verifications", bearer(client), pki.without_intermediate, "application/pkcs7-mime");
    BOOST_TEST_REQUIRE(without.status == 200, without.body);
    BOOST_TEST(listener.hits("/outside-ca.crt") > 0, without.body);
}

BOOST_AUTO_TEST_SUITE_END()
