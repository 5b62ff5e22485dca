// `signctl sign cms` against the test PKI's own data folder: what it writes passes
// `openssl cms -verify`, B-T uses the folder's TSA, and a signer the folder's
// database lists as revoked is refused with the policy exit code.

#include <boost/test/unit_test.hpp>

#include "cms_fixture.h"
#include "command.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

CommandResult openssl_verify(const std::string& signature, const std::optional<std::string>& content,
                             const std::string& out) {
    auto& pki = TokenPki::shared();
    std::vector<std::string> argv = {"openssl", "cms", "-verify", "-inform", "DER", "-in", signature, "-binary",
                                     "-CAfile", pki.path("certs/root-ca.pem"), "-purpose", "any", "-out", out};
    if (content) argv.insert(argv.end(), {"-content", *content});
    return run_command(argv);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signctl_sign_cms)

BOOST_AUTO_TEST_CASE(a_detached_b_t_signature_verifies) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-cms");
    write_text(dir / "don.txt", "Đơn xin cấp phép kinh doanh\n");
    auto result = pki.folder().signctl(pki.folder().as_owner(
        {"--json", "sign", "cms", "--key", "pkcs11:object=leader;type=private", "--cert", pki.path("certs/leader.pem"),
         "--level", "b-t", "--tsa", "local", (dir / "don.txt").string()},
        "leader"));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    auto json = nlohmann::json::parse(result.output);
    BOOST_TEST(json["file"] == (dir / "don.txt.p7s").string());
    BOOST_TEST(json["scheme"] == "rsa-pss");
    auto verified = openssl_verify((dir / "don.txt.p7s").string(), (dir / "don.txt").string(), "/dev/null");
    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
    auto printed = run_command({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", (dir / "don.txt.p7s").string()});
    BOOST_TEST(printed.output.find("id-smime-aa-timeStampToken") != std::string::npos);
}

// SHA-3 with each scheme: ECDSA as ecdsa-with-SHA3-* (2.16.840.1.101.3.4.3.10 to .12), RSASSA-PSS
// with SHA-3 parameters, PKCS#1 v1.5 under a SHA-3 digestAlgorithm; openssl verifies each.
BOOST_AUTO_TEST_CASE(sha3_digests_sign_with_every_scheme) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-cms-sha3");
    write_text(dir / "don.txt", "Đơn đề nghị cấp bản sao trích lục\n");
    struct Case {
        std::string label, scheme, digest, algorithm;
    };
    for (const Case& c : {Case{"citizen", "ecdsa", "sha3-256", "ecdsa_with_SHA3-256"},
                          Case{"citizen", "ecdsa", "sha3-384", "ecdsa_with_SHA3-384"},
                          Case{"citizen", "ecdsa", "sha3-512", "ecdsa_with_SHA3-512"},
                          Case{"leader", "rsa-pss", "sha3-512", "rsassaPss"},
                          Case{"leader", "rsa-pkcs1", "sha3-256", "rsaEncryption"}}) {
        BOOST_TEST_CONTEXT(c.scheme << " " << c.digest) {
            std::string out = (dir / (c.scheme + "-" + c.digest + ".p7s")).string();
            auto result = pki.folder().signctl(pki.folder().as_owner(
                {"sign", "cms", "--key", "pkcs11:object=" + c.label + ";type=private", "--cert",
                 pki.path("certs/" + c.label + ".pem"), "--scheme", c.scheme, "--digest", c.digest,
                 (dir / "don.txt").string(), "--out", out},
                c.label));
            BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
            auto verified = openssl_verify(out, (dir / "don.txt").string(), "/dev/null");
            BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
            auto printed = run_command({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", out});
            BOOST_TEST(printed.output.find(c.algorithm) != std::string::npos, printed.output);
            // Certificates name rsaEncryption too: PKCS#1 shows as the absence of RSASSA-PSS.
            BOOST_TEST((c.scheme == "rsa-pss") == (printed.output.find("rsassaPss") != std::string::npos), printed.output);
            BOOST_TEST(printed.output.find(c.digest) != std::string::npos, printed.output);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_enveloping_signature_carries_the_content) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-cms-env");
    write_text(dir / "form.xml", "<don><ten>Trần Thị Bích Ngọc</ten></don>\n");
    auto result = pki.folder().signctl(pki.folder().as_owner(
        {"sign", "cms", "--key", "pkcs11:object=citizen;type=private", "--cert", pki.path("certs/citizen.pem"),
         "--enveloping", (dir / "form.xml").string(), "--out", (dir / "form.p7m").string()},
        "citizen"));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    auto verified = openssl_verify((dir / "form.p7m").string(), {}, (dir / "content.xml").string());
    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
    BOOST_TEST((read_bytes(dir / "content.xml") == read_bytes(dir / "form.xml")));
}

BOOST_AUTO_TEST_CASE(cms_signing_loads_no_document_library) {
    // qpdf, libxml2, HarfBuzz, libpng and libqrencode (and ICU, GnuTLS... behind them) cost every
    // command their loading; only the PDF, XML and QR commands load them.
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-cms-libraries");
    write_text(dir / "to-khai.txt", "Tờ khai\n");
    std::map<std::string, std::string> show_loading = {{"LD_DEBUG", "files"}};
    auto cms = pki.folder().signctl(pki.folder().as_owner({"sign", "cms", "--key", "pkcs11:object=leader;type=private",
                                                           "--cert", pki.path("certs/leader.pem"),
                                                           (dir / "to-khai.txt").string()},
                                                          "leader"),
                                    show_loading);
    BOOST_TEST_REQUIRE(cms.exit_code == 0, cms.output);
    BOOST_TEST_REQUIRE(cms.output.find("file=libcrypto.so") != std::string::npos, "LD_DEBUG shows nothing: " << cms.output);
    for (const char* library : {"libqpdf", "libxml2", "libxmlsec1", "libharfbuzz", "libpng16", "libqrencode", "libicuuc"})
        BOOST_TEST(cms.output.find(std::string("file=") + library) == std::string::npos, library << " was loaded");

    write_text(dir / "form.xml", "<don/>\n");
    auto xml = pki.folder().signctl(pki.folder().as_owner({"sign", "xml", "--key", "pkcs11:object=leader;type=private",
                                                           "--cert", pki.path("certs/leader.pem"), (dir / "form.xml").string()},
                                                          "leader"),
                                    show_loading);
    BOOST_TEST_REQUIRE(xml.exit_code == 0, xml.output);
    BOOST_TEST(xml.output.find("file=libxml2") != std::string::npos, "the XML command loads its libraries");
}

BOOST_AUTO_TEST_CASE(bad_requests_are_refused_and_write_nothing) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-cms-bad");
    write_text(dir / "a.txt", "a");
    const auto& folder = pki.folder();

    auto no_tsa = folder.signctl(folder.as_owner({"sign", "cms", "--key", "pkcs11:object=leader;type=private", "--cert",
                                                  pki.path("certs/leader.pem"), "--level", "b-t", (dir / "a.txt").string()},
                                                 "leader"));
    BOOST_TEST(no_tsa.exit_code == 3, no_tsa.output);

    auto wrong_key = folder.signctl(folder.as_owner({"--json", "sign", "cms", "--key", "pkcs11:object=citizen;type=private",
                                                     "--cert", pki.path("certs/leader.pem"), (dir / "a.txt").string()},
                                                    "citizen"));
    BOOST_TEST(wrong_key.exit_code == 3, wrong_key.output);
    BOOST_TEST(wrong_key.output.find("key_certificate_mismatch") != std::string::npos, wrong_key.output);

    // A citizen of our own CA, registered as a signer, then revoked in the folder's database.
    auto issued = folder.signctl_json({"cert", "issue", "--profile", "citizen", "--label", "revoked-signer", "--subject",
                                       "CN=Lê Văn Tám,L=Đà Nẵng,C=VN,UID=CCCD:048190000777", "--out",
                                       (dir / "revoked.pem").string()});
    auto owner = key_owner_arguments(folder.path(""), "revoked-signer", (dir / "revoked.pem").string());
    folder.signctl_json({"cert", "revoke", issued["serial"].get<std::string>(), "--reason", "keyCompromise"});
    std::vector<std::string> argv = {"--json", "sign", "cms", "--key", "pkcs11:object=revoked-signer;type=private",
                                     "--cert", (dir / "revoked.pem").string(), (dir / "a.txt").string()};
    argv.insert(argv.end(), owner.begin(), owner.end());
    auto revoked = folder.signctl(argv);
    BOOST_TEST(revoked.exit_code == 4, revoked.output);
    BOOST_TEST(revoked.output.find("certificate_revoked") != std::string::npos, revoked.output);

    BOOST_TEST(!std::filesystem::exists(dir / "a.txt.p7s"));
}

BOOST_AUTO_TEST_SUITE_END()
