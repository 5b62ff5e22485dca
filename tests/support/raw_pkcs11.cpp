#include "raw_pkcs11.h"

#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "sign/hsm/errors.h"

namespace sign::test {

namespace {

CK_BBOOL yes = CK_TRUE;

}  // namespace

RawPkcs11Session::RawPkcs11Session(const hsm::Token& token) : p11_(token.module().functions()) {
    CK_RV rv = p11_->C_OpenSession(token.slot_id(), CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session_);
    BOOST_TEST_REQUIRE(rv == CKR_OK, "C_OpenSession: " << hsm::ckr_name(rv));
}

RawPkcs11Session::~RawPkcs11Session() { p11_->C_CloseSession(session_); }

CK_OBJECT_HANDLE RawPkcs11Session::find(CK_OBJECT_CLASS object_class, const std::string& label) const {
    CK_ATTRIBUTE search[] = {{CKA_CLASS, &object_class, sizeof object_class},
                             {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
    CK_OBJECT_HANDLE objects[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
    CK_ULONG found = 0;
    BOOST_TEST_REQUIRE(p11_->C_FindObjectsInit(session_, search, 2) == CKR_OK);
    p11_->C_FindObjects(session_, objects, 2, &found);
    p11_->C_FindObjectsFinal(session_);
    BOOST_TEST_REQUIRE(found == 1u, "objects labelled " << label << ": " << found);
    return objects[0];
}

bool RawPkcs11Session::flag(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    CK_BBOOL value = CK_FALSE;
    CK_ATTRIBUTE query{type, &value, sizeof value};
    return p11_->C_GetAttributeValue(session_, object, &query, 1) == CKR_OK && value == CK_TRUE;
}

void RawPkcs11Session::generate_permissive_rsa_pair(const std::string& label) {
    CK_ULONG bits = 2048;
    CK_BYTE exponent[] = {0x01, 0x00, 0x01};
    CK_ATTRIBUTE public_template[] = {
        {CKA_TOKEN, &yes, 1}, {CKA_VERIFY, &yes, 1}, {CKA_ENCRYPT, &yes, 1}, {CKA_WRAP, &yes, 1},
        {CKA_MODULUS_BITS, &bits, sizeof bits}, {CKA_PUBLIC_EXPONENT, exponent, sizeof exponent},
        {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
    };
    CK_ATTRIBUTE private_template[] = {
        {CKA_TOKEN, &yes, 1}, {CKA_PRIVATE, &yes, 1}, {CKA_SENSITIVE, &yes, 1}, {CKA_SIGN, &yes, 1},
        {CKA_DECRYPT, &yes, 1}, {CKA_UNWRAP, &yes, 1}, {CKA_SIGN_RECOVER, &yes, 1},
        {CKA_LABEL, const_cast<char*>(label.data()), label.size()},
    };
    CK_MECHANISM mechanism{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE public_key, private_key;
    CK_RV rv = p11_->C_GenerateKeyPair(session_, &mechanism, public_template, std::size(public_template),
                                       private_template, std::size(private_template), &public_key, &private_key);
    BOOST_TEST_REQUIRE(rv == CKR_OK, "C_GenerateKeyPair: " << hsm::ckr_name(rv));
}

CK_RV RawPkcs11Session::decrypt_init(CK_OBJECT_HANDLE key) const {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    CK_RV rv = p11_->C_DecryptInit(session_, &mechanism, key);
    if (rv == CKR_OK) {
        // Ends the operation: a decryption of a too-short input fails and closes it.
        CK_BYTE in[1] = {0}, out[512];
        CK_ULONG out_size = sizeof out;
        p11_->C_Decrypt(session_, in, sizeof in, out, &out_size);
    }
    return rv;
}

CK_RV RawPkcs11Session::encrypt_init(CK_OBJECT_HANDLE key) const {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    CK_RV rv = p11_->C_EncryptInit(session_, &mechanism, key);
    if (rv == CKR_OK) {
        CK_BYTE in[1] = {0}, out[512];
        CK_ULONG out_size = sizeof out;
        p11_->C_Encrypt(session_, in, sizeof in, out, &out_size);
    }
    return rv;
}

CK_RV RawPkcs11Session::sign_recover_init(CK_OBJECT_HANDLE key) const {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    return p11_->C_SignRecoverInit(session_, &mechanism, key);
}

CK_RV RawPkcs11Session::unwrap(CK_OBJECT_HANDLE key, std::vector<uint8_t> wrapped) const {
    CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
    CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
    CK_KEY_TYPE aes = CKK_AES;
    CK_BBOOL no = CK_FALSE;
    CK_ATTRIBUTE secret_template[] = {{CKA_CLASS, &secret_class, sizeof secret_class},
                                      {CKA_KEY_TYPE, &aes, sizeof aes},
                                      {CKA_TOKEN, &no, 1},
                                      {CKA_DECRYPT, &yes, 1}};
    CK_OBJECT_HANDLE secret = CK_INVALID_HANDLE;
    CK_RV rv = p11_->C_UnwrapKey(session_, &mechanism, key, wrapped.data(), wrapped.size(), secret_template,
                                 std::size(secret_template), &secret);
    if (rv == CKR_OK) p11_->C_DestroyObject(session_, secret);
    return rv;
}

CK_RV RawPkcs11Session::derive(CK_OBJECT_HANDLE key, std::vector<uint8_t> peer_point) const {
    CK_ECDH1_DERIVE_PARAMS params{CKD_NULL, 0, nullptr, static_cast<CK_ULONG>(peer_point.size()), peer_point.data()};
    CK_MECHANISM mechanism{CKM_ECDH1_DERIVE, &params, sizeof params};
    CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
    CK_KEY_TYPE generic = CKK_GENERIC_SECRET;
    CK_ULONG length = 32;
    CK_BBOOL no = CK_FALSE;
    CK_ATTRIBUTE secret_template[] = {{CKA_CLASS, &secret_class, sizeof secret_class},
                                      {CKA_KEY_TYPE, &generic, sizeof generic},
                                      {CKA_VALUE_LEN, &length, sizeof length},
                                      {CKA_TOKEN, &no, 1}};
    CK_OBJECT_HANDLE secret = CK_INVALID_HANDLE;
    CK_RV rv = p11_->C_DeriveKey(session_, &mechanism, key, secret_template, std::size(secret_template), &secret);
    if (rv == CKR_OK) p11_->C_DestroyObject(session_, secret);
    return rv;
}

std::vector<uint8_t> rsa_encrypt_to(EVP_PKEY* public_key, const std::vector<uint8_t>& secret) {
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new(public_key, nullptr);
    BOOST_TEST_REQUIRE(context != nullptr);
    BOOST_TEST_REQUIRE(EVP_PKEY_encrypt_init(context) == 1);
    BOOST_TEST_REQUIRE(EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1);
    size_t size = 0;
    BOOST_TEST_REQUIRE(EVP_PKEY_encrypt(context, nullptr, &size, secret.data(), secret.size()) == 1);
    std::vector<uint8_t> out(size);
    BOOST_TEST_REQUIRE(EVP_PKEY_encrypt(context, out.data(), &size, secret.data(), secret.size()) == 1);
    out.resize(size);
    EVP_PKEY_CTX_free(context);
    return out;
}

}  // namespace sign::test
