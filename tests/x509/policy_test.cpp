// Everything the CA must refuse, each with its stable error code, and the
// CSR path that feeds it.

#include <boost/test/unit_test.hpp>

#include "error_code.h"

#include <openssl/pem.h>

#include "sign/certificate_request.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/subject_checks.h"
#include "test_pki.h"

using namespace sign::test;
using Clock = std::chrono::system_clock;

namespace {

std::string make_csr(const SoftwareKey& key, const std::string& subject, const EVP_MD* digest) {
    sign::X509ReqPtr request(X509_REQ_new());
    auto name = sign::DistinguishedName::parse(subject).to_x509();
    X509_REQ_set_version(request.get(), 0);
    X509_REQ_set_subject_name(request.get(), name.get());
    X509_REQ_set_pubkey(request.get(), key.native());
    BOOST_REQUIRE(X509_REQ_sign(request.get(), key.native(), digest) > 0);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509_REQ(bio, request.get());
    char* data = nullptr;
    long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(length));
    BIO_free(bio);
    return pem;
}

sign::IssuanceRequest citizen_request(const SoftwareKey& key, const std::string& uid = "CCCD:048090009999") {
    sign::IssuanceRequest request;
    request.profile = "citizen";
    request.subject = sign::DistinguishedName::parse("CN=Võ Thị Sáu,C=VN,UID=" + uid);
    request.public_key = key.public_key();
    return request;
}

const SoftwareKey& p256() {
    static SoftwareKey key = SoftwareKey::generate("ec-p256");
    return key;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(policy)

BOOST_AUTO_TEST_CASE(key_and_digest_policy) {
    auto& pki = TestPki::shared();
    auto rsa1024 = SoftwareKey::generate("rsa-1024");
    std::string message;
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(citizen_request(rsa1024), Clock::now()); }, &message) == "weak_key");
    BOOST_TEST(message.find("2048") != std::string::npos, message);
    auto p192 = SoftwareKey::generate("ec-p192");
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(citizen_request(p192), Clock::now()); }) == "weak_key");
    auto request = citizen_request(p256());
    request.digest = "sha1";
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, Clock::now()); }, &message) == "weak_digest");
    BOOST_TEST(message == "SHA-1 is not allowed: use SHA-256 or stronger");
    BOOST_TEST(sign::test::error_code_of([] { sign::check_digest("MD5"); }) == "weak_digest");
    BOOST_TEST(sign::test::error_code_of([] { sign::check_digest("whirlpool"); }) == "unsupported_digest");
    BOOST_TEST(sign::check_digest("SHA-384") == EVP_sha384());
    BOOST_TEST(sign::check_digest("sha3-256") == EVP_sha3_256());
    auto ed25519 = sign::EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    BOOST_TEST(sign::test::error_code_of([&] { sign::check_key(ed25519.get()); }) == "unsupported_key");
    auto p521 = SoftwareKey::generate("ec-p521");
    BOOST_TEST(sign::test::error_code_of([&] { sign::check_key(p521.public_key().get()); }) == "no error");
}

BOOST_AUTO_TEST_CASE(certificate_requests) {
    auto& pki = TestPki::shared();
    const std::string subject = "CN=Đặng Thùy Trâm,L=Đà Nẵng,C=VN,UID=CCCD:048090005555";
    auto good = sign::CertificateRequest::from_pem(make_csr(p256(), subject, EVP_sha256()));
    BOOST_TEST(good.subject().to_string() == subject);
    sign::IssuanceRequest request;
    request.profile = "citizen";
    request.subject = good.subject();
    request.public_key = good.public_key();
    auto issued = pki.sub_ca->issue(request, Clock::now());
    BOOST_TEST(EVP_PKEY_eq(issued.public_key().get(), p256().native()) == 1);

    auto rsa1024 = SoftwareKey::generate("rsa-1024");
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::from_pem(make_csr(rsa1024, subject, EVP_sha256())); }) == "weak_key");
    auto rsa2048 = SoftwareKey::generate("rsa-2048");
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::from_pem(make_csr(rsa2048, subject, EVP_sha1())); }) == "weak_digest");
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::from_pem(make_csr(rsa2048, subject, EVP_sha512())); }) == "no error");

    // Forged: flip one byte of the signature (the last bytes of the DER).
    sign::X509ReqPtr parsed;
    {
        std::string pem = make_csr(rsa2048, subject, EVP_sha256());
        BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
        parsed.reset(PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr));
        BIO_free(bio);
    }
    unsigned char* der = nullptr;
    int length = i2d_X509_REQ(parsed.get(), &der);
    std::vector<std::uint8_t> bytes(der, der + length);
    OPENSSL_free(der);
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::from_der(bytes); }) == "no error");
    bytes[bytes.size() - 10] ^= 0x01;
    std::string message;
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::parse(bytes); }, &message) == "csr_signature_invalid");
    // Tampered: change the subject and keep the old signature.
    bytes[bytes.size() - 10] ^= 0x01;
    std::string as_text(bytes.begin(), bytes.end());
    auto at = as_text.find("048090005555");
    BOOST_REQUIRE(at != std::string::npos);
    bytes[at + 11] = '6';
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::from_der(bytes); }) == "csr_signature_invalid");

    std::vector<std::uint8_t> garbage{'n', 'o', 't', ' ', 'a', ' ', 'c', 's', 'r'};
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::parse(garbage); }, &message) == "not_a_csr");
    BOOST_TEST(message.find("not a PKCS#10 request") == 0u, message);
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateRequest::from_pem("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"); }) == "not_a_csr");
}

