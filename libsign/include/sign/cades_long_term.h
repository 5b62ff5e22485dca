#pragma once
// CAdES B-LT and B-LTA (ETSI EN 319 122-1 5.5, 6.3) around a CMS signature at B-T, ours or anyone's:
//
//  - B-LT: the validation data of every chain involved (the signer's, the signature time-stamp's
//    TSA, the OCSP responders'), gathered by sign/validate/validation_data_collector.h after the
//    signature time-stamp, goes into the SignedData itself: certificates into `certificates`, CRLs
//    into `crls`, OCSP responses into `crls` as id-ri-ocsp-response OtherRevocationInfoFormat
//    (RFC 5940).
//  - B-LTA: then an archive-time-stamp-v3 unsigned attribute, whose token carries an
//    ats-hash-index-v3 (EN 319 122-1 5.5.2, 5.5.3). Its imprint covers the content, so a detached
//    signature needs its document (or the document's SHA-256).
//
// Run again on a B-LTA signature, it gathers the data of the last archive time-stamp's TSA and adds
// a fresh archive time-stamp over everything. The signed attributes and signature value stay
// byte for byte as they were: `openssl cms -verify` still verifies the result.
//
//     sign::validate::CollectionSources sources;  // trust anchors, local CRLs, responder, Fetcher
//     auto lta = sign::extend_cades(p7s, sign::validate::SignedContent::detached(document),
//                                   sign::SignatureLevel::b_lta, sources, &tsa);
//
// sign_cades() with CadesOptions::level b_lt or b_lta signs at B-T and extends the result.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sign/signature_level.h"
#include "sign/timestamp_source.h"
#include "sign/validate/cms_validator.h"
#include "sign/validate/validation_data_collector.h"

namespace sign {

/// What extend_cades() added.
struct CadesExtension {
    std::size_t certificates = 0, ocsp_responses = 0, crls = 0;  ///< new items (those already inside are skipped)
    std::size_t archive_timestamps = 0;                          ///< archive-time-stamp-v3 attributes added (one per signer)
};

/// Returns `signature` (a DER CMS SignedData with a signature time-stamp on every signer) at
/// `level` (b_lt or b_lta). `content` is what the signature signs: attached() when it is inside,
/// detached(document) or digest("sha256", ...) otherwise; for b_lta the content's SHA-256 goes into
/// the archive time-stamp, so a document that does not match the message-digest is refused.
/// `tsa` is required for b_lta. Throws invalid_input `unsupported_signature_level` (b_b, b_t),
/// `timestamp_source_missing`, `signature_unreadable` (not a SignedData), `signature_not_der`
/// (BER that re-encoding would change), `signature_timestamp_missing` (not B-T), `signed_data_not_found`
/// (b_lta of a detached signature without its content), `content_mismatch`; policy
/// `validation_data_incomplete` naming what could not be found; and the TimestampSource's errors.
std::vector<std::uint8_t> extend_cades(std::span<const std::uint8_t> signature, const validate::SignedContent& content,
                                       SignatureLevel level, const validate::CollectionSources& sources, TimestampSource* tsa,
                                       CadesExtension* done = nullptr);

}  // namespace sign
