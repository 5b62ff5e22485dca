#pragma once
// What a verification request carries and what it is answered with
// (docs/openapi.yaml, /api/v1/verifications). The signed file may come as the
// raw body (application/pdf, application/pkcs7-signature, application/pkcs7-mime,
// application/cms, application/xml, text/xml, application/octet-stream), as
// multipart/form-data (part "signature", optional part "document") or as JSON
// with base64 (`signature`, optional `document`, or the hash-only
// `documentDigest: {algorithm, value}`). Options: `language` (vi, en) and
// `offline`, as query parameters or JSON members.

#include <cstddef>

#include <nlohmann/json.hpp>

#include "http/http_request.h"
#include "sign/validate/report.h"
#include "sign/verification/verification_service.h"

namespace sign::signd {

struct VerificationCall {
    verification::VerificationRequest request;
    validate::Language language = validate::Language::vietnamese;
    std::string file_name;  ///< the signed file's name when a form part gave one, for the printable report
};

/// Parses POST /api/v1/verifications. Throws invalid_input `unsupported_media_type`,
/// `invalid_json`, `invalid_base64`, `invalid_multipart`, `missing_signature`, `empty_signature`,
/// `invalid_document_digest`, `invalid_parameter`, `detached_and_digest`, or
/// `base64_document_too_large` (a base64 member over `max_base64_document` bytes decoded).
VerificationCall read_verification_call(const HttpRequest& request, std::size_t max_base64_document);

/// Parses the form /api/v1/verifications/cms has always taken: parts or members "signature" and
/// "document" (both required: `missing_document`), multipart or JSON.
VerificationCall read_cms_verification_call(const HttpRequest& request, std::size_t max_base64_document);

/// The answer: evidenceId, format, indication, valid, the report (JSON) and its text.
nlohmann::json verification_answer(const verification::VerificationOutcome& outcome, validate::Language language);

/// The answer of /api/v1/verifications/cms: the fields it has always had (valid, summary, and per
/// signer integrity, certificateTrusted, revocation, times and Vietnamese messages), then those of
/// verification_answer().
nlohmann::json cms_verification_answer(const verification::VerificationOutcome& outcome);

}  // namespace sign::signd