BOOST_AUTO_TEST_CASE(profile_and_subject_rules) {
    auto& pki = TestPki::shared();
    auto request = citizen_request(p256());
    request.profile = "notary";
    std::string message;
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, Clock::now()); }, &message) == "unknown_profile");
    BOOST_TEST(message.find("known: agency, citizen") != std::string::npos, message);

    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(citizen_request(p256(), "CCCD:12ab"), Clock::now()); }, &message) ==
               "subject_attribute_invalid");
    BOOST_TEST(message == "UID must be CCCD: followed by 12 digits, or CMND: followed by 9 digits (got 'CCCD:12ab')");
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(citizen_request(p256(), "CCCD:04809000999x"), Clock::now()); }) == "subject_attribute_invalid");
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(citizen_request(p256(), "CMND:123456789"), Clock::now()); }) == "no error");

    const auto& leader = pki.profiles.get("leader");
    auto check = [&](const sign::CertificateProfile& profile, const std::string& subject) {
        return sign::test::error_code_of([&] { sign::check_subject(profile, sign::DistinguishedName::parse(subject)); }, &message);
    };
    BOOST_TEST(check(leader, "CN=Nguyễn Văn An,O=Sở Nội vụ,C=VN,UID=CCCD:048090001234") == "subject_attribute_missing");
    BOOST_TEST(message.find("title") != std::string::npos, message);
    BOOST_TEST(check(leader, "CN=A,title=B,O=C,C=VN,UID=CCCD:1234") == "subject_attribute_invalid");
    BOOST_TEST(message == "UID must be CCCD: followed by 12 digits (got 'CCCD:1234')");
    BOOST_TEST(check(leader, "CN=A,title=B,O=C,C=VN,UID=CCCD:048090001234,street=X") == "subject_attribute_not_allowed");
    BOOST_TEST(check(pki.profiles.get("agency"), "CN=A,O=B,L=C,ST=D,C=VN,UID=MST:0401234567-001") == "no error");
    BOOST_TEST(check(pki.profiles.get("agency"), "CN=A,O=B,L=C,ST=D,C=VN,UID=CCCD:048090001234") == "subject_attribute_invalid");
    BOOST_TEST(check(pki.profiles.get("citizen"), "CN=A,C=LA,UID=CCCD:048090001234") == "subject_attribute_invalid");

    // Roots are only made by create_root; sub-CAs with pathlen 0 make no CAs.
    request = citizen_request(p256());
    request.profile = "root";
    BOOST_TEST(sign::test::error_code_of([&] { pki.root_ca->issue(request, Clock::now()); }) == "root_profile");
    request.profile = "sub-ca";
    request.subject = sign::DistinguishedName::parse("CN=Deeper CA,O=X,C=VN");
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, Clock::now()); }) == "path_length_exceeded");

    // TLS: DNS names required, well-formed, and the CN among them; others take none.
    sign::IssuanceRequest tls;
    tls.profile = "tls-server";
    tls.subject = sign::DistinguishedName::parse("CN=api.danang.gov.vn,C=VN");
    tls.public_key = p256().public_key();
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(tls, Clock::now()); }) == "dns_names_required");
    tls.dns_names = {"api.danang.gov.vn,DNS:evil.com"};
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(tls, Clock::now()); }) == "invalid_dns_name");
    tls.dns_names = {"other.danang.gov.vn"};
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(tls, Clock::now()); }) == "cn_not_in_dns_names");
    request = citizen_request(p256());
    request.dns_names = {"citizen.example.vn"};
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, Clock::now()); }) == "dns_names_not_allowed");
}

