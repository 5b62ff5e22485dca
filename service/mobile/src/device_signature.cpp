#include "sign/mobile/device_signature.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sign/openssl_ptr.h"

namespace sign::mobile {

bool verify_device_signature(std::span<const std::uint8_t> public_key_spki, std::string_view text,
                             std::span<const std::uint8_t> signature) {
    if (signature.size() != 64) return false;
    const unsigned char* cursor = public_key_spki.data();
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(public_key_spki.size())));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC || EVP_PKEY_get_bits(key.get()) != 256) return false;

    // OpenSSL verifies DER ECDSA-Sig-Value; WebCrypto gives r‖s.
    ECDSA_SIG* sig = ECDSA_SIG_new();
    if (!sig) return false;
    BIGNUM* r = BN_bin2bn(signature.data(), 32, nullptr);
    BIGNUM* s = BN_bin2bn(signature.data() + 32, 32, nullptr);
    if (!r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return false;
    }
    unsigned char* der = nullptr;
    int der_length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (der_length <= 0) return false;

    EVP_MD_CTX* context = EVP_MD_CTX_new();
    bool valid = context && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                 EVP_DigestVerify(context, der, static_cast<size_t>(der_length),
                                  reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1;
    EVP_MD_CTX_free(context);
    OPENSSL_free(der);
    return valid;
}

}  // namespace sign::mobile

namespace sign::mobile {

std::string device_auth_text(const std::string& device_id, const std::string& unix_millis, const std::string& method,
                             const std::string& target) {
    return "signd-device-auth-v1\n" + device_id + "\n" + unix_millis + "\n" + method + "\n" + target + "\n";
}

}  // namespace sign::mobile
