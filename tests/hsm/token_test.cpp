#include <boost/test/unit_test.hpp>

#include <atomic>
#include <barrier>
#include <thread>
#include <tuple>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "command.h"
#include "sign/hsm/errors.h"
#include "sign/hsm/module.h"
#include "sign/hsm/token.h"
#include "sign/signature_scheme.h"
#include "softhsm_token.h"

using namespace sign;
using namespace sign::hsm;
using sign::test::SoftHsmToken;

namespace {

const std::vector<uint8_t> message = {'V', 'i', 'e', 't', ' ', 'N', 'a', 'm'};

// Signs `message` on the token and verifies it with the public half in software.
void check_round_trip(const PrivateKey& key, SignatureScheme scheme, const std::string& digest) {
    auto signature = sign_data(key, scheme, digest, message);
    auto public_key = key.public_key();
    BOOST_TEST(verify_data(public_key.get(), scheme, digest, message, signature),
               key.key_type() << " " << to_string(scheme) << " " << digest);
    auto tampered = message;
    tampered[0] ^= 1;
    BOOST_TEST(!verify_data(public_key.get(), scheme, digest, tampered, signature));
}

// Reads a private key's protection attributes straight from the module.
struct KeyAttributes {
    bool sensitive, extractable, always_sensitive, never_extractable, token;
};

KeyAttributes read_attributes(const Token& token, const std::string& label) {
    CK_FUNCTION_LIST* p11 = token.module().functions();
    CK_SESSION_HANDLE session;
    BOOST_REQUIRE(p11->C_OpenSession(token.slot_id(), CKF_SERIAL_SESSION, nullptr, nullptr, &session) == CKR_OK);
    CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE search[] = {{CKA_CLASS, &private_class, sizeof private_class},
                             {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    CK_ULONG found = 0;
    p11->C_FindObjectsInit(session, search, 2);
    p11->C_FindObjects(session, &object, 1, &found);
    p11->C_FindObjectsFinal(session);
    BOOST_REQUIRE(found == 1u);
    CK_BBOOL values[5] = {};
    CK_ATTRIBUTE query[] = {{CKA_SENSITIVE, &values[0], 1}, {CKA_EXTRACTABLE, &values[1], 1},
                            {CKA_ALWAYS_SENSITIVE, &values[2], 1}, {CKA_NEVER_EXTRACTABLE, &values[3], 1},
                            {CKA_TOKEN, &values[4], 1}};
    BOOST_REQUIRE(p11->C_GetAttributeValue(session, object, query, 5) == CKR_OK);
    p11->C_CloseSession(session);
    return {values[0] == CK_TRUE, values[1] == CK_TRUE, values[2] == CK_TRUE, values[3] == CK_TRUE, values[4] == CK_TRUE};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token)

BOOST_AUTO_TEST_CASE(generates_every_allowed_key_type_and_signs_with_every_scheme) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    for (const char* spec : {"rsa-2048", "rsa-3072", "rsa-4096", "ec-p256", "ec-p384"}) {
        PrivateKey key = token.generate_key_pair(KeySpec::parse(spec), std::string("key-") + spec);
        BOOST_TEST(key.key_type() == spec);
        for (const char* digest : {"sha256", "sha384", "sha512"}) {
            if (key.key_type().rfind("rsa", 0) == 0) {
                check_round_trip(key, SignatureScheme::rsa_pkcs1v15, digest);
                check_round_trip(key, SignatureScheme::rsa_pss, digest);
            } else {
                check_round_trip(key, SignatureScheme::ecdsa, digest);
            }
        }
        auto attributes = read_attributes(token, std::string("key-") + spec);
        BOOST_TEST(attributes.token);
        BOOST_TEST(attributes.sensitive);
        BOOST_TEST(!attributes.extractable);
        BOOST_TEST(attributes.always_sensitive);
        BOOST_TEST(attributes.never_extractable);
    }
}

BOOST_AUTO_TEST_CASE(pkcs11_tool_sees_private_keys_sensitive_and_never_extractable) {
    SoftHsmToken softhsm;
    {
        Token token = softhsm.open();
        token.generate_key_pair(KeySpec::parse("rsa-2048"), "seal-rsa");
        token.generate_key_pair(KeySpec::parse("ec-p256"), "seal-ec");
    }
    auto listed = test::run_command({"pkcs11-tool", "--module", Module::default_path(), "--token-label",
                                     softhsm.label(), "--login", "--pin", SoftHsmToken::user_pin,
                                     "--list-objects", "--type", "privkey"},
                                    {{"SOFTHSM2_CONF", softhsm.config_file()}});
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.output);
    size_t keys = 0;
    for (size_t at = 0; (at = listed.output.find("Private Key Object", at)) != std::string::npos; ++at) ++keys;
    BOOST_TEST(keys == 2u, listed.output);
    size_t protected_keys = 0;
    for (size_t at = 0; (at = listed.output.find("Access:     sensitive, always sensitive, never extractable", at)) !=
                        std::string::npos;
         ++at)
        ++protected_keys;
    BOOST_TEST(protected_keys == 2u, listed.output);
}

BOOST_AUTO_TEST_CASE(finds_keys_by_uri_and_refuses_what_is_not_there) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    PrivateKey generated = token.generate_key_pair(KeySpec::parse("ec-p256"), "leader", {0x0a, 0x0b});

