#pragma once
// The Cloud Signature Consortium API v2 under /csc/v2, for third-party
// signing tools: info, auth/login, credentials/list|info|authorize|authorizeCheck,
// signatures/signHash|signPolling and signatures/timestamp. Phone approval
// and background signing use the specification's asynchronous mode. Every method is a POST with a
// JSON body; errors come as {"error", "error_description"} with the
// specification's error names. docs/csc.md lists what we implement.

#include <cstddef>

#include "app/service_context.h"
#include "http/router.h"

namespace sign::signd {

/// Hashes one SAD may authorise (credentials/info "multisign").
inline constexpr std::size_t max_hashes_per_authorization = 100;

/// Adds every /csc/v2 route, all reachable over TLS only. `context` must outlive the router.
void add_csc_routes(Router& router, ServiceContext& context);

}  // namespace sign::signd
