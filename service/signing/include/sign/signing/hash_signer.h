#pragma once
// Raw signatures over hashes a remote client computed (CSC signatures/signHash):
// the signer's certificate is checked first (validity, revocation, key policy),
// then each hash is signed with the scheme the signAlgo OID names.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sign/signer.h"
#include "sign/signing/signer_directory.h"
#include "sign/store/signer_store.h"

namespace sign::signing {

/// What a credential signs with, for CSC credentials/info.
struct CredentialKey {
    std::string algorithm_oid;  ///< rsaEncryption 1.2.840.113549.1.1.1 or id-ecPublicKey 1.2.840.10045.2.1
    int bits = 0;               ///< 2048, 256, ...
    std::optional<std::string> curve_oid;
    std::vector<std::string> sign_algorithms;  ///< the signAlgo OIDs it accepts
    std::vector<std::string> chain_pem;        ///< its certificate, then the issuing CA, then the root
};

/// A checked signHash request: who signs, with which scheme and digest.
struct HashSigning {
    Signer signer;
    std::string key_type;  ///< "rsa-2048", "ec-p256", ... for metrics
};

class HashSigner {
public:
    /// `signers` is borrowed and must outlive this.
    explicit HashSigner(const SignerDirectory& signers) : signers_(signers) {}

    /// The key and chain of a signer.
    CredentialKey describe(const store::SignerRecord& signer) const;

    /// Checks a signHash request before anything is spent on it, and returns what will sign it.
    /// `sign_algo` is one of: 1.2.840.113549.1.1.1 (RSA PKCS#1 v1.5, with `hash_algo` naming the
    /// digest), 1.2.840.113549.1.1.11/12/13 (sha256/384/512WithRSA), 1.2.840.113549.1.1.10
    /// (RSASSA-PSS; `pss_params_der` the DER RSASSA-PSS-params, or `hash_algo`'s defaults with salt =
    /// digest length), 1.2.840.10045.4.3.2/3/4 (ecdsa-with-SHA256/384/512), 1.2.840.10045.2.1 (ECDSA,
    /// digest from `hash_algo`). Each hash must have the digest's length. Throws invalid_input
    /// `unsupported_sign_algo`, `sign_algo_key_mismatch`, `hash_algo_missing`, `hash_algo_mismatch`,
    /// `invalid_pss_params`, `unsupported_pss_params`, `invalid_hash_length`, and check_signer's policy
    /// errors (expired or revoked certificate, weak digest) at `now`.
    HashSigning prepare(const store::SignerRecord& signer, const std::vector<std::vector<uint8_t>>& hashes,
                        const std::string& sign_algo, const std::optional<std::string>& hash_algo,
                        const std::optional<std::vector<uint8_t>>& pss_params_der,
                        std::chrono::system_clock::time_point now) const;

    /// Signs each hash on the token as prepare() settled; ECDSA signatures are DER.
    std::vector<std::vector<uint8_t>> sign(const HashSigning& signing, const std::vector<std::vector<uint8_t>>& hashes) const;

private:
    const SignerDirectory& signers_;
};

}  // namespace sign::signing