    PrivateKey by_label = token.private_key("pkcs11:token=test-token;object=leader;type=private");
    PrivateKey by_id = token.private_key("pkcs11:id=%0A%0B");
    BOOST_TEST(EVP_PKEY_eq(by_label.public_key().get(), generated.public_key().get()) == 1);
    BOOST_TEST(EVP_PKEY_eq(by_id.public_key().get(), generated.public_key().get()) == 1);
    BOOST_TEST(generated.uri() == "pkcs11:token=test-token;object=leader;id=%0A%0B;type=private");
    check_round_trip(by_id, SignatureScheme::ecdsa, "sha256");

    BOOST_CHECK_THROW(token.private_key("pkcs11:object=nobody;type=private"), KeyNotFound);
    BOOST_CHECK_THROW(token.private_key("pkcs11:token=other;object=leader"), KeyNotFound);
}

BOOST_AUTO_TEST_CASE(a_duplicate_label_is_refused_and_changes_nothing) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    token.generate_key_pair(KeySpec::parse("ec-p256"), "agency-seal");
    auto before = token.objects().size();
    try {
        token.generate_key_pair(KeySpec::parse("ec-p256"), "agency-seal");
        BOOST_FAIL("a second key with the same label was accepted");
    } catch (const sign::Error& error) {
        BOOST_TEST(error.code() == "duplicate_label");
    }
    BOOST_TEST(token.objects().size() == before);
}

BOOST_AUTO_TEST_CASE(wrong_pin_and_missing_token_are_typed_errors) {
    SoftHsmToken softhsm;
    BOOST_CHECK_THROW(Token(Module::default_path(), softhsm.label(), Pin("00000000")), WrongPin);
    BOOST_CHECK_THROW(Token(Module::default_path(), "no-such-token", Pin(SoftHsmToken::user_pin)), TokenAbsent);
    BOOST_CHECK_THROW(Module("/nonexistent/module.so"), TokenError);
    // The right PIN still works after wrong ones.
    Token token = softhsm.open();
    BOOST_TEST(token.objects().empty());
}

BOOST_AUTO_TEST_CASE(stores_and_finds_certificates_beside_their_key) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    PrivateKey key = token.generate_key_pair(KeySpec::parse("rsa-2048"), "tsa", {0x42});

    X509Ptr certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 7);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Dịch vụ cấp dấu thời gian"), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get()));
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
    X509_set_pubkey(certificate.get(), key.public_key().get());
    key.use([&](EVP_PKEY* pkey) { return X509_sign(certificate.get(), pkey, EVP_sha256()) > 0; });
    BOOST_TEST(X509_verify(certificate.get(), key.public_key().get()) == 1);

    token.store_certificate(certificate.get(), "tsa", {0x42});
    X509Ptr found = token.certificate(Uri::parse("pkcs11:object=tsa;type=cert"));
    BOOST_TEST(X509_cmp(found.get(), certificate.get()) == 0);
    BOOST_CHECK_THROW(token.store_certificate(certificate.get(), "tsa", {0x42}), sign::Error);
    BOOST_CHECK_THROW(token.certificate(Uri::parse("pkcs11:object=none;type=cert")), KeyNotFound);

    auto objects = token.objects();
    BOOST_TEST(objects.size() == 3u);  // private key, public key, certificate
}

BOOST_AUTO_TEST_CASE(many_threads_sign_at_once) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    PrivateKey rsa = token.generate_key_pair(KeySpec::parse("rsa-2048"), "rsa");
    PrivateKey ec = token.generate_key_pair(KeySpec::parse("ec-p256"), "ec");
    std::atomic<int> good{0};
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            const PrivateKey& key = t % 2 ? rsa : ec;
            auto scheme = t % 2 ? SignatureScheme::rsa_pss : SignatureScheme::ecdsa;
            auto public_key = key.public_key();
            for (int i = 0; i < 40; ++i) {
                auto signature = sign_data(key, scheme, "sha256", message);
                (verify_data(public_key.get(), scheme, "sha256", message, signature) ? good : bad)++;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    BOOST_TEST(good.load() == 320);
    BOOST_TEST(bad.load() == 0);
}

