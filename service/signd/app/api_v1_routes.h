#pragma once
// The document-system API under /api/v1 (docs/openapi.yaml): the seals a
// client may apply, and sealing a PDF (PAdES B-T), an XML document (XAdES B-T)
// or any file (detached CAdES B-T). JSON in and out; every error is
// application/problem+json with a stable `code`.

#include <string>
#include <vector>

#include "app/service_context.h"
#include "http/router.h"

namespace sign::signd {

/// Adds every /api/v1 route, all reachable over TLS only. `context` must outlive the router.
void add_api_v1_routes(Router& router, ServiceContext& context);

/// The OpenAPI document of this API as JSON, converted from docs/openapi.yaml at build time.
const std::string& openapi_json();

}  // namespace sign::signd
