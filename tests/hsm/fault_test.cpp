// What a real HSM does and SoftHSM2 never does: a removed device, a locked PIN,
// a refused mechanism. tests/support/faulty_pkcs11.c injects these answers in
// front of a real SoftHSM2 token.

#include <boost/test/unit_test.hpp>

#include <dlfcn.h>

#include "sign/hsm/errors.h"
#include "sign/hsm/token.h"
#include "sign/signature_scheme.h"
#include "softhsm_token.h"

using namespace sign;
using namespace sign::hsm;
using sign::test::SoftHsmToken;

namespace {

const std::vector<uint8_t> message = {'H', 'a', ' ', 'N', 'o', 'i'};

// Tells the faulty module to make the next `count` calls of `function` return `rv`.
void fail_next(const char* function, CK_RV rv, int count) {
    static auto control = [] {
        void* library = dlopen(FAULTY_PKCS11, RTLD_NOW | RTLD_LOCAL);
        BOOST_TEST_REQUIRE(library != nullptr);
        return reinterpret_cast<void (*)(const char*, CK_RV, int)>(dlsym(library, "faulty_pkcs11_fail_next"));
    }();
    control(function, rv, count);
}

Token open_through_faulty_module(const SoftHsmToken& softhsm) {
    return Token(FAULTY_PKCS11, softhsm.label(), Pin(SoftHsmToken::user_pin));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(a_removed_device_is_reconnected_and_the_signature_made) {
    SoftHsmToken softhsm;
    Token token = open_through_faulty_module(softhsm);
    PrivateKey key = token.generate_key_pair(KeySpec::parse("rsa-2048"), "seal");
    fail_next("C_SignInit", CKR_DEVICE_REMOVED, 1);
    auto signature = sign_data(key, SignatureScheme::rsa_pss, "sha256", message);
    BOOST_TEST(verify_data(key.public_key().get(), SignatureScheme::rsa_pss, "sha256", message, signature));
}

BOOST_AUTO_TEST_CASE(a_device_that_stays_away_is_reported_as_absent) {
    SoftHsmToken softhsm;
    Token token = open_through_faulty_module(softhsm);
    PrivateKey key = token.generate_key_pair(KeySpec::parse("ec-p256"), "seal");
    fail_next("C_SignInit", CKR_DEVICE_REMOVED, 100);
    try {
        sign_data(key, SignatureScheme::ecdsa, "sha256", message);
        BOOST_FAIL("signing succeeded on a removed device");
    } catch (const TokenAbsent& error) {
        BOOST_TEST(std::string(error.what()).find("the token was removed (CKR_DEVICE_REMOVED)") != std::string::npos, error.what());
    }
    fail_next("C_SignInit", CKR_OK, 0);
    // Once the device is back, the same key signs again.
    BOOST_TEST(!sign_data(key, SignatureScheme::ecdsa, "sha256", message).empty());
}

BOOST_AUTO_TEST_CASE(a_locked_pin_is_a_typed_error) {
    SoftHsmToken softhsm;
    fail_next("C_Login", CKR_PIN_LOCKED, 1);
    BOOST_CHECK_THROW(open_through_faulty_module(softhsm), PinLocked);
}

BOOST_AUTO_TEST_CASE(a_refused_mechanism_is_a_typed_error) {
    SoftHsmToken softhsm;
    Token token = open_through_faulty_module(softhsm);
    PrivateKey key = token.generate_key_pair(KeySpec::parse("ec-p256"), "seal");
    fail_next("C_SignInit", CKR_MECHANISM_INVALID, 1);
    BOOST_CHECK_THROW(sign_data(key, SignatureScheme::ecdsa, "sha256", message), MechanismUnsupported);
}

BOOST_AUTO_TEST_CASE(a_failed_key_generation_leaves_nothing_behind) {
    SoftHsmToken softhsm;
    Token token = open_through_faulty_module(softhsm);
    fail_next("C_GenerateKeyPair", CKR_DEVICE_MEMORY, 1);
    try {
        token.generate_key_pair(KeySpec::parse("rsa-2048"), "seal");
        BOOST_FAIL("key generation succeeded");
    } catch (const TokenError& error) {
        BOOST_TEST(error.code() == "token_failure");
        BOOST_TEST(std::string(error.what()).find("the token is out of memory") != std::string::npos, error.what());
    }
    BOOST_TEST(token.objects().empty());
    // The label is still free.
    BOOST_TEST(token.generate_key_pair(KeySpec::parse("rsa-2048"), "seal").key_type() == "rsa-2048");
}

BOOST_AUTO_TEST_SUITE_END()
