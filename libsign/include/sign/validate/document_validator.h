#pragma once
// One entry point for any signed file a relying party receives: the format is
// told from the bytes (a PDF, a CMS SignedData in DER or PEM, an XML document)
// and the file goes to the validator of that format. What the content of a
// CMS is comes with it: inside (.p7m), a detached document (.p7s), or only the
// document's digest (hash-only, so a document system need not send the
// document). Bytes that are no signature at all, or that break a format, give
// a TOTAL-FAILED/FORMAT_FAILURE report, never an exception.
//
//     sign::validate::DocumentInput input;
//     input.signed_file = p7s;
//     input.detached_document = document;
//     auto report = sign::validate::validate_document(input, options);

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sign/validate/cms_validator.h"
#include "sign/validate/pdf_signatures.h"
#include "sign/validate/report.h"

namespace sign::validate {

enum class DocumentFormat {
    pdf,      ///< "%PDF-" within the first 1024 bytes (ISO 32000-2 7.5.2)
    cms,      ///< a DER SEQUENCE, or PEM armour "CMS" / "PKCS7"
    xml,      ///< '<' after an optional byte-order mark and white space
    unknown,  ///< none of these
};

/// "pdf", "cms", "xml", "unknown".
std::string to_string(DocumentFormat format);

/// The format the bytes are in, from their first bytes only (nothing is parsed).
DocumentFormat detect_format(std::span<const std::uint8_t> bytes);

/// The document's digest, for a hash-only CMS validation.
struct DocumentDigest {
    std::string algorithm;             ///< "sha256", "sha3-256", ... (the signer's digest)
    std::vector<std::uint8_t> value;
};

/// What the relying party holds. The spans are borrowed for the call.
struct DocumentInput {
    /// The signed file: a PDF, a .p7s/.p7m, or an XML document.
    std::span<const std::uint8_t> signed_file;
    /// A detached CMS or XAdES signature's document.
    std::optional<std::span<const std::uint8_t>> detached_document;
    /// Or only its digest.
    std::optional<DocumentDigest> document_digest;
};

/// Bounds on the signed file, beyond which it is a FORMAT_FAILURE (`input_too_large`).
struct DocumentLimits {
    PdfLimits pdf;
    /// A CMS's size is bounded by ValidationOptions::input_limits.max_signature_bytes; an XML
    /// document by this.
    std::size_t max_xml_bytes = 64 * 1024 * 1024;
};

/// Validates `input.signed_file` by its format. Throws invalid_input only for a request that
/// cannot mean anything: `document_not_applicable` (a detached document or digest given with a
/// PDF) and `detached_and_digest` (both given). A PDF is read from a private temporary file that
/// is removed before the call returns; XML is validated as XAdES (validate_xades()).
ValidationReport validate_document(const DocumentInput& input, const ValidationOptions& options,
                                   const DocumentLimits& limits = {});

/// The findings code of a report whose file was not a signature in any known format.
inline constexpr std::string_view format_not_recognized_code = "format_not_recognized";

}  // namespace sign::validate
