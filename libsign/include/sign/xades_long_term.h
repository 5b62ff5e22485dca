#pragma once
// XAdES B-LT and B-LTA (ETSI EN 319 132-1 5.5, 6.3) around XAdES signatures at B-T, ours or
// anyone's, in the unsigned signature properties:
//
//  - B-LT: xades:CertificateValues (EncapsulatedX509Certificate) and xades:RevocationValues
//    (CRLValues/EncapsulatedCRLValue, OCSPValues/EncapsulatedOCSPValue) with the validation data of
//    every chain involved, gathered by sign/validate/validation_data_collector.h after the
//    signature time-stamp.
//  - B-LTA: then an xadesv141:ArchiveTimeStamp (exclusive C14N) over the signature, its validation
//    data and what it signs (sign/src/xml/xades_archive.h), so a detached signature needs its file.
//
// Run again on a B-LTA signature, the data of the last archive time-stamp goes into a new
// xadesv141:TimeStampValidationData after it (the earlier values are covered and stay as they are)
// and a fresh archive time-stamp follows. Nothing signed changes: `xmlsec1 --verify` still verifies.
//
//     auto lta = sign::extend_xades(signed_xml, sign::validate::SignedContent::attached(),
//                                   sign::SignatureLevel::b_lta, sources, &tsa);
//
// sign_xades() with XadesOptions::level b_lt or b_lta signs at B-T and extends the result.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sign/signature_level.h"
#include "sign/timestamp_source.h"
#include "sign/validate/cms_validator.h"
#include "sign/validate/validation_data_collector.h"

namespace sign {

/// What extend_xades() added, over every signature of the document.
struct XadesExtension {
    std::size_t certificates = 0, ocsp_responses = 0, crls = 0;  ///< new items (those already inside are skipped)
    std::size_t archive_timestamps = 0;                          ///< one per XAdES signature, for b_lta
};

/// Returns `document` (XML with one or more XAdES signatures, each with a SignatureTimeStamp) with
/// every XAdES signature at `level` (b_lt or b_lta). `content` gives a detached signature's file
/// (detached(bytes)) for b_lta's archive time-stamp; attached() when everything signed is in the
/// XML. `tsa` is required for b_lta. Throws invalid_input `unsupported_signature_level`,
/// `timestamp_source_missing`, `not_xml` (and what xml parsing refuses), `no_signature`,
/// `signature_unreadable`, `signature_timestamp_missing` (not B-T), `signed_data_not_found` (b_lta
/// of a detached signature without its file), `content_mismatch`; policy `validation_data_incomplete`;
/// and the TimestampSource's errors.
std::vector<std::uint8_t> extend_xades(std::span<const std::uint8_t> document, const validate::SignedContent& content,
                                       SignatureLevel level, const validate::CollectionSources& sources, TimestampSource* tsa,
                                       XadesExtension* done = nullptr);

}  // namespace sign
