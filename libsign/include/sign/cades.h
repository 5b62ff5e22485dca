#pragma once
// CAdES baseline signatures (ETSI EN 319 122-1): CMS SignedData, detached or
// enveloping, at level B-B or B-T; the one-shot calls also make B-LT and B-LTA
// (B-T, then sign/cades_long_term.h's extend_cades()).
//
// Signed attributes: content-type (id-data), message-digest, signing-time
// (optional: PAdES must leave it out, ETSI EN 319 142-1 5.4) and
// signing-certificate-v2 (ESSCertIDv2: SHA-256 of the signer's certificate with
// issuerSerial). Certificates: the signer's and its chain, never a self-signed
// root. B-T adds the signature-time-stamp unsigned attribute, an RFC 3161 token
// over the SignatureValue.
//
// Two ways to sign, with byte-identical results for the same signature value
// and signing time:
//   - one-shot, sign_cades()/sign_cades_digest(), when the key is at hand;
//   - hash-split, prepare_cades()/prepare_cades_digest() then finalize_cades(),
//     when the signature value is made elsewhere (CSC signHash, phone approval).
//
// Example, PAdES: a detached CMS over a ByteRange digest the caller computed,
// without signing-time, at B-T:
//
//     sign::CadesOptions options{.detached = true, .level = sign::SignatureLevel::b_t,
//                                .signing_time_attribute = false, .registry = &store};
//     std::vector<uint8_t> cms = sign::sign_cades_digest(signer, byte_range_sha256, options, clock, &tsa);
//
// or, hash-split:
//
//     sign::PreparedSignature prepared = sign::prepare_cades_digest(signer, byte_range_sha256, options, clock.now());
//     // ... store prepared, get signature = sign_digest(key, prepared.scheme, prepared.digest_name, prepared.digest)
//     std::vector<uint8_t> cms = sign::finalize_cades(prepared, signature, &tsa);

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "sign/certificate_registry.h"
#include "sign/clock.h"
#include "sign/prepared_signature.h"
#include "sign/signature_level.h"
#include "sign/signer.h"
#include "sign/timestamp_source.h"
#include "sign/validate/validation_data_collector.h"

namespace sign {

struct CadesOptions {
    bool detached = true;                          ///< false: the content travels inside the CMS (enveloping)
    /// b_t needs a TimestampSource; b_lt and b_lta (sign_cades() and sign_cades_digest() only) also
    /// need `validation_sources`: the signer's status is checked before signing
    /// (require_signer_in_good_standing), then the B-T signature is extended (extend_cades()).
    SignatureLevel level = SignatureLevel::b_b;
    bool signing_time_attribute = true;            ///< PAdES turns it off; the signing time then lives in the PDF
    const CertificateRegistry* registry = nullptr; ///< our CA database, to refuse revoked signers; null for foreign certificates
    /// Where B-LT and B-LTA find certificates and revocation data (borrowed).
    const validate::CollectionSources* validation_sources = nullptr;
};

/// Signs `content` in one go: checks the signer (signer_checks.h) at `clock.now()` before the key
/// is used, signs on the token and, for B-T, time-stamps the signature with `tsa`. Returns the DER
/// ContentInfo. Throws invalid_input `timestamp_source_missing` for B-T and above without `tsa`,
/// `validation_sources_missing` for B-LT and B-LTA without them, and what
/// require_signer_in_good_standing() and extend_cades() throw.
std::vector<std::uint8_t> sign_cades(const Signer& signer, std::span<const std::uint8_t> content,
                                     const CadesOptions& options, const Clock& clock, TimestampSource* tsa);

/// As sign_cades(), detached only, for a content digest computed by the caller with `signer.digest`
/// (PAdES hashes the PDF's ByteRange itself). Throws invalid_input `enveloping_needs_content` when
/// options ask for enveloping, `digest_length_mismatch` when the digest has the wrong size. At
/// B-LTA the archive time-stamp covers the document's SHA-256, so `signer.digest` must be sha256
/// (invalid_input `digest_algorithm_mismatch`); sign_cades() has no such limit.
std::vector<std::uint8_t> sign_cades_digest(const Signer& signer, std::span<const std::uint8_t> content_digest,
                                            const CadesOptions& options, const Clock& clock, TimestampSource* tsa);

/// First half of the hash-split: checks the signer at `signing_time` and builds everything but the
/// signature value. The result's `digest` is what the key must sign (sign_digest() input); its
/// `state` holds the unsigned CMS (content included when enveloping) and needs nothing else later.
PreparedSignature prepare_cades(const Signer& signer, std::span<const std::uint8_t> content,
                                const CadesOptions& options, std::chrono::system_clock::time_point signing_time);

/// prepare_cades() for a detached signature over a content digest made with `signer.digest`.
PreparedSignature prepare_cades_digest(const Signer& signer, std::span<const std::uint8_t> content_digest,
                                       const CadesOptions& options, std::chrono::system_clock::time_point signing_time);

/// Second half: checks that `signature_value` (in sign_digest()'s form, DER for ECDSA) verifies with
/// the signer's certificate over the prepared attributes, puts it in, time-stamps it when the level
/// is B-T, and returns the DER ContentInfo. Throws invalid_input `bad_prepared_state`,
/// `signature_mismatch`, `timestamp_source_missing`, or the TimestampSource's error.
std::vector<std::uint8_t> finalize_cades(const PreparedSignature& prepared, std::span<const std::uint8_t> signature_value,
                                         TimestampSource* tsa);

}  // namespace sign
