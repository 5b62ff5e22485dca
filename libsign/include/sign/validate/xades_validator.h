#pragma once
// Validation of XAdES signatures (ETSI EN 319 132-1; plain XML-DSig too) by the same ETSI
// EN 319 102-1 process and into the same report as CAdES (docs/validation.md): format checks,
// signing certificate identification (xades:SigningCertificateV2 or SigningCertificate in the
// signed properties, the certificate from ds:KeyInfo, the signature's CertificateValues or the
// supplied pool), cryptographic verification with xmlsec1 (every ds:Reference, the signed
// properties among them, then the SignatureValue over the canonical ds:SignedInfo), signature
// acceptance under the policy, the SignatureTimeStamp over the canonicalised ds:SignatureValue as
// proof of existence, chain building, revocation (the signature's RevocationValues and the supplied
// data first, then online through the Fetcher) and validation with time.
//
// Every ds:Signature of the document is validated, enveloped (inside the signed document),
// enveloping (the signed data in a ds:Object) or detached (a Reference to another file, whose bytes
// or digest the caller gives). Hostile XML is a FORMAT_FAILURE report, never an exception: no DTD
// (so no entity expansion and no external entity), no network or file access, no XSLT or XPath
// transforms, bounded size, depth and counts, unique Ids, and every Reference must point at the
// document, this signature's ds:Object or its own signed properties (no signature wrapping).
//
//     sign::validate::ValidationOptions options;
//     options.trust.trust_anchors.push_back(root.copy());
//     auto report = sign::validate::validate_xades(xml, sign::validate::SignedContent::attached(), options);
//     std::cout << report.to_text();

#include <cstddef>
#include <cstdint>
#include <span>

#include "sign/validate/cms_validator.h"
#include "sign/validate/report.h"

namespace sign::validate {

/// Bounds on the XML itself, on top of ValidationOptions::input_limits (whose max_signature_bytes
/// bounds the document, max_signers the ds:Signature elements, max_certificates,
/// max_revocation_items and max_timestamps what each signature carries).
struct XmlLimits {
    int max_depth = 100;         ///< element nesting
    int max_references = 32;     ///< ds:Reference elements of one ds:SignedInfo
    std::size_t max_elements = 1'000'000;
};

/// The report for every ds:Signature of `xml`, in document order, ids "S1", "S2", ...; format
/// "XAdES" (level XAdES-BASELINE-B/-T/-LT/-LTA) or "XML-DSig" without qualifying properties.
/// `content` says what a detached Reference signs: SignedContent::attached() when everything
/// signed is in the XML (enveloped, enveloping), detached(bytes) or digest(name, value) for the
/// file a detached signature names. Malformed or hostile XML gives one TOTAL-FAILED FORMAT_FAILURE
/// entry; only a bug or exhausted memory throws.
ValidationReport validate_xades(std::span<const std::uint8_t> xml, const SignedContent& content,
                                const ValidationOptions& options, const XmlLimits& limits = {});

}  // namespace sign::validate