BOOST_AUTO_TEST_CASE(recovers_when_every_session_is_closed_under_it) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    PrivateKey key = token.generate_key_pair(KeySpec::parse("rsa-2048"), "leader");
    check_round_trip(key, SignatureScheme::rsa_pss, "sha256");
    // Another user of the module closes every session: libp11's pooled sessions become invalid
    // (CKR_SESSION_HANDLE_INVALID) and the token is logged out.
    BOOST_REQUIRE(token.module().functions()->C_CloseAllSessions(token.slot_id()) == CKR_OK);
    check_round_trip(key, SignatureScheme::rsa_pss, "sha256");
}

BOOST_AUTO_TEST_CASE(recovers_when_the_user_is_logged_out_under_it) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    PrivateKey key = token.generate_key_pair(KeySpec::parse("ec-p256"), "citizen");
    check_round_trip(key, SignatureScheme::ecdsa, "sha256");
    CK_FUNCTION_LIST* p11 = token.module().functions();
    CK_SESSION_HANDLE session;
    BOOST_REQUIRE(p11->C_OpenSession(token.slot_id(), CKF_SERIAL_SESSION, nullptr, nullptr, &session) == CKR_OK);
    BOOST_REQUIRE(p11->C_Logout(session) == CKR_OK);  // sessions stay open, CKR_USER_NOT_LOGGED_IN follows
    p11->C_CloseSession(session);
    check_round_trip(key, SignatureScheme::ecdsa, "sha256");
}

BOOST_AUTO_TEST_CASE(threads_signing_at_once_all_recover_from_a_reset) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    PrivateKey key = token.generate_key_pair(KeySpec::parse("ec-p256"), "busy");
    std::atomic<int> failures{0};
    std::atomic<int> signatures{0};
    // The reset runs in the barrier's completion step, while every signer waits between two
    // signatures: a module may not have sessions closed under a call in progress, and the
    // point here is that all signers then meet the dead sessions at once.
    std::barrier round(3, [&]() noexcept { token.module().functions()->C_CloseAllSessions(token.slot_id()); });
    std::vector<std::thread> signers;
    for (int t = 0; t < 3; ++t) {
        signers.emplace_back([&] {
            for (int reset = 0; reset < 5; ++reset) {
                for (int i = 0; i < 10; ++i) {
                    try {
                        sign_data(key, SignatureScheme::ecdsa, "sha256", message);
                        ++signatures;
                    } catch (const std::exception& error) {
                        BOOST_TEST_MESSAGE("signing failed: " << error.what());
                        ++failures;
                    }
                }
                round.arrive_and_wait();
            }
        });
    }
    for (auto& thread : signers) thread.join();
    check_round_trip(key, SignatureScheme::ecdsa, "sha256");
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(signatures.load() == 150);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// Signs `message` with a plain OpenSSL key, as a TLS stack would: EVP_DigestSign, PSS for RSA.
std::vector<uint8_t> openssl_sign(EVP_PKEY* key, bool pss) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* key_context = nullptr;
    BOOST_REQUIRE(EVP_DigestSignInit(context.get(), &key_context, EVP_sha256(), nullptr, key) == 1);
    if (pss) {
        BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) == 1);
        BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST) == 1);
    }
    size_t length = 0;
    BOOST_REQUIRE(EVP_DigestSign(context.get(), nullptr, &length, message.data(), message.size()) == 1);
    std::vector<uint8_t> signature(length);
    BOOST_REQUIRE(EVP_DigestSign(context.get(), signature.data(), &length, message.data(), message.size()) == 1);
    signature.resize(length);
    return signature;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_long_lived_openssl_key_signs_on_the_token_and_outlives_a_reset) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    for (auto [type, scheme, pss] : {std::tuple{"rsa-2048", SignatureScheme::rsa_pss, true},
                                     std::tuple{"rsa-2048", SignatureScheme::rsa_pkcs1v15, false},
                                     std::tuple{"ec-p256", SignatureScheme::ecdsa, false}}) {
        std::string label = std::string("tls-") + type + (pss ? "-pss" : "");
        PrivateKey key = token.generate_key_pair(KeySpec::parse(type), label);
        EvpPkeyPtr long_lived = key.long_lived_evp_pkey();
        auto public_key = key.public_key();
        BOOST_TEST(EVP_PKEY_eq(long_lived.get(), public_key.get()) == 1);
        BOOST_TEST(verify_data(public_key.get(), scheme, "sha256", message, openssl_sign(long_lived.get(), pss)), label);
        // A reset frees every key handle use() lent; the long-lived key reconnects through use().
        BOOST_REQUIRE(token.module().functions()->C_CloseAllSessions(token.slot_id()) == CKR_OK);
        BOOST_TEST(verify_data(public_key.get(), scheme, "sha256", message, openssl_sign(long_lived.get(), pss)), label);
        token.reconnect();
        BOOST_TEST(verify_data(public_key.get(), scheme, "sha256", message, openssl_sign(long_lived.get(), pss)), label);
    }
}
