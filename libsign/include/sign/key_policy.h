#pragma once
// The algorithm policy of Circular 15/2025 (and common sense): which keys and
// digests the city's CA and signers accept. Every issuance and every request
// goes through these checks before anything is signed.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace sign {

/// Accepts RSA of at least 2048 bits and EC on P-256, P-384 or P-521; throws policy `weak_key`
/// for anything smaller and policy `unsupported_key` for other algorithms (DSA, Ed25519, ...).
void check_key(const EVP_PKEY* public_key);

/// Returns the digest for sha256/384/512 or sha3-256/384/512 (any case, with or without '-');
/// throws policy `weak_digest` for SHA-1, MD5, SHA-224 and policy `unsupported_digest` otherwise.
const EVP_MD* check_digest(std::string_view name);

/// The name ("sha256", "sha3-384", ...) of the digest a dotted OID names, when it is one check_digest
/// accepts (SHA-256/384/512, SHA3-256/384/512); nullopt for any other OID. For remote hashes
/// (CSC hashAlgorithmOID, RSASSA-PSS parameters, time-stamp requests).
std::optional<std::string> accepted_digest_for_oid(std::string_view oid);
/// The length in bytes of the digest accepted_digest_for_oid() names, or 0 for any other OID.
std::size_t accepted_digest_length(std::string_view oid);

/// Checks the digest inside a signature AlgorithmIdentifier (PKCS#1 v1.5, RSA-PSS or ECDSA),
/// e.g. of a CSR, with the same rules as check_digest.
void check_signature_algorithm(const X509_ALGOR* algorithm);

}  // namespace sign
