#pragma once
// What operators and their monitoring reach:
//   GET /healthz   {"status":"ok"|"degraded","token":"ok"|"error","database":"ok"|"error"};
//                  200 when both answer, 503 otherwise. The token is asked afresh each time
//                  (one PKCS#11 slot and token query), so a pulled HSM shows at once.
//   GET /metrics   Prometheus text format 0.0.4 (http/metrics.h).
// Both are plain_or_tls: probes and scrapers on the host reach them without a client
// certificate. /metrics reveals only counts and timings; bind signd to loopback or filter
// the port if even those should stay private.

#include <mutex>

#include "http/metrics.h"
#include "http/router.h"
#include "sign/hsm/token.h"
#include "sign/store/certificate_store.h"

namespace sign::signd {

/// What /healthz and /metrics read; all borrowed for the life of the router.
struct OperationsServices {
    hsm::Token& token;
    const store::CertificateStore& certificates;
    Metrics& metrics;
    std::mutex& ca_mutex;  ///< serialises database use, see trust_routes.h
};

/// Registers /healthz and /metrics.
void add_operations_routes(Router& router, const OperationsServices& services);

}  // namespace sign::signd