BOOST_AUTO_TEST_CASE(validity_rules) {
    auto& pki = TestPki::shared();
    auto request = citizen_request(p256());
    request.validity_days = 1096;
    std::string message;
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, Clock::now()); }, &message) == "validity_too_long");
    BOOST_TEST(message.find("1095") != std::string::npos, message);
    request.validity_days = 0;
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, Clock::now()); }) == "invalid_validity");

    // A CA with 30 days left: an explicit longer request is refused, the default is clamped.
    auto short_key = SoftwareKey::generate("ec-p256");
    sign::IssuanceRequest ca_request;
    ca_request.profile = "sub-ca";
    ca_request.subject = sign::DistinguishedName::parse("CN=Short-lived CA (TEST),O=Thành phố Đà Nẵng,C=VN");
    ca_request.public_key = short_key.public_key();
    ca_request.validity_days = 30;
    auto short_ca_cert = pki.root_ca->issue(ca_request, Clock::now() - std::chrono::minutes(1));
    MemoryRegistry registry;
    sign::CertificateAuthority short_ca(short_ca_cert.copy(), short_key, test_endpoints, registry, pki.profiles);
    request.validity_days = 100;
    BOOST_TEST(sign::test::error_code_of([&] { short_ca.issue(request, Clock::now()); }) == "validity_beyond_ca");
    request.validity_days.reset();
    auto clamped = short_ca.issue(request, Clock::now());
    BOOST_TEST((clamped.not_after() == short_ca_cert.not_after()));
    request.validity_days = 10;
    auto ten_days = short_ca.issue(request, Clock::now());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(ten_days.not_after() - ten_days.not_before()).count() ==
               10 * 86400 - 1);
}

BOOST_AUTO_TEST_CASE(ca_state_rules) {
    auto& pki = TestPki::shared();
    auto request = citizen_request(p256());
    // Issuing "in" 30 years: the sub-CA has expired by then.
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, Clock::now() + std::chrono::hours(24 * 365 * 30)); }) == "ca_expired");
    BOOST_TEST(sign::test::error_code_of([&] { pki.sub_ca->issue(request, pki.sub.not_before() - std::chrono::hours(1)); }) == "ca_expired");

    // A revoked CA issues nothing.
    MemoryRegistry registry;
    registry.revoke(pki.sub.serial_hex(), Clock::now() - std::chrono::minutes(1), sign::RevocationReason::ca_compromise);
    sign::CertificateAuthority revoked_ca(pki.sub.copy(), pki.sub_key, test_endpoints, registry, pki.profiles);
    BOOST_TEST(sign::test::error_code_of([&] { revoked_ca.issue(request, Clock::now()); }) == "ca_revoked");

    // Serials are unique.
    MemoryRegistry serials;
    sign::CertificateAuthority ca(pki.sub.copy(), pki.sub_key, test_endpoints, serials, pki.profiles);
    request.serial_hex = "7A0B0C0D0E0F10111213141516171819";
    auto first = ca.issue(request, Clock::now());
    BOOST_TEST(first.serial_hex() == "7a0b0c0d0e0f10111213141516171819");
    serials.add(first.serial_hex());
    std::string message;
    BOOST_TEST(sign::test::error_code_of([&] { ca.issue(request, Clock::now()); }, &message) == "duplicate_serial");
    BOOST_TEST(message.find("7a0b0c0d0e0f10111213141516171819") != std::string::npos, message);
    request.serial_hex = "00";
    BOOST_TEST(sign::test::error_code_of([&] { ca.issue(request, Clock::now()); }) == "invalid_serial");

    // Wrong key for the CA certificate, or a leaf posing as a CA.
    BOOST_TEST(sign::test::error_code_of([&] { sign::CertificateAuthority(pki.sub.copy(), pki.root_key, test_endpoints, serials, pki.profiles); }) ==
               "ca_key_mismatch");
    BOOST_TEST(sign::test::error_code_of([&] {
                   sign::CertificateAuthority(pki.leaves.at("leader").certificate.copy(), *pki.leaves.at("leader").key,
                                              test_endpoints, serials, pki.profiles);
               }) == "not_a_ca");
    BOOST_TEST(sign::test::error_code_of([&] {
                   sign::CertificateAuthority(pki.sub.copy(), pki.sub_key, {"ldap://x,y", "", ""}, serials, pki.profiles);
               }) == "invalid_url");
}

BOOST_AUTO_TEST_SUITE_END()
