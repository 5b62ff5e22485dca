#pragma once
// The document-system API under /api/v1 (docs/openapi.yaml): the seals a
// client may apply, and sealing a PDF (PAdES B-T), an XML document (XAdES B-T)
// or any file (detached CAdES B-T), and verifying any signed file. JSON in and out; every error is
// application/problem+json with a stable `code`.

#include <cstddef>
#include <string>
#include <vector>

#include "app/client_auth.h"
#include "http/metrics.h"
#include "http/router.h"
#include "sign/audit/audit_log.h"
#include "sign/ca/ca_service.h"
#include "sign/clock.h"
#include "sign/signing/seal_service.h"
#include "sign/verification/verification_service.h"

namespace sign::signd {

/// Adds every /api/v1 route, all reachable over TLS only. `context` must outlive the router.
/// What the document-system API uses; all borrowed, and they must outlive the router.
struct ApiV1Services {
    const ClientAuthenticator& auth;
    signing::SealService& seals;
    const verification::VerificationService& verifications;
    audit::AuditLog& audit;
    const Clock& clock;
    Metrics& metrics;
    std::size_t max_base64_document;  ///< largest document accepted as base64 inside JSON
};

void add_api_v1_routes(Router& router, const ApiV1Services& services);

/// The OpenAPI document of this API as JSON, converted from docs/openapi.yaml at build time.
const std::string& openapi_json();

}  // namespace sign::signd
