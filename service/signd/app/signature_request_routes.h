#pragma once
// The document-system side of mobile signing under /api/v1
// (docs/mobile-signing.md): create a signature request, read it (with
// long-polling), fetch a signed document, cancel; and the certificate that
// signs callbacks. Client credentials as for the rest of /api/v1.

#include "app/service_context.h"
#include "http/router.h"

namespace sign::signd {

/// Adds the routes, all TLS-only. `context` must outlive the router.
void add_signature_request_routes(Router& router, ServiceContext& context);

}  // namespace sign::signd
