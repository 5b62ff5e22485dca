#pragma once
// Direct PKCS#11 calls on a token, bypassing the project's own code, so tests can see what the
// token itself allows a key to do and can create keys the way older versions did.

#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "sign/hsm/token.h"

namespace sign::test {

/// A read/write session of its own on `token`'s slot; shares the token's login.
class RawPkcs11Session {
public:
    explicit RawPkcs11Session(const hsm::Token& token);
    ~RawPkcs11Session();
    RawPkcs11Session(const RawPkcs11Session&) = delete;
    RawPkcs11Session& operator=(const RawPkcs11Session&) = delete;

    CK_FUNCTION_LIST* p11() const { return p11_; }
    CK_SESSION_HANDLE handle() const { return session_; }

    /// The one object of `object_class` labelled `label`; fails the test otherwise.
    CK_OBJECT_HANDLE find(CK_OBJECT_CLASS object_class, const std::string& label) const;
    /// A boolean attribute as the token reports it (false when the key type lacks it).
    bool flag(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

    /// Generates an RSA-2048 pair with the template older releases used: only CKA_SIGN and
    /// CKA_VERIFY given, the token's defaults for the rest, plus CKA_DECRYPT, CKA_UNWRAP and
    /// CKA_SIGN_RECOVER (and CKA_ENCRYPT, CKA_WRAP on the public half) set true explicitly so
    /// the test does not depend on those defaults.
    void generate_permissive_rsa_pair(const std::string& label);

    /// C_DecryptInit with CKM_RSA_PKCS on `key` (then cancelled when it succeeded).
    CK_RV decrypt_init(CK_OBJECT_HANDLE key) const;
    /// C_EncryptInit with CKM_RSA_PKCS on `key` (then cancelled when it succeeded).
    CK_RV encrypt_init(CK_OBJECT_HANDLE key) const;
    /// C_SignRecoverInit with CKM_RSA_PKCS on `key`.
    CK_RV sign_recover_init(CK_OBJECT_HANDLE key) const;
    /// C_UnwrapKey with CKM_RSA_PKCS: `wrapped` unwrapped by `key` into a session AES key.
    CK_RV unwrap(CK_OBJECT_HANDLE key, std::vector<uint8_t> wrapped) const;
    /// C_DeriveKey with CKM_ECDH1_DERIVE on the EC private `key` against `peer_point` (DER or raw).
    CK_RV derive(CK_OBJECT_HANDLE key, std::vector<uint8_t> peer_point) const;

private:
    CK_FUNCTION_LIST* p11_;
    CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

/// `secret` encrypted to `public_key` with RSA PKCS#1 v1.5, as a sender wrapping a key would.
std::vector<uint8_t> rsa_encrypt_to(EVP_PKEY* public_key, const std::vector<uint8_t>& secret);

}  // namespace sign::test
