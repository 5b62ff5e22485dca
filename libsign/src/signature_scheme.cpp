#include "sign/signature_scheme.h"

#include <mutex>
#include <utility>

#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "sign/error.h"
#include "sign/key_policy.h"

namespace sign {

void check_scheme_fits_key(const EVP_PKEY* key, SignatureScheme scheme) {
    bool rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
    if (rsa != (scheme != SignatureScheme::ecdsa))
        throw Error(ErrorKind::invalid_input, "scheme_key_mismatch",
                    to_string(scheme) + " cannot be used with " + (rsa ? "an RSA key" : "an EC key"));
}

SignatureScheme parse_signature_scheme(std::string_view name) {
    if (name == "rsa-pkcs1") return SignatureScheme::rsa_pkcs1v15;
    if (name == "rsa-pss") return SignatureScheme::rsa_pss;
    if (name == "ecdsa") return SignatureScheme::ecdsa;
    throw Error(ErrorKind::invalid_input, "unknown_signature_scheme",
                "unknown signature scheme '" + std::string(name) + "': use rsa-pkcs1, rsa-pss or ecdsa");
}

std::string to_string(SignatureScheme scheme) {
    switch (scheme) {
    case SignatureScheme::rsa_pkcs1v15: return "rsa-pkcs1";
    case SignatureScheme::rsa_pss: return "rsa-pss";
    case SignatureScheme::ecdsa: return "ecdsa";
    }
    return "unknown";
}

SignatureScheme default_scheme_for(const EVP_PKEY* public_key) {
    return EVP_PKEY_get_base_id(public_key) == EVP_PKEY_RSA ? SignatureScheme::rsa_pss : SignatureScheme::ecdsa;
}

void configure_padding(EVP_PKEY_CTX* context, SignatureScheme scheme, const EVP_MD* digest) {
    if (scheme == SignatureScheme::ecdsa) return;
    if (scheme == SignatureScheme::rsa_pkcs1v15) {
        if (EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) <= 0)
            throw Error(ErrorKind::internal, "openssl_failure", "cannot select PKCS#1 v1.5 padding: " + drain_openssl_errors());
        return;
    }
    if (EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(context, digest) <= 0 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) <= 0)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot select RSA-PSS padding: " + drain_openssl_errors());
}

std::vector<uint8_t> sign_data(const SigningKey& key, SignatureScheme scheme, std::string_view digest_name,
                               std::span<const uint8_t> data) {
    const EVP_MD* digest = check_digest(digest_name);
    std::vector<uint8_t> hash(static_cast<size_t>(EVP_MD_get_size(digest)));
    unsigned length = 0;
    if (EVP_Digest(data.data(), data.size(), hash.data(), &length, digest, nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "hashing failed: " + drain_openssl_errors());
    return sign_digest(key, scheme, digest_name, hash);
}

std::vector<uint8_t> sign_digest(const SigningKey& key, SignatureScheme scheme, std::string_view digest_name,
                                 std::span<const uint8_t> hash) {
    const EVP_MD* digest = check_digest(digest_name);
    EvpPkeyPtr public_key = key.public_key();
    check_key(public_key.get());
    check_scheme_fits_key(public_key.get(), scheme);
    if (hash.size() != static_cast<size_t>(EVP_MD_get_size(digest)))
        throw Error(ErrorKind::invalid_input, "digest_length_mismatch",
                    "a " + std::string(digest_name) + " digest is " + std::to_string(EVP_MD_get_size(digest)) +
                        " bytes, not " + std::to_string(hash.size()));

    std::vector<uint8_t> signature;
    key.use([&](EVP_PKEY* token_key) {
        // A fresh context per attempt: a failed attempt may leave the old one unusable.
        EvpPkeyCtxPtr context(EVP_PKEY_CTX_new(token_key, nullptr));
        if (!context || EVP_PKEY_sign_init(context.get()) <= 0 ||
            EVP_PKEY_CTX_set_signature_md(context.get(), digest) <= 0)
            return false;
        configure_padding(context.get(), scheme, digest);
        // EVP_PKEY_get_size is the largest signature the key makes; no size query round trip needed.
        size_t length = static_cast<size_t>(EVP_PKEY_get_size(token_key));
        signature.resize(length);
        if (EVP_PKEY_sign(context.get(), signature.data(), &length, hash.data(), hash.size()) <= 0) return false;
        signature.resize(length);
        return true;
    });
    return signature;
}

bool verify_data(EVP_PKEY* public_key, SignatureScheme scheme, std::string_view digest_name,
                 std::span<const uint8_t> data, std::span<const uint8_t> signature) {
    const EVP_MD* digest = check_digest(digest_name);
    check_scheme_fits_key(public_key, scheme);
    EvpMdCtxPtr context(EVP_MD_CTX_new());
    EVP_PKEY_CTX* key_context = nullptr;
    if (EVP_DigestVerifyInit(context.get(), &key_context, digest, nullptr, public_key) != 1) return false;
    configure_padding(key_context, scheme, digest);
    return EVP_DigestVerify(context.get(), signature.data(), signature.size(), data.data(), data.size()) == 1;
}

// OpenSSL 3.0 knows the ecdsa-with-SHA3-* OIDs (NIST CSOR 2.16.840.1.101.3.4.3.10-12) but not
// which digest and key they pair, so CMS_add1_signer cannot name the signature algorithm of an
// EC key with a SHA-3 digest. Teaching it the pairs once is what later OpenSSL releases ship.
void register_ecdsa_sha3_algorithms() {
    static std::once_flag once;
    std::call_once(once, [] {
        const std::pair<int, int> pairs[] = {{NID_ecdsa_with_SHA3_256, NID_sha3_256},
                                             {NID_ecdsa_with_SHA3_384, NID_sha3_384},
                                             {NID_ecdsa_with_SHA3_512, NID_sha3_512}};
        for (auto [signature, digest] : pairs) {
            int known = NID_undef;
            if (OBJ_find_sigid_by_algs(&known, digest, NID_X9_62_id_ecPublicKey)) continue;
            if (!OBJ_add_sigid(signature, digest, NID_X9_62_id_ecPublicKey))
                throw Error(ErrorKind::internal, "openssl_failure", "cannot register the ECDSA with SHA-3 signature algorithms");
        }
    });
}

}  // namespace sign
