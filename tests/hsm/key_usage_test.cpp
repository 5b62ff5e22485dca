#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "command.h"
#include "raw_pkcs11.h"
#include "sign/hsm/errors.h"
#include "sign/hsm/module.h"
#include "sign/hsm/token.h"
#include "softhsm_token.h"

using namespace sign;
using namespace sign::hsm;
using sign::test::RawPkcs11Session;
using sign::test::SoftHsmToken;

namespace {

std::vector<uint8_t> random_aes_key() {
    std::vector<uint8_t> key(32);
    RAND_bytes(key.data(), static_cast<int>(key.size()));
    return key;
}

// The public point of a fresh software EC P-256 key, as CKM_ECDH1_DERIVE takes it (uncompressed).
std::vector<uint8_t> peer_point() {
    EVP_PKEY* peer = EVP_EC_gen("P-256");
    BOOST_TEST_REQUIRE(peer != nullptr);
    size_t size = 0;
    EVP_PKEY_get_octet_string_param(peer, "encoded-pub-key", nullptr, 0, &size);
    std::vector<uint8_t> point(size);
    BOOST_TEST_REQUIRE(EVP_PKEY_get_octet_string_param(peer, "encoded-pub-key", point.data(), point.size(), &size) == 1);
    EVP_PKEY_free(peer);
    return point;
}

// A second secret key under a taken label is refused.
bool error_code_of_duplicate(Token& token) {
    try {
        token.generate_secret_key("pin-verifier");
    } catch (const sign::Error& error) {
        return error.code() == "duplicate_label";
    }
    return false;
}

bool names(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_usage)

BOOST_AUTO_TEST_CASE(generated_signing_keys_neither_decrypt_nor_unwrap_nor_recover_nor_derive) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    PrivateKey rsa = token.generate_key_pair(KeySpec::parse("rsa-2048"), "leader-rsa");
    token.generate_key_pair(KeySpec::parse("ec-p256"), "leader-ec");
    RawPkcs11Session session(token);

    CK_OBJECT_HANDLE rsa_private = session.find(CKO_PRIVATE_KEY, "leader-rsa");
    auto wrapped = test::rsa_encrypt_to(rsa.public_key().get(), random_aes_key());
    BOOST_TEST(ckr_name(session.unwrap(rsa_private, wrapped)) == "CKR_KEY_FUNCTION_NOT_PERMITTED");
    BOOST_TEST(ckr_name(session.decrypt_init(rsa_private)) == "CKR_KEY_FUNCTION_NOT_PERMITTED");
    // SoftHSM2 implements no sign-with-recovery at all, so the call fails whatever the key says;
    // the attribute is what a module that implements it would check.
    BOOST_TEST(session.sign_recover_init(rsa_private) != static_cast<CK_RV>(CKR_OK));
    BOOST_TEST(!session.flag(rsa_private, CKA_SIGN_RECOVER));
    BOOST_TEST(!session.flag(rsa_private, CKA_DERIVE));
    BOOST_TEST(session.flag(rsa_private, CKA_SIGN));

    CK_OBJECT_HANDLE rsa_public = session.find(CKO_PUBLIC_KEY, "leader-rsa");
    BOOST_TEST(ckr_name(session.encrypt_init(rsa_public)) == "CKR_KEY_FUNCTION_NOT_PERMITTED");
    for (CK_ATTRIBUTE_TYPE type : {CKA_ENCRYPT, CKA_WRAP, CKA_VERIFY_RECOVER, CKA_DERIVE})
        BOOST_TEST(!session.flag(rsa_public, type), "public attribute 0x" << std::hex << type);
    BOOST_TEST(session.flag(rsa_public, CKA_VERIFY));

    CK_OBJECT_HANDLE ec_private = session.find(CKO_PRIVATE_KEY, "leader-ec");
    BOOST_TEST(ckr_name(session.derive(ec_private, peer_point())) == "CKR_KEY_FUNCTION_NOT_PERMITTED");

    BOOST_TEST(token.check_key_usage(false).empty());
}

