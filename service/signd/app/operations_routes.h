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
#include "sign/data_folder/data_folder.h"

namespace sign::signd {

/// Registers /healthz and /metrics. `data` must have its token and database open; it, `metrics`
/// and `ca_mutex` (serialising database use, see trust_routes.h) are borrowed.
void add_operations_routes(Router& router, data_folder::DataFolder& data, Metrics& metrics, std::mutex& ca_mutex);

}  // namespace sign::signd
