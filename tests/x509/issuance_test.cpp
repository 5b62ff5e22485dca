// Issuance: root -> sub-CA -> one leaf per profile, checked by OpenSSL's own
// `openssl verify` and by Botan, and the extensions each profile promises.

#include <boost/test/unit_test.hpp>

#include <set>

#include <openssl/bn.h>

#include "command.h"
#include "sign/error.h"
#include "sign/serial_number.h"
#include "temp_dir.h"
#include "test_pki.h"

using namespace sign::test;

namespace {

struct VerifyCase {
    std::string profile;
    std::string purpose;  // for `openssl verify -purpose`
    Botan::Usage_Type usage;
    std::string hostname;
};

const std::vector<VerifyCase> verify_cases{
    {"agency", "smimesign", Botan::Usage_Type::UNSPECIFIED, ""},
    {"leader", "smimesign", Botan::Usage_Type::UNSPECIFIED, ""},
    {"citizen", "smimesign", Botan::Usage_Type::UNSPECIFIED, ""},
    {"tsa", "timestampsign", Botan::Usage_Type::UNSPECIFIED, ""},
    {"ocsp", "ocsphelper", Botan::Usage_Type::OCSP_RESPONDER, ""},
    {"tls-server", "sslserver", Botan::Usage_Type::TLS_SERVER_AUTH, "dichvucong.danang.gov.vn"},
};

bool critical(const sign::Certificate& certificate, int nid) {
    int index = X509_get_ext_by_NID(certificate.native(), nid, -1);
    return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(certificate.native(), index)) == 1;
}

bool present(const sign::Certificate& certificate, int nid) { return X509_get_ext_by_NID(certificate.native(), nid, -1) >= 0; }

}  // namespace

BOOST_AUTO_TEST_SUITE(issuance)

BOOST_AUTO_TEST_CASE(openssl_verify_accepts_every_chain) {
    auto& pki = TestPki::shared();
    TempDir dir("x509-verify");
    write_file(dir / "root.pem", pki.root.to_pem());
    write_file(dir / "sub.pem", pki.sub.to_pem());
    auto sub_check = run_command({"openssl", "verify", "-x509_strict", "-CAfile", (dir / "root.pem").string(),
                                  (dir / "sub.pem").string()});
    BOOST_TEST(sub_check.exit_code == 0, sub_check.output);
    for (const auto& check : verify_cases) {
        auto leaf = dir / (check.profile + ".pem");
        write_file(leaf, pki.leaves.at(check.profile).certificate.to_pem());
        auto result = run_command({"openssl", "verify", "-x509_strict", "-CAfile", (dir / "root.pem").string(), "-untrusted",
                                   (dir / "sub.pem").string(), "-purpose", check.purpose, leaf.string()});
        BOOST_TEST(result.exit_code == 0, check.profile << ": " << result.output);
        BOOST_TEST(result.output.find(": OK") != std::string::npos, check.profile << ": " << result.output);
    }
    // The TLS certificate also matches its host name, and not others.
    auto tls = dir / "tls-server.pem";
    auto host_ok = run_command({"openssl", "verify", "-CAfile", (dir / "root.pem").string(), "-untrusted",
                                (dir / "sub.pem").string(), "-verify_hostname", "www.dichvucong.danang.gov.vn", tls.string()});
    BOOST_TEST(host_ok.exit_code == 0, host_ok.output);
    auto host_bad = run_command({"openssl", "verify", "-CAfile", (dir / "root.pem").string(), "-untrusted",
                                 (dir / "sub.pem").string(), "-verify_hostname", "evil.example.com", tls.string()});
    BOOST_TEST(host_bad.exit_code != 0);
    // A time-stamping certificate is not a TLS server certificate.
    auto wrong_purpose = run_command({"openssl", "verify", "-CAfile", (dir / "root.pem").string(), "-untrusted",
                                      (dir / "sub.pem").string(), "-purpose", "sslserver", (dir / "tsa.pem").string()});
    BOOST_TEST(wrong_purpose.exit_code != 0);
}

BOOST_AUTO_TEST_CASE(botan_accepts_every_chain) {
    auto& pki = TestPki::shared();
    for (const auto& check : verify_cases) {
        auto result = botan_validate(pki.leaves.at(check.profile).certificate, pki.sub, pki.root, check.usage, check.hostname);
        BOOST_TEST(result.successful_validation(), check.profile << ": " << result.result_string());
    }
}

