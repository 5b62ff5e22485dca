// A refused signer never reaches the token: signing goes through
// tests/support/faulty_pkcs11.c, which counts C_Sign calls on a real SoftHSM2
// token, and every refusal of check_signer must leave the count unchanged.
// Its own program, because SoftHsmToken and TokenPki cannot share one.

#include <boost/test/unit_test.hpp>

#include <dlfcn.h>

#include <openssl/x509.h>

#include "../x509/memory_registry.h"
#include "error_code.h"
#include "sign/cades.h"
#include "sign/hsm/token.h"
#include "softhsm_token.h"

using namespace sign;
using namespace sign::hsm;
using sign::test::SoftHsmToken;
using sign::test::error_code_of;

namespace {

const std::vector<std::uint8_t> content = {'D', 'a', ' ', 'N', 'a', 'n', 'g'};

long sign_calls() {
    static auto counter = [] {
        void* library = dlopen(FAULTY_PKCS11, RTLD_NOW | RTLD_LOCAL);
        BOOST_TEST_REQUIRE(library != nullptr);
        auto function = reinterpret_cast<long (*)()>(dlsym(library, "faulty_pkcs11_sign_calls"));
        BOOST_TEST_REQUIRE(function != nullptr);
        return function;
    }();
    return counter();
}

// A self-signed certificate for `key`, valid over [now + from, now + to], signed on the token.
Certificate certificate_for(const PrivateKey& key, std::chrono::hours from, std::chrono::hours to) {
    X509Ptr certificate(X509_new());
    EvpPkeyPtr public_key = key.public_key();
    X509_NAME* name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Người ký thử"), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);
    X509_set_version(certificate.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 0x1234567);
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    X509_time_adj_ex(X509_getm_notBefore(certificate.get()), 0, static_cast<long>(from.count() * 3600), &now);
    X509_time_adj_ex(X509_getm_notAfter(certificate.get()), 0, static_cast<long>(to.count() * 3600), &now);
    X509_set_pubkey(certificate.get(), public_key.get());
    key.use([&](EVP_PKEY* token_key) {
        EvpMdCtxPtr context(EVP_MD_CTX_new());
        return EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, token_key) == 1 &&
               X509_sign_ctx(certificate.get(), context.get()) > 0;
    });
    return Certificate(std::move(certificate));
}

struct FaultyToken {
    SoftHsmToken softhsm;
    Token token{FAULTY_PKCS11, softhsm.label(), Pin(SoftHsmToken::user_pin)};
    PrivateKey key = token.generate_key_pair(KeySpec::parse("ec-p256"), "citizen");
    PrivateKey other_key = token.generate_key_pair(KeySpec::parse("ec-p256"), "other");
};

// Runs `attempt`, which must fail with `code`, and checks that the token signed nothing meanwhile.
void refused_without_signing(const std::function<void()>& attempt, const std::string& code) {
    long before = sign_calls();
    std::string message;
    BOOST_TEST(error_code_of(attempt, &message) == code, message);
    BOOST_TEST(sign_calls() == before);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signer_refusal)

BOOST_AUTO_TEST_CASE(the_counter_sees_a_real_signature) {
    FaultyToken faulty;
    Signer signer{faulty.key, certificate_for(faulty.key, std::chrono::hours(-24), std::chrono::hours(24)), {},
                  SignatureScheme::ecdsa};
    SystemClock clock;
    long before = sign_calls();
    auto cms = sign_cades(signer, content, {}, clock, nullptr);
    BOOST_TEST(!cms.empty());
    BOOST_TEST(sign_calls() == before + 1);
}

BOOST_AUTO_TEST_CASE(no_refusal_reaches_the_token) {
    FaultyToken faulty;
    SystemClock clock;
    auto valid = certificate_for(faulty.key, std::chrono::hours(-24), std::chrono::hours(24));

    Signer expired{faulty.key, certificate_for(faulty.key, std::chrono::hours(-240), std::chrono::hours(-24)), {},
                   SignatureScheme::ecdsa};
    refused_without_signing([&] { sign_cades(expired, content, {}, clock, nullptr); }, "certificate_expired");

    Signer future{faulty.key, certificate_for(faulty.key, std::chrono::hours(24), std::chrono::hours(240)), {},
                  SignatureScheme::ecdsa};
    refused_without_signing([&] { sign_cades_digest(future, std::vector<std::uint8_t>(32), {}, clock, nullptr); },
                            "certificate_not_yet_valid");

    test::MemoryRegistry registry;
    registry.revoke(valid.serial_hex(), std::chrono::system_clock::now(), RevocationReason::key_compromise);
    Signer revoked{faulty.key, valid.copy(), {}, SignatureScheme::ecdsa};
    refused_without_signing([&] { sign_cades(revoked, content, {.registry = &registry}, clock, nullptr); },
                            "certificate_revoked");

    Signer mismatched{faulty.other_key, valid.copy(), {}, SignatureScheme::ecdsa};
    refused_without_signing([&] { sign_cades(mismatched, content, {}, clock, nullptr); }, "key_certificate_mismatch");

    Signer weak{faulty.key, valid.copy(), {}, SignatureScheme::ecdsa, "sha1"};
    refused_without_signing([&] { sign_cades(weak, content, {.detached = false}, clock, nullptr); }, "weak_digest");

    Signer unfit{faulty.key, valid.copy(), {}, SignatureScheme::rsa_pss};
    refused_without_signing([&] { sign_cades(unfit, content, {}, clock, nullptr); }, "scheme_key_mismatch");
}

BOOST_AUTO_TEST_SUITE_END()
