// check_signer: every refusal with its code, before any key use. (That the token
// is really never asked is proven through the counting PKCS#11 module in
// signer_refusal_test.cpp, a separate program because it needs its own token.)

#include <boost/test/unit_test.hpp>

#include "../x509/memory_registry.h"
#include "error_code.h"
#include "sign/cades.h"
#include "sign/signer_checks.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;

namespace {

const std::vector<std::uint8_t> content = {'H', 'u', 'e'};

}  // namespace

BOOST_AUTO_TEST_SUITE(signer_checks)

BOOST_AUTO_TEST_CASE(a_good_signer_passes) {
    auto& pki = TokenPki::shared();
    MemoryRegistry registry;
    Signer signer = pki.signer("leader");
    registry.add(signer.certificate.serial_hex());
    check_signer(signer, &registry, std::chrono::system_clock::now());
    check_signer(signer, nullptr, std::chrono::system_clock::now());
}

BOOST_AUTO_TEST_CASE(an_expired_or_not_yet_valid_certificate_is_refused) {
    auto& pki = TokenPki::shared();
    Signer signer = pki.signer("citizen");
    auto after = signer.certificate.not_after() + std::chrono::hours(24);
    auto before = signer.certificate.not_before() - std::chrono::hours(24);
    BOOST_TEST(error_code_of([&] { check_signer(signer, nullptr, after); }) == "certificate_expired");
    BOOST_TEST(error_code_of([&] { check_signer(signer, nullptr, before); }) == "certificate_not_yet_valid");
    BOOST_TEST(error_code_of([&] { prepare_cades(signer, content, {}, after); }) == "certificate_expired");
    FixedClock late(after);
    BOOST_TEST(error_code_of([&] { sign_cades(signer, content, {}, late, nullptr); }) == "certificate_expired");
}

BOOST_AUTO_TEST_CASE(a_certificate_revoked_in_our_database_is_refused) {
    auto& pki = TokenPki::shared();
    Signer signer = pki.signer("agency-seal");
    MemoryRegistry registry;
    registry.revoke(signer.certificate.serial_hex(), std::chrono::system_clock::now() - std::chrono::hours(1),
                    RevocationReason::key_compromise);
    std::string message;
    BOOST_TEST(error_code_of([&] { check_signer(signer, &registry, std::chrono::system_clock::now()); }, &message) ==
               "certificate_revoked", message);
    SystemClock clock;
    BOOST_TEST(error_code_of([&] { sign_cades(signer, content, {.registry = &registry}, clock, nullptr); }) ==
               "certificate_revoked");
}

BOOST_AUTO_TEST_CASE(a_key_that_is_not_the_certificates_is_refused) {
    auto& pki = TokenPki::shared();
    Signer leader = pki.signer("leader");
    Signer mismatched{leader.key, pki.certificate("agency-seal"), {}, SignatureScheme::rsa_pss};
    BOOST_TEST(error_code_of([&] { check_signer(mismatched, nullptr, std::chrono::system_clock::now()); }) ==
               "key_certificate_mismatch");
}

BOOST_AUTO_TEST_CASE(weak_digests_and_unfit_schemes_are_refused) {
    auto& pki = TokenPki::shared();
    auto now = std::chrono::system_clock::now();
    BOOST_TEST(error_code_of([&] { check_signer(pki.signer("leader", {}, "sha1"), nullptr, now); }) == "weak_digest");
    BOOST_TEST(error_code_of([&] { check_signer(pki.signer("leader", {}, "md5"), nullptr, now); }) == "weak_digest");
    BOOST_TEST(error_code_of([&] { check_signer(pki.signer("citizen", SignatureScheme::rsa_pss), nullptr, now); }) ==
               "scheme_key_mismatch");
    BOOST_TEST(error_code_of([&] { check_signer(pki.signer("leader", SignatureScheme::ecdsa), nullptr, now); }) ==
               "scheme_key_mismatch");
    SystemClock clock;
    BOOST_TEST(error_code_of([&] { sign_cades(pki.signer("leader", {}, "sha1"), content, {}, clock, nullptr); }) ==
               "weak_digest");
}

BOOST_AUTO_TEST_SUITE_END()