BOOST_AUTO_TEST_CASE(rsa_pss_signed_sub_ca_verifies) {
    auto& pki = TestPki::shared();
    auto key = SoftwareKey::generate("rsa-2048");
    sign::IssuanceRequest request;
    request.profile = "sub-ca";
    request.subject = sign::DistinguishedName::parse("CN=PSS Issuing CA (TEST),O=Thành phố Đà Nẵng,C=VN");
    request.public_key = key.public_key();
    request.rsa_pss = true;
    request.digest = "sha384";
    auto sub = pki.root_ca->issue(request, std::chrono::system_clock::now() - std::chrono::minutes(1));
    BOOST_TEST(X509_get_signature_nid(sub.native()) == NID_rsassaPss);
    TempDir dir("x509-pss");
    write_file(dir / "root.pem", pki.root.to_pem());
    write_file(dir / "sub.pem", sub.to_pem());
    auto result = run_command({"openssl", "verify", "-CAfile", (dir / "root.pem").string(), (dir / "sub.pem").string()});
    BOOST_TEST(result.exit_code == 0, result.output);
    Botan::Certificate_Store_In_Memory trusted;
    trusted.add_certificate(to_botan(pki.root));
    auto botan = Botan::x509_path_validate(to_botan(sub), Botan::Path_Validation_Restrictions(), trusted);
    BOOST_TEST(botan.successful_validation(), botan.result_string());
}

BOOST_AUTO_TEST_CASE(ca_certificates_carry_ca_extensions) {
    auto& pki = TestPki::shared();
    BOOST_TEST(pki.root.is_ca());
    BOOST_TEST(pki.sub.is_ca());
    BOOST_TEST(critical(pki.root, NID_basic_constraints));
    BOOST_TEST(X509_get_pathlen(pki.sub.native()) == 0);
    BOOST_TEST(X509_get_pathlen(pki.root.native()) == -1);
    BOOST_TEST((X509_get_key_usage(pki.root.native()) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN)));
    BOOST_TEST(!present(pki.root, NID_crl_distribution_points));
    BOOST_TEST(present(pki.sub, NID_crl_distribution_points));
    BOOST_TEST((pki.root.subject() == pki.root.issuer()));
    BOOST_TEST((pki.sub.issuer() == pki.root.subject()));
    BOOST_TEST(X509_check_issued(pki.root.native(), pki.sub.native()) == X509_V_OK);
    // The root's AKI names its own key.
    BOOST_TEST(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(pki.root.native()), X509_get0_subject_key_id(pki.root.native())) == 0);
    BOOST_TEST(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(pki.sub.native()), X509_get0_subject_key_id(pki.root.native())) == 0);
}