BOOST_AUTO_TEST_CASE(a_key_with_the_old_permissive_template_is_reported_then_corrected) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    token.generate_key_pair(KeySpec::parse("ec-p256"), "seal");
    RawPkcs11Session session(token);
    session.generate_permissive_rsa_pair("old-leader");
    CK_OBJECT_HANDLE old_private = session.find(CKO_PRIVATE_KEY, "old-leader");
    PrivateKey old_key = token.private_key("pkcs11:object=old-leader;type=private");

    // The permissive key really decrypts and unwraps: what the check is about is observable.
    auto wrapped = test::rsa_encrypt_to(old_key.public_key().get(), random_aes_key());
    BOOST_TEST_REQUIRE(session.unwrap(old_private, wrapped) == static_cast<CK_RV>(CKR_OK));
    BOOST_TEST_REQUIRE(session.decrypt_init(old_private) == static_cast<CK_RV>(CKR_OK));

    auto reported = token.check_key_usage(false);
    BOOST_TEST_REQUIRE(reported.size() == 2u);  // the private half and the public half, not "seal"
    for (const auto& finding : reported) {
        BOOST_TEST(finding.key.label == "old-leader");
        BOOST_TEST(finding.corrected.empty());
        BOOST_TEST(finding.refused.empty());
        if (finding.key.type == ObjectType::private_key) {
            for (const char* name : {"CKA_DECRYPT", "CKA_UNWRAP", "CKA_SIGN_RECOVER"})
                BOOST_TEST(names(finding.excess, name), name);
            BOOST_TEST(finding.key.uri == "pkcs11:token=test-token;object=old-leader;type=private");
            BOOST_TEST(finding.key.key_type == "rsa-2048");
        } else {
            for (const char* name : {"CKA_ENCRYPT", "CKA_WRAP"}) BOOST_TEST(names(finding.excess, name), name);
        }
    }
    // Reporting changed nothing.
    BOOST_TEST(session.decrypt_init(old_private) == static_cast<CK_RV>(CKR_OK));

    auto fixed = token.check_key_usage(true);
    BOOST_TEST_REQUIRE(fixed.size() == 2u);
    for (const auto& finding : fixed) {
        BOOST_TEST(finding.corrected == finding.excess);
        BOOST_TEST(finding.refused.empty());
    }
    BOOST_TEST(token.check_key_usage(false).empty());
    BOOST_TEST(ckr_name(session.decrypt_init(old_private)) == "CKR_KEY_FUNCTION_NOT_PERMITTED");
    BOOST_TEST(ckr_name(session.unwrap(old_private, wrapped)) == "CKR_KEY_FUNCTION_NOT_PERMITTED");
    // Still a signing key.
    BOOST_TEST(session.flag(old_private, CKA_SIGN));
}

BOOST_AUTO_TEST_CASE(pkcs11_tool_sees_generated_keys_as_sign_only_and_cannot_decrypt_with_them) {
    SoftHsmToken softhsm;
    std::vector<uint8_t> ciphertext;
    {
        Token token = softhsm.open();
        PrivateKey key = token.generate_key_pair(KeySpec::parse("rsa-2048"), "leader");
        ciphertext = test::rsa_encrypt_to(key.public_key().get(), random_aes_key());
    }
    std::map<std::string, std::string> environment = {{"SOFTHSM2_CONF", softhsm.config_file()}};
    std::vector<std::string> base = {"pkcs11-tool", "--module", Module::default_path(), "--token-label",
                                     softhsm.label(), "--login", "--pin", SoftHsmToken::user_pin};

    auto listing = base;
    listing.insert(listing.end(), {"--list-objects", "--type", "privkey"});
    auto listed = test::run_command(listing, environment);
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.output);
    BOOST_TEST(listed.output.find("Usage:      sign\n") != std::string::npos, listed.output);

    auto input = softhsm.dir() / "wrapped.bin";
    {
        std::ofstream out(input, std::ios::binary);
        out.write(reinterpret_cast<const char*>(ciphertext.data()), static_cast<std::streamsize>(ciphertext.size()));
    }
    auto decrypting = base;
    decrypting.insert(decrypting.end(), {"--decrypt", "--mechanism", "RSA-PKCS", "--label", "leader", "--input-file",
                                         input.string(), "--output-file", (softhsm.dir() / "plain.bin").string()});
    auto decrypted = test::run_command(decrypting, environment);
    BOOST_TEST(decrypted.exit_code != 0, decrypted.output);
    BOOST_TEST(decrypted.output.find("CKR_KEY_FUNCTION_NOT_PERMITTED") != std::string::npos, decrypted.output);
}

