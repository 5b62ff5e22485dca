#include <boost/test/unit_test.hpp>

#include "error_code.h"
#include "sign/error.h"
#include "sign/hsm/errors.h"
#include "sign/hsm/key_spec.h"
#include "sign/hsm/uri.h"

#include <p11-kit/pkcs11.h>

using namespace sign;
using namespace sign::hsm;

using sign::test::error_code_of;

BOOST_AUTO_TEST_SUITE(pkcs11_uri)

BOOST_AUTO_TEST_CASE(parses_rfc7512_attributes_with_percent_escapes) {
    auto uri = Uri::parse("pkcs11:token=city%20ca;object=s%E1%BB%9F-tt;id=%01%ff;type=private");
    BOOST_TEST(*uri.token == "city ca");
    BOOST_TEST(*uri.object == "sở-tt");
    BOOST_TEST((*uri.id == std::vector<uint8_t>{0x01, 0xff}));
    BOOST_TEST((*uri.type == ObjectType::private_key));
}

BOOST_AUTO_TEST_CASE(round_trips_through_canonical_text) {
    Uri uri;
    uri.token = "city-ca";
    uri.object = "Sở TT&TT; seal";
    uri.id = std::vector<uint8_t>{0xde, 0xad};
    uri.type = ObjectType::certificate;
    auto text = uri.to_string();
    BOOST_TEST(text.find(' ') == std::string::npos);
    BOOST_TEST(text.find(";seal") == std::string::npos);
    auto back = Uri::parse(text);
    BOOST_TEST(*back.object == *uri.object);
    BOOST_TEST(back.to_string() == text);
}

BOOST_AUTO_TEST_CASE(refuses_malformed_uris_with_a_reason) {
    BOOST_TEST(error_code_of([] { Uri::parse("pkcs12:token=x"); }) == "invalid_pkcs11_uri");
    BOOST_TEST(error_code_of([] { Uri::parse("pkcs11:token=x;token=y"); }) == "invalid_pkcs11_uri");
    BOOST_TEST(error_code_of([] { Uri::parse("pkcs11:object=%zz"); }) == "invalid_pkcs11_uri");
    BOOST_TEST(error_code_of([] { Uri::parse("pkcs11:object=%4"); }) == "invalid_pkcs11_uri");
    BOOST_TEST(error_code_of([] { Uri::parse("pkcs11:colour=blue"); }) == "invalid_pkcs11_uri");
    BOOST_TEST(error_code_of([] { Uri::parse("pkcs11:type=secret"); }) == "invalid_pkcs11_uri");
    BOOST_TEST(error_code_of([] { Uri::parse("pkcs11:object=k?pin-value=1234"); }) == "invalid_pkcs11_uri");
}

BOOST_AUTO_TEST_CASE(key_specs_follow_circular_15) {
    BOOST_TEST(KeySpec::parse("rsa-3072").bits == 3072u);
    BOOST_TEST(KeySpec::parse("ec-p384").curve == "secp384r1");
    BOOST_TEST(error_code_of([] { KeySpec::parse("rsa-1024"); }) == "unsupported_key_type");
    BOOST_TEST(error_code_of([] { KeySpec::parse("ec-p192"); }) == "unsupported_key_type");
}

BOOST_AUTO_TEST_CASE(module_results_become_typed_errors_in_plain_words) {
    auto check = [](unsigned long rv, auto expected_type, const std::string& code) {
        try {
            throw_for_ckr(rv, "logging in");
        } catch (const decltype(expected_type)& error) {
            BOOST_TEST(error.code() == code);
            std::string message = error.what();
            BOOST_TEST(message.find("logging in failed: ") == 0);
            BOOST_TEST(message.find("0x") == std::string::npos);  // a name, never a bare number
            return;
        }
        BOOST_FAIL("wrong exception type for " + ckr_name(rv));
    };
    check(CKR_PIN_INCORRECT, WrongPin(""), "wrong_pin");
    check(CKR_PIN_LOCKED, PinLocked(""), "pin_locked");
    check(CKR_TOKEN_NOT_PRESENT, TokenAbsent(""), "token_absent");
    check(CKR_DEVICE_REMOVED, TokenAbsent(""), "token_absent");
    check(CKR_KEY_HANDLE_INVALID, KeyNotFound(""), "key_not_found");
    check(CKR_MECHANISM_INVALID, MechanismUnsupported(""), "mechanism_unsupported");
    check(CKR_GENERAL_ERROR, TokenError("", ""), "token_failure");
}

BOOST_AUTO_TEST_SUITE_END()
