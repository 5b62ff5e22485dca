#pragma once
// The Cloud Signature Consortium API v2 under /csc/v2, for third-party
// signing tools: info, auth/login, credentials/list|info|authorize|authorizeCheck,
// signatures/signHash|signPolling and signatures/timestamp. The rules live in
// csc::CscService; these routes parse the JSON, call it and answer in the CSC
// error format ({"error", "error_description"}, names from the error
// catalogue). docs/csc.md lists what we implement.

#include "app/client_auth.h"
#include "http/metrics.h"
#include "http/router.h"
#include "sign/audit/audit_log.h"
#include "sign/clock.h"
#include "sign/csc/csc_service.h"
#include "sign/timestamp_authority.h"

namespace sign::signd {

/// What the CSC routes use; all borrowed, and they must outlive the router.
struct CscRouteServices {
    const ClientAuthenticator& auth;
    csc::CscService& csc;
    const TimestampAuthority& timestamps;
    audit::AuditLog& audit;
    const Clock& clock;
    Metrics& metrics;
};

/// Adds every /csc/v2 route, all reachable over TLS only.
void add_csc_routes(Router& router, const CscRouteServices& services);

}  // namespace sign::signd
