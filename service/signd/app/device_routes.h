#pragma once
// The phone's side of mobile signing under /api/v1 (docs/mobile-signing.md):
// enrolment with an activation code, then, with `Authorization: Device ...`,
// the signer's pending requests (with long-polling), one request with its
// approval challenge, a PDF's first-page preview, approve and reject.

#include "app/device_auth.h"
#include "app/mobile_answers.h"
#include "http/router.h"
#include "sign/audit/audit_log.h"
#include "sign/mobile/signature_request_service.h"

namespace sign::signd {

/// Adds the routes, all TLS-only. `context` must outlive the router.
/// What the device routes use; all borrowed, and they must outlive the router.
struct DeviceRouteServices {
    const DeviceAuthenticator& auth;
    mobile::SignatureRequestService& requests;
    MobileEdge& edge;
    audit::AuditLog& audit;  ///< for requests refused before they reach the service
    AttemptLimits& limits;   ///< activation-code tries
};

void add_device_routes(Router& router, const DeviceRouteServices& services);

}  // namespace sign::signd
