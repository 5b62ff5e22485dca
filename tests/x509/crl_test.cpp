// CRLs: a revoked serial shows up for `openssl crl`, makes `openssl verify -crl_check`
// fail, and Botan sees it too.

#include <boost/test/unit_test.hpp>

#include "error_code.h"

#include <regex>

#include <botan/data_src.h>
#include <botan/x509_crl.h>

#include "command.h"
#include "sign/crl_builder.h"
#include "sign/error.h"
#include "sign/revocation_reason.h"
#include "temp_dir.h"
#include "test_pki.h"

using namespace sign::test;

BOOST_AUTO_TEST_SUITE(crl)

BOOST_AUTO_TEST_CASE(revoked_certificate_is_rejected_by_openssl_and_botan) {
    auto& pki = TestPki::shared();
    IssuedLeaf revoked = pki.issue("citizen", "CN=Lê Văn Tám,L=Đà Nẵng,C=VN,UID=CCCD:048099000001", "ec-p256");
    const auto& kept = pki.leaves.at("leader").certificate;
    auto now = std::chrono::system_clock::now();

    std::vector<sign::RevokedCertificate> entries{
        {revoked.certificate.serial_hex(), now - std::chrono::minutes(1), sign::RevocationReason::key_compromise},
        {"0123456789abcdef01", now - std::chrono::hours(2), sign::RevocationReason::unspecified},
    };
    sign::X509CrlPtr crl = sign::build_crl(pki.sub, pki.sub_key, entries, 7, now - std::chrono::minutes(1),
                                           now + std::chrono::hours(24));

    TempDir dir("x509-crl");
    write_file(dir / "root.pem", pki.root.to_pem());
    write_file(dir / "sub.pem", pki.sub.to_pem());
    write_file(dir / "crl.pem", sign::crl_to_pem(crl.get()));
    write_file(dir / "revoked.pem", revoked.certificate.to_pem());
    write_file(dir / "kept.pem", kept.to_pem());

    auto text = run_command({"openssl", "crl", "-in", (dir / "crl.pem").string(), "-noout", "-text"});
    BOOST_TEST(text.exit_code == 0, text.output);
    std::string serial_upper = revoked.certificate.serial_hex();
    std::transform(serial_upper.begin(), serial_upper.end(), serial_upper.begin(), ::toupper);
    BOOST_TEST(text.output.find("Serial Number: " + serial_upper) != std::string::npos, text.output);
    BOOST_TEST(std::regex_search(text.output, std::regex(R"(X509v3 CRL Number: *\n *7\n)")), text.output);
    BOOST_TEST(text.output.find("Key Compromise") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("X509v3 Authority Key Identifier") != std::string::npos, text.output);
    // The unspecified entry carries no reasonCode extension at all: one reason line only.
    BOOST_TEST(text.output.find("CRL Reason Code") == text.output.rfind("CRL Reason Code"));

    auto verify = [&](const std::string& leaf) {
        return run_command({"openssl", "verify", "-crl_check", "-CAfile", (dir / "root.pem").string(), "-untrusted",
                            (dir / "sub.pem").string(), "-CRLfile", (dir / "crl.pem").string(), (dir / leaf).string()});
    };
    auto rejected = verify("revoked.pem");
    BOOST_TEST(rejected.exit_code != 0, rejected.output);
    BOOST_TEST(rejected.output.find("certificate revoked") != std::string::npos, rejected.output);
    auto accepted = verify("kept.pem");
    BOOST_TEST(accepted.exit_code == 0, accepted.output);

    Botan::X509_CRL botan_crl(sign::crl_to_der(crl.get()));
    BOOST_TEST(botan_crl.is_revoked(to_botan(revoked.certificate)));
    BOOST_TEST(!botan_crl.is_revoked(to_botan(kept)));
    BOOST_TEST(botan_crl.crl_number() == 7u);
    BOOST_TEST(botan_crl.check_signature(to_botan(pki.sub).subject_public_key()));
}

BOOST_AUTO_TEST_CASE(bad_crl_input_is_refused) {
    auto& pki = TestPki::shared();
    auto now = std::chrono::system_clock::now();
    BOOST_TEST(sign::test::error_code_of([&] { sign::build_crl(pki.leaves.at("leader").certificate, *pki.leaves.at("leader").key, {}, 1, now, now + std::chrono::hours(1)); }) == "not_a_crl_issuer");
    BOOST_TEST(sign::test::error_code_of([&] { sign::build_crl(pki.sub, pki.root_key, {}, 1, now, now + std::chrono::hours(1)); }) == "ca_key_mismatch");
    BOOST_TEST(sign::test::error_code_of([&] { sign::build_crl(pki.sub, pki.sub_key, {}, 1, now, now); }) == "invalid_crl_times");
    BOOST_TEST(sign::test::error_code_of([&] { sign::build_crl(pki.sub, pki.sub_key, {{"zz", now, {}}}, 1, now, now + std::chrono::hours(1)); }) == "invalid_serial");
    BOOST_TEST(sign::test::error_code_of([&] { sign::build_crl(pki.sub, pki.sub_key, {{"0a", now, {}}, {"0A", now, {}}}, 1, now, now + std::chrono::hours(1)); }) == "duplicate_crl_entry");
    BOOST_TEST(sign::test::error_code_of([&] { sign::build_crl(pki.sub, pki.sub_key, {}, 1, now, now + std::chrono::hours(1), "sha1"); }) == "weak_digest");
}

BOOST_AUTO_TEST_CASE(revocation_reason_names) {
    BOOST_TEST(sign::to_string(sign::RevocationReason::key_compromise) == "keyCompromise");
    BOOST_TEST((sign::parse_revocation_reason("keyCompromise") == sign::RevocationReason::key_compromise));
    BOOST_TEST((sign::parse_revocation_reason("caCompromise") == sign::RevocationReason::ca_compromise));
    BOOST_TEST((sign::parse_revocation_reason("cessation-of-operation") == sign::RevocationReason::cessation_of_operation));
    BOOST_TEST((sign::parse_revocation_reason("affiliationChanged") == sign::RevocationReason::affiliation_changed));
    BOOST_TEST((sign::parse_revocation_reason("superseded") == sign::RevocationReason::superseded));
    BOOST_TEST((sign::parse_revocation_reason("privilegeWithdrawn") == sign::RevocationReason::privilege_withdrawn));
    BOOST_TEST((sign::parse_revocation_reason("unspecified") == sign::RevocationReason::unspecified));
    for (auto reason : {sign::RevocationReason::unspecified, sign::RevocationReason::superseded, sign::RevocationReason::certificate_hold})
        BOOST_TEST((sign::parse_revocation_reason(sign::to_string(reason)) == reason));
    BOOST_CHECK_EXCEPTION(sign::parse_revocation_reason("lost"), sign::Error,
                          [](const sign::Error& e) { return e.code() == "unknown_revocation_reason"; });
}

BOOST_AUTO_TEST_SUITE_END()