// The PIN verifier key: made on the token, its value unreadable, usable for HMAC-SHA256 only; the
// HMAC is the one OpenSSL computes (checked with a key of known value, as the generated one cannot
// be read).
BOOST_AUTO_TEST_CASE(a_generated_secret_key_only_makes_hmacs_and_never_leaves_the_token) {
    SoftHsmToken softhsm;
    Token token = softhsm.open();
    SecretKey key = token.generate_secret_key("pin-verifier");
    RawPkcs11Session session(token);
    CK_OBJECT_HANDLE handle = session.find(CKO_SECRET_KEY, "pin-verifier");
    BOOST_TEST(session.flag(handle, CKA_SENSITIVE));
    BOOST_TEST(!session.flag(handle, CKA_EXTRACTABLE));
    BOOST_TEST(session.flag(handle, CKA_NEVER_EXTRACTABLE));
    BOOST_TEST(session.flag(handle, CKA_PRIVATE));
    BOOST_TEST(session.flag(handle, CKA_SIGN));
    for (CK_ATTRIBUTE_TYPE usage : {CKA_VERIFY, CKA_ENCRYPT, CKA_DECRYPT, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE})
        BOOST_TEST(!session.flag(handle, usage), "attribute 0x" << std::hex << usage);
    std::vector<uint8_t> value(32);
    CK_ATTRIBUTE read{CKA_VALUE, value.data(), value.size()};
    BOOST_TEST(ckr_name(session.p11()->C_GetAttributeValue(session.handle(), handle, &read, 1)) == "CKR_ATTRIBUTE_SENSITIVE");
    CK_MECHANISM aes{CKM_AES_ECB, nullptr, 0};
    BOOST_TEST(session.p11()->C_EncryptInit(session.handle(), &aes, handle) != CKR_OK);

    const std::vector<uint8_t> message = {'2', '4', '6', '8', '1', '0'};
    auto first = key.mac(message);
    BOOST_TEST(first.size() == 32u);
    BOOST_TEST((key.mac(message) == first));
    BOOST_TEST((key.mac(std::vector<uint8_t>{'1', '3', '5'}) != first));
    BOOST_TEST((token.secret_key("pin-verifier")->mac(message) == first));
    BOOST_TEST(!token.secret_key("no-such-key").has_value());
    BOOST_TEST(error_code_of_duplicate(token));

    // The token's HMAC is HMAC-SHA256 as OpenSSL computes it: checked with a key of known value.
    std::vector<uint8_t> known(32, 0x5a);
    CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
    CK_KEY_TYPE generic = CKK_GENERIC_SECRET;
    CK_BBOOL yes = CK_TRUE;
    std::string label = "known-value";
    CK_ATTRIBUTE object[] = {{CKA_CLASS, &secret_class, sizeof secret_class}, {CKA_KEY_TYPE, &generic, sizeof generic},
                             {CKA_VALUE, known.data(), known.size()},       {CKA_SIGN, &yes, sizeof yes},
                             {CKA_LABEL, label.data(), label.size()}};
    CK_OBJECT_HANDLE created = CK_INVALID_HANDLE;
    BOOST_TEST_REQUIRE(session.p11()->C_CreateObject(session.handle(), object, 5, &created) == CKR_OK);
    std::vector<uint8_t> expected(32);
    unsigned length = 0;
    HMAC(EVP_sha256(), known.data(), static_cast<int>(known.size()), message.data(), message.size(), expected.data(), &length);
    BOOST_TEST((token.secret_key(label)->mac(message) == expected));

    // Listed, and clean for token check.
    bool listed = false;
    for (const auto& object : token.objects())
        listed = listed || (object.type == ObjectType::secret_key && object.label == "pin-verifier" && object.key_type == "secret-256");
    BOOST_TEST(listed);
    for (const auto& finding : token.check_key_usage(false)) BOOST_TEST(finding.key.label != "pin-verifier");
}

BOOST_AUTO_TEST_SUITE_END()