BOOST_AUTO_TEST_CASE(leaf_extensions_follow_their_profiles) {
    auto& pki = TestPki::shared();
    const std::map<std::string, std::string> policies{
        {"agency", "1.3.6.1.4.1.32473.1.1"}, {"leader", "1.3.6.1.4.1.32473.1.2"}, {"citizen", "1.3.6.1.4.1.32473.1.3"},
        {"tsa", "1.3.6.1.4.1.32473.1.4"},    {"ocsp", "1.3.6.1.4.1.32473.1.5"},   {"tls-server", "1.3.6.1.4.1.32473.1.6"}};
    for (const auto& [profile, leaf] : pki.leaves) {
        BOOST_TEST_CONTEXT(profile) {
            const auto& cert = leaf.certificate;
            std::string text = certificate_text(cert);
            BOOST_TEST(!cert.is_ca());
            BOOST_TEST(critical(cert, NID_basic_constraints));
            BOOST_TEST(critical(cert, NID_key_usage));
            BOOST_TEST(present(cert, NID_subject_key_identifier));
            BOOST_TEST(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert.native()), X509_get0_subject_key_id(pki.sub.native())) == 0);
            BOOST_TEST(text.find("Policy: " + policies.at(profile)) != std::string::npos, text);
            // 128-bit serials: always 16 DER bytes, the top bit clear and the next one set.
            const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.native());
            BOOST_TEST(ASN1_STRING_length(serial) == 16);
            sign::BignumPtr number(ASN1_INTEGER_to_BN(serial, nullptr));
            BOOST_TEST(BN_num_bits(number.get()) == 127);
            BOOST_TEST(!BN_is_negative(number.get()));
            BOOST_TEST(cert.serial_hex() == sign::normalize_serial_hex(cert.serial_hex()));
            BOOST_TEST(cert.fingerprint_sha256().size() == 64u);
            BOOST_TEST(std::chrono::duration_cast<std::chrono::hours>(cert.not_after() - cert.not_before()).count() <
                       24 * pki.profiles.get(profile).max_validity_days);
            bool signs_documents = profile == "agency" || profile == "leader" || profile == "citizen";
            BOOST_TEST(((X509_get_key_usage(cert.native()) & KU_NON_REPUDIATION) != 0) == signs_documents);
            BOOST_TEST(present(cert, NID_ext_key_usage) == !signs_documents);
            if (profile != "ocsp") {
                BOOST_TEST(text.find("URI:http://pki.danang.gov.vn/crl/issuing-ca-1.crl") != std::string::npos, text);
                BOOST_TEST(text.find("OCSP - URI:http://ocsp.danang.gov.vn") != std::string::npos, text);
                BOOST_TEST(text.find("CA Issuers - URI:http://pki.danang.gov.vn/certs/issuing-ca-1.cer") != std::string::npos, text);
            }
        }
    }
    const auto& tsa = pki.leaves.at("tsa").certificate;
    BOOST_TEST(critical(tsa, NID_ext_key_usage));
    BOOST_TEST(X509_get_extended_key_usage(tsa.native()) == static_cast<uint32_t>(XKU_TIMESTAMP));
    BOOST_TEST(X509_get_key_usage(tsa.native()) == static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
    const auto& ocsp = pki.leaves.at("ocsp").certificate;
    BOOST_TEST(present(ocsp, NID_id_pkix_OCSP_noCheck));
    BOOST_TEST(X509_get_extended_key_usage(ocsp.native()) == static_cast<uint32_t>(XKU_OCSP_SIGN));
    BOOST_TEST(!present(ocsp, NID_crl_distribution_points));
    BOOST_TEST(std::chrono::duration_cast<std::chrono::hours>(ocsp.not_after() - ocsp.not_before()).count() < 24 * 31);
    const auto& tls = pki.leaves.at("tls-server").certificate;
    BOOST_TEST(X509_get_extended_key_usage(tls.native()) == static_cast<uint32_t>(XKU_SSL_SERVER));
    BOOST_TEST(X509_check_host(tls.native(), "dichvucong.danang.gov.vn", 0, 0, nullptr) == 1);
    BOOST_TEST(X509_get_key_usage(tls.native()) == static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
    for (const char* name : {"agency", "leader", "citizen", "tsa", "ocsp"})
        BOOST_TEST(!present(pki.leaves.at(name).certificate, NID_subject_alt_name), name);
}

BOOST_AUTO_TEST_CASE(certificate_io_round_trips) {
    auto& pki = TestPki::shared();
    const auto& leaf = pki.leaves.at("citizen").certificate;
    TempDir dir("x509-io");
    write_file(dir / "leaf.der", leaf.to_der());
    write_file(dir / "leaf.pem", leaf.to_pem());
    BOOST_TEST(sign::Certificate::load((dir / "leaf.der").string()).fingerprint_sha256() == leaf.fingerprint_sha256());
    BOOST_TEST(sign::Certificate::load((dir / "leaf.pem").string()).serial_hex() == leaf.serial_hex());
    auto der = leaf.to_der();
    der.push_back(0);
    BOOST_CHECK_EXCEPTION(sign::Certificate::from_der(der), sign::Error,
                          [](const sign::Error& e) { return e.code() == "not_a_certificate"; });
    BOOST_CHECK_EXCEPTION(sign::Certificate::from_pem("garbage"), sign::Error,
                          [](const sign::Error& e) { return e.code() == "not_a_certificate"; });
    BOOST_CHECK_EXCEPTION(sign::Certificate::load((dir / "missing.pem").string()), sign::Error,
                          [](const sign::Error& e) { return e.code() == "file_not_found"; });
    // serial_hex agrees with what `openssl x509 -serial` prints.
    auto printed = run_command({"openssl", "x509", "-noout", "-serial", "-in", (dir / "leaf.pem").string()});
    std::string expected = "serial=" + leaf.serial_hex();
    std::transform(expected.begin() + 7, expected.end(), expected.begin() + 7, ::toupper);
    BOOST_TEST(printed.output.find(expected) == 0u, printed.output << " vs " << expected);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(serial_numbers)

// With the top bit cleared and nothing else, one serial in 128 would come out a byte short;
// two thousand draws would all but surely show it.
BOOST_AUTO_TEST_CASE(every_random_serial_is_sixteen_bytes_and_unique) {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        auto serial = sign::random_serial();
        BOOST_TEST_REQUIRE(ASN1_STRING_length(serial.get()) == 16);
        BOOST_TEST_REQUIRE(sign::serial_to_hex(serial.get()).size() == 32u);
        BOOST_TEST_REQUIRE(seen.insert(sign::serial_to_hex(serial.get())).second);
    }
}

BOOST_AUTO_TEST_SUITE_END()
