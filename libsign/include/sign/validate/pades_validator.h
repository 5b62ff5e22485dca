#pragma once
// PAdES validation: every signature of a PDF, each checked three ways and the
// worst result kept. The CMS in /Contents by the EN 319 102-1 process over the
// bytes its ByteRange covers (CmsValidator, streamed digests); the ByteRange
// itself (it must cover its whole revision but /Contents); and the changes
// made after it (reject-by-default analysis under DocMDP and FieldMDP). A
// malformed structure is FORMAT_FAILURE; a change the permissions do not allow
// means the signed document was modified, HASH_FAILURE, with the changed
// objects named.

#include <filesystem>
#include <string>

#include "sign/validate/cms_validator.h"
#include "sign/validate/pdf_signatures.h"
#include "sign/validate/report.h"

namespace sign::validate {

/// The report for every approval signature of `pdf`, in signing order; each SignatureReport's id
/// is its field's name and its format "PAdES". Document time-stamps are listed as findings of the
/// file, not validated yet. Throws what inspect_pdf_signatures() throws for a file that is not a
/// readable PDF.
ValidationReport validate_pdf(const std::filesystem::path& pdf, const ValidationOptions& options,
                              const PdfLimits& limits = {});

/// The report of one signature field of `pdf` (not_found `field_not_signed` when no signature of
/// that name is in the file).
SignatureReport validate_pdf_field(const std::filesystem::path& pdf, const std::string& field_name,
                                   const ValidationOptions& options, const PdfLimits& limits = {});

/// Decree 30's order: the agency seals only over a valid leader signature. Throws conflict
/// `leader_signature_invalid` (naming the indication and the first reason) unless the signature
/// in `field` is TOTAL-PASSED, and also when the field holds no signature.
void require_valid_leader_signature(const std::filesystem::path& pdf, const std::string& field,
                                    const ValidationOptions& options);

}  // namespace sign::validate
