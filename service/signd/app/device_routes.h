#pragma once
// The phone's side of mobile signing under /api/v1 (docs/mobile-signing.md):
// enrolment with an activation code, then, with `Authorization: Device ...`,
// the signer's pending requests (with long-polling), one request with its
// approval challenge, a PDF's first-page preview, approve and reject.

#include "app/service_context.h"
#include "http/router.h"

namespace sign::signd {

/// Adds the routes, all TLS-only. `context` must outlive the router.
void add_device_routes(Router& router, ServiceContext& context);

}  // namespace sign::signd
