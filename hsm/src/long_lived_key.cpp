// PrivateKey::long_lived_evp_pkey(): an OpenSSL key whose private operations are
// forwarded, one at a time, to PrivateKey::use(). OpenSSL 3 routes a key with its
// own RSA_METHOD or EC_KEY_METHOD through the legacy interface, the same way
// libp11's keys work; those interfaces are deprecated but are the only hook for
// a key held elsewhere without writing a provider.
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <mutex>

#include "sign/hsm/errors.h"
#include "sign/hsm/private_key.h"

namespace sign::hsm {

namespace {

void forget_handle(void*, void* handle, CRYPTO_EX_DATA*, int, long, void*) {
    delete static_cast<PrivateKey*>(handle);
}

int rsa_handle_index() {
    static const int index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, forget_handle);
    return index;
}

int ec_handle_index() {
    static const int index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, forget_handle);
    return index;
}

// OpenSSL calls these from C; a C++ exception must not cross it, so failures become -1 / null.
int rsa_private_operation(bool encrypt, int length, const unsigned char* from, unsigned char* to, RSA* rsa,
                          int padding) {
    auto* key = static_cast<const PrivateKey*>(RSA_get_ex_data(rsa, rsa_handle_index()));
    if (key == nullptr) return -1;
    int result = -1;
    try {
        key->use([&](EVP_PKEY* token_key) {
            RSA* token_rsa = const_cast<RSA*>(EVP_PKEY_get0_RSA(token_key));
            if (token_rsa == nullptr) return false;
            result = encrypt ? RSA_private_encrypt(length, from, to, token_rsa, padding)
                             : RSA_private_decrypt(length, from, to, token_rsa, padding);
            return result >= 0;
        });
    } catch (const std::exception&) {
        return -1;
    }
    return result;
}

int rsa_private_encrypt(int length, const unsigned char* from, unsigned char* to, RSA* rsa, int padding) {
    return rsa_private_operation(true, length, from, to, rsa, padding);
}

int rsa_private_decrypt(int length, const unsigned char* from, unsigned char* to, RSA* rsa, int padding) {
    return rsa_private_operation(false, length, from, to, rsa, padding);
}

RSA_METHOD* forwarding_rsa_method() {
    static RSA_METHOD* method = [] {
        RSA_METHOD* made = RSA_meth_dup(RSA_PKCS1_OpenSSL());
        if (made == nullptr) return made;
        RSA_meth_set1_name(made, "sign token key (forwarding)");
        RSA_meth_set_priv_enc(made, rsa_private_encrypt);
        RSA_meth_set_priv_dec(made, rsa_private_decrypt);
        return made;
    }();
    return method;
}

ECDSA_SIG* ec_sign_digest(const unsigned char* digest, int digest_length, const BIGNUM*, const BIGNUM*, EC_KEY* ec) {
    auto* key = static_cast<const PrivateKey*>(EC_KEY_get_ex_data(ec, ec_handle_index()));
    if (key == nullptr) return nullptr;
    ECDSA_SIG* signature = nullptr;
    try {
        key->use([&](EVP_PKEY* token_key) {
            EC_KEY* token_ec = const_cast<EC_KEY*>(EVP_PKEY_get0_EC_KEY(token_key));
            if (token_ec == nullptr) return false;
            signature = ECDSA_do_sign(digest, digest_length, token_ec);
            return signature != nullptr;
        });
    } catch (const std::exception&) {
        return nullptr;
    }
    return signature;
}

int ec_sign(int, const unsigned char* digest, int digest_length, unsigned char* out, unsigned int* out_length,
            const BIGNUM* kinv, const BIGNUM* r, EC_KEY* ec) {
    ECDSA_SIG* signature = ec_sign_digest(digest, digest_length, kinv, r, ec);
    if (signature == nullptr) return 0;
    unsigned char* cursor = out;
    int length = i2d_ECDSA_SIG(signature, &cursor);
    ECDSA_SIG_free(signature);
    if (length < 0) return 0;
    *out_length = static_cast<unsigned>(length);
    return 1;
}

EC_KEY_METHOD* forwarding_ec_method() {
    static EC_KEY_METHOD* method = [] {
        EC_KEY_METHOD* made = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
        if (made == nullptr) return made;
        // No sign_setup: the nonce is the token's business.
        EC_KEY_METHOD_set_sign(made, ec_sign, nullptr, ec_sign_digest);
        return made;
    }();
    return method;
}

[[noreturn]] void fail(const std::string& what) {
    throw TokenError("token_failure", "cannot make a long-lived OpenSSL key: " + what);
}

}  // namespace

EvpPkeyPtr PrivateKey::long_lived_evp_pkey() const {
    EvpPkeyPtr made(EVP_PKEY_new());
    if (!made) fail("out of memory");
    switch (EVP_PKEY_get_base_id(public_key_.get())) {
        case EVP_PKEY_RSA: {
            const RSA* public_rsa = EVP_PKEY_get0_RSA(public_key_.get());
            RSA* rsa = public_rsa ? RSAPublicKey_dup(public_rsa) : nullptr;
            if (rsa == nullptr || forwarding_rsa_method() == nullptr) fail("cannot copy the RSA public key");
            RSA_set_method(rsa, forwarding_rsa_method());
            RSA_set_ex_data(rsa, rsa_handle_index(), new PrivateKey(*this));
            if (EVP_PKEY_assign_RSA(made.get(), rsa) != 1) {
                RSA_free(rsa);
                fail("cannot wrap the RSA key");
            }
            break;
        }
        case EVP_PKEY_EC: {
            const EC_KEY* public_ec = EVP_PKEY_get0_EC_KEY(public_key_.get());
            EC_KEY* ec = public_ec ? EC_KEY_dup(public_ec) : nullptr;
            if (ec == nullptr || forwarding_ec_method() == nullptr) fail("cannot copy the EC public key");
            EC_KEY_set_method(ec, forwarding_ec_method());
            EC_KEY_set_ex_data(ec, ec_handle_index(), new PrivateKey(*this));
            if (EVP_PKEY_assign_EC_KEY(made.get(), ec) != 1) {
                EC_KEY_free(ec);
                fail("cannot wrap the EC key");
            }
            break;
        }
        default:
            throw MechanismUnsupported("only RSA and EC keys can back a long-lived OpenSSL key, not " + key_type());
    }
    return made;
}

}  // namespace sign::hsm
