// Revocation as relying parties see it: CRLs read by openssl and Botan, OCSP
// answers verified by `openssl ocsp`, and a revoked CA that can issue no more.

#include <boost/test/unit_test.hpp>

#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include "signctl_folder.h"

using sign::test::openssl;
using sign::test::SignctlFolder;

namespace {

// Issues a citizen certificate with a fresh key and returns its serial; the PEM goes to certs/<label>.pem.
std::string issue_citizen(const SignctlFolder& folder, const std::string& label, const std::string& cccd) {
    auto issued = folder.signctl_json({"cert", "issue", "--profile", "citizen", "--label", label, "--out",
                                       folder.path(label + ".pem"), "--subject",
                                       "CN=Lê Thị Hồng,C=VN,UID=CCCD:" + cccd});
    return issued["serial"];
}

std::string upper(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(revocation)

BOOST_AUTO_TEST_CASE(a_revoked_serial_is_in_the_crl_for_openssl_and_botan) {
    SignctlFolder folder;
    folder.init_ca();
    std::string revoked = issue_citizen(folder, "revoked", "048190000001");
    std::string kept = issue_citizen(folder, "kept", "048190000002");
    auto record = folder.signctl_json({"cert", "revoke", revoked, "--reason", "keyCompromise"});
    BOOST_TEST(record["status"] == "revoked");
    BOOST_TEST(record["reason"] == "keyCompromise");

    auto first = folder.signctl_json({"crl", "generate"});
    auto second = folder.signctl_json({"crl", "generate"});
    BOOST_TEST(first["crl_number"] == 1);
    BOOST_TEST(second["crl_number"] == 2);
    BOOST_TEST(second["entries"] == 1);

    auto text = openssl({"crl", "-in", folder.path("crl/issuing-ca.pem"), "-noout", "-text"});
    BOOST_TEST_REQUIRE(text.exit_code == 0, text.output);
    BOOST_TEST(text.output.find("Serial Number: " + upper(revoked)) != std::string::npos, text.output);
    BOOST_TEST(text.output.find("Key Compromise") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("X509v3 CRL Number: \n                2") != std::string::npos, text.output);
    BOOST_TEST(text.output.find(upper(kept)) == std::string::npos);
    auto signature = openssl({"crl", "-in", folder.path("crl/issuing-ca.pem"), "-noout", "-CAfile", folder.path("ca/issuing-ca.pem")});
    BOOST_TEST(signature.output.find("verify OK") != std::string::npos, signature.output);

    auto verify = [&](const std::string& label) {
        return openssl({"verify", "-CAfile", folder.path("ca/root-ca.pem"), "-untrusted", folder.path("ca/issuing-ca.pem"),
                        "-crl_check", "-CRLfile", folder.path("crl/issuing-ca.pem"), folder.path(label + ".pem")});
    };
    auto refused = verify("revoked");
    BOOST_TEST(refused.exit_code != 0);
    BOOST_TEST(refused.output.find("certificate revoked") != std::string::npos, refused.output);
    BOOST_TEST(verify("kept").exit_code == 0);

    Botan::X509_CRL crl(folder.path("crl/issuing-ca.pem"));
    BOOST_TEST(crl.is_revoked(Botan::X509_Certificate(folder.path("revoked.pem"))));
    BOOST_TEST(!crl.is_revoked(Botan::X509_Certificate(folder.path("kept.pem"))));
    BOOST_TEST(crl.crl_number() == 2u);
    BOOST_TEST(crl.check_signature(Botan::X509_Certificate(folder.path("ca/issuing-ca.pem")).subject_public_key()));
}

BOOST_AUTO_TEST_CASE(ocsp_answers_good_revoked_and_unknown_and_openssl_verifies_them) {
    SignctlFolder folder;
    folder.init_ca();
    folder.signctl_json({"cert", "issue", "--profile", "ocsp", "--label", "ocsp", "--subject",
                         "CN=Dịch vụ OCSP,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN"});
    issue_citizen(folder, "good", "048190000003");
    std::string revoked = issue_citizen(folder, "revoked", "048190000004");
    folder.signctl_json({"cert", "revoke", revoked, "--reason", "superseded"});

    // The text after "OCSP Nonce:" in openssl's dump of a request or response.
    auto nonce_in = [](const std::string& dump) {
        auto at = dump.find("OCSP Nonce:");
        BOOST_TEST_REQUIRE(at != std::string::npos, dump);
        auto start = dump.find_first_not_of(" \n", at + 11);
        return dump.substr(start, dump.find('\n', start) - start);
    };
    auto ask = [&](const std::vector<std::string>& subject) {
        std::vector<std::string> request = {"ocsp", "-issuer", folder.path("ca/issuing-ca.pem"), "-reqout", folder.path("request.der")};
        request.insert(request.end(), subject.begin(), subject.end());
        auto made = openssl(request);
        BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
        auto answered = folder.signctl({"ocsp", "respond", "--request", folder.path("request.der"), "--out", folder.path("response.der")});
        BOOST_TEST_REQUIRE(answered.exit_code == 0, answered.output);
        std::vector<std::string> check = {"ocsp", "-respin", folder.path("response.der"), "-resp_text", "-no_nonce", "-issuer",
                                          folder.path("ca/issuing-ca.pem"), "-CAfile", folder.path("ca/chain.pem")};
        check.insert(check.end(), subject.begin(), subject.end());
        // -no_nonce: openssl would compare against a fresh request of its own; the nonce is compared below.
        auto checked = openssl(check);
        BOOST_TEST(checked.output.find("Response verify OK") != std::string::npos, checked.output);
        auto request_dump = openssl({"ocsp", "-reqin", folder.path("request.der"), "-req_text"});
        BOOST_TEST(nonce_in(checked.output) == nonce_in(request_dump.output));
        return checked.output;
    };
    BOOST_TEST(ask({"-cert", folder.path("good.pem")}).find("good.pem: good") != std::string::npos);
    auto revoked_answer = ask({"-cert", folder.path("revoked.pem")});
    BOOST_TEST(revoked_answer.find("revoked.pem: revoked") != std::string::npos, revoked_answer);
    BOOST_TEST(revoked_answer.find("Reason: superseded") != std::string::npos, revoked_answer);
    BOOST_TEST(ask({"-serial", "0x0123456789abcdef"}).find("0x0123456789abcdef: unknown") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_revoked_issuing_ca_issues_nothing_and_is_in_the_root_crl) {
    SignctlFolder folder;
    folder.init_ca();
    auto hierarchy = folder.signctl_json({"ca", "show"});
    std::string root = hierarchy[0]["serial"];
    std::string issuing = hierarchy[1]["serial"];

    auto refused_root = folder.signctl({"cert", "revoke", root});
    BOOST_TEST(refused_root.exit_code == 4, refused_root.output);

    folder.signctl_json({"cert", "revoke", issuing, "--reason", "caCompromise"});
    auto refused = folder.signctl({"cert", "issue", "--profile", "citizen", "--subject", "CN=Phan Văn Đức,C=VN,UID=CCCD:048190000005"});
    BOOST_TEST(refused.exit_code == 4, refused.output);
    BOOST_TEST(refused.output.find("revoked") != std::string::npos, refused.output);
    BOOST_TEST(folder.signctl_json({"cert", "list", "--profile", "citizen"}).empty());

    folder.signctl_json({"crl", "generate", "--ca", "root-ca"});
    Botan::X509_CRL crl(folder.path("crl/root-ca.pem"));
    BOOST_TEST(crl.is_revoked(Botan::X509_Certificate(folder.path("ca/issuing-ca.pem"))));
}

BOOST_AUTO_TEST_SUITE_END()
