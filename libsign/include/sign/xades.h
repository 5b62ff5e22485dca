#pragma once
// XAdES baseline signatures (ETSI EN 319 132-1), levels B-B and B-T (B-LT and B-LTA through
// sign_xades(), which extends with sign/xades_long_term.h), over XML-DSig
// with exclusive C14N and SHA-2:
//
//  - enveloped: the ds:Signature goes inside the signed XML document, as the last child of its
//    root element; its Reference URI="" carries the enveloped-signature and exclusive C14N
//    transforms, so the signature covers the whole document except itself and, as XML-DSig
//    defines URI="", except comments.
//    A document that already carries a ds:Signature is refused (`document_already_signed`): the
//    earlier signature's enveloped-signature transform would then cover ours and break.
//  - detached: the output is a signature document of its own (root ds:Signature) whose Reference
//    names an external file by `detached_uri` and carries the digest of its bytes, which may be
//    anything (a PDF, an image, an XML file taken byte for byte).
//
// Both carry xades:SignedProperties (SigningTime, SigningCertificateV2, DataObjectFormat), the
// signer's certificate and chain in KeyInfo, and for B-T a SignatureTimeStamp over the
// canonicalised ds:SignatureValue. Signature methods: rsa-sha256/384/512 (Signer::scheme
// rsa-pkcs1) and ecdsa-sha256/384/512 (Signer::scheme ecdsa); RSA-PSS is refused because XML-DSig
// verifiers in use (xmlsec1 1.2) cannot check it.
//
// XML input is parsed without network access and without entity substitution, and a document
// with a DTD is refused (no XXE, no entity expansion); non-XML input is refused with
// invalid_input `not_xml`. Output is UTF-8.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sign/certificate_registry.h"
#include "sign/clock.h"
#include "sign/prepared_signature.h"
#include "sign/signature_level.h"
#include "sign/signer.h"
#include "sign/timestamp_source.h"
#include "sign/validate/validation_data_collector.h"

namespace sign {

enum class XadesPackaging {
    enveloped,  ///< the signature inside the signed XML document
    detached,   ///< a separate signature document pointing at the signed file
};

struct XadesOptions {
    XadesPackaging packaging = XadesPackaging::enveloped;
    SignatureLevel level = SignatureLevel::b_b;
    /// Detached only, required: the Reference URI naming the signed file, usually its file name
    /// ("application-form.pdf"); a verifier resolves it next to the signature document. An RFC 3986
    /// URI reference: spaces and non-ASCII letters percent-encoded, else invalid_input `invalid_detached_uri`.
    std::string detached_uri;
    /// The xades:DataObjectFormat MimeType; empty means "text/xml" when enveloped,
    /// "application/octet-stream" when detached.
    std::string mime_type;
    /// The Id of ds:Signature (other Ids derive from it). Empty: derived from the signed content,
    /// signing time and certificate, so preparing twice gives the same bytes.
    std::string signature_id;
    /// Our CA database, to refuse a revoked signer (signer_checks.h); null for foreign certificates.
    const CertificateRegistry* registry = nullptr;
    /// For b_lt and b_lta (sign_xades() only): where the validation data is found (borrowed). The
    /// signer's status is checked before signing (require_signer_in_good_standing), then the B-T
    /// signature is extended (extend_xades()).
    const validate::CollectionSources* validation_sources = nullptr;
};

/// First half of the hash-split: builds the ds:Signature without its SignatureValue and returns
/// the digest of the canonicalised ds:SignedInfo that the signer's key must sign (with
/// `signer.scheme` and `signer.digest`). `signing_time` becomes xades:SigningTime (whole seconds, UTC).
/// Runs check_signer (signer_checks.h) at `signing_time` first, so a refused signer never reaches
/// the key. Throws invalid_input for non-XML or DTD-carrying input, an already signed document
/// (enveloped), a missing detached URI or an RSA-PSS scheme, and what check_signer throws (weak keys and digests, a certificate that does
/// not match the key, is not valid at the signing time or is revoked in `registry`).
PreparedSignature prepare_xades(const Signer& signer, std::span<const uint8_t> document, const XadesOptions& options,
                                std::chrono::system_clock::time_point signing_time);

/// The same, with the signing time taken from `clock`.
PreparedSignature prepare_xades(const Signer& signer, std::span<const uint8_t> document, const XadesOptions& options,
                                const Clock& clock);

/// Second half: checks `signature_value` (as sign_digest() returns it: PKCS#1 v1.5 bytes, or DER
/// ECDSA) against the prepared SignedInfo and the signer's certificate, inserts it (ECDSA as
/// XML-DSig's raw r||s) and, for B-T, the time-stamp from `timestamps` (required for B-T, unused
/// for B-B). Returns the signed document (enveloped) or the signature document (detached).
/// Throws invalid_input `signature_value_mismatch` when the value does not verify.
std::vector<uint8_t> finalize_xades(const PreparedSignature& prepared, std::span<const uint8_t> signature_value,
                                    TimestampSource* timestamps);

/// One-shot: prepare_xades + sign_digest with the signer's key + finalize_xades. Given the same
/// signature value and signing time, its output is byte-identical to the split path. For b_lt and
/// b_lta, also invalid_input `validation_sources_missing`, and what require_signer_in_good_standing()
/// and extend_xades() throw. prepare_xades() refuses b_lt and b_lta (`unsupported_signature_level`).
std::vector<uint8_t> sign_xades(const Signer& signer, std::span<const uint8_t> document, const XadesOptions& options,
                                const Clock& clock, TimestampSource* timestamps);

}  // namespace sign
