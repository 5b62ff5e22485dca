#pragma once
// The signature algorithms a signer may use (Circular 15/2025: RSA PKCS#1 v1.5,
// RSA-PSS, ECDSA with SHA-2 or SHA-3), and the one place that drives OpenSSL to
// make or check such a signature with a key that may live on a token.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include "sign/signing_key.h"

namespace sign {

enum class SignatureScheme {
    rsa_pkcs1v15,
    rsa_pss,  ///< MGF1 with the same digest, salt as long as the digest
    ecdsa,    ///< DER-encoded (r, s), as X.509 and CMS carry it
};

/// Parses "rsa-pkcs1", "rsa-pss" or "ecdsa"; throws invalid_input otherwise.
SignatureScheme parse_signature_scheme(std::string_view name);
/// The name parse_signature_scheme() accepts.
std::string to_string(SignatureScheme scheme);
/// The natural scheme for a key: RSA-PSS for RSA (what Circular 15 expects), ECDSA for EC.
SignatureScheme default_scheme_for(const EVP_PKEY* public_key);

/// Throws invalid_input `scheme_key_mismatch` when `scheme` cannot be used with the key
/// (ECDSA with RSA, an RSA scheme with EC).
void check_scheme_fits_key(const EVP_PKEY* public_key, SignatureScheme scheme);

/// Applies the scheme's padding parameters to a signing or verifying context.
void configure_padding(EVP_PKEY_CTX* context, SignatureScheme scheme, const EVP_MD* digest);

/// Hashes `data` with `digest` and signs it with `key`. Digest and key are checked against policy first.
std::vector<uint8_t> sign_data(const SigningKey& key, SignatureScheme scheme, std::string_view digest,
                               std::span<const uint8_t> data);

/// Signs a digest computed elsewhere (remote signing); its length must match `digest`.
std::vector<uint8_t> sign_digest(const SigningKey& key, SignatureScheme scheme, std::string_view digest,
                                 std::span<const uint8_t> hash);

/// Teaches OpenSSL 3.0 which digest and key the ecdsa-with-SHA3-* OIDs pair (later releases know),
/// so CMS can name and check ECDSA signatures with SHA-3. Idempotent and thread-safe.
void register_ecdsa_sha3_algorithms();

/// True when `signature` over `data` verifies with `public_key` in the given scheme.
bool verify_data(EVP_PKEY* public_key, SignatureScheme scheme, std::string_view digest,
                 std::span<const uint8_t> data, std::span<const uint8_t> signature);

}  // namespace sign
