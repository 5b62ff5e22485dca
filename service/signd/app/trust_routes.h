#pragma once
// The trust-service endpoints our certificates point at (CRL distribution
// points, AIA OCSP and caIssuers) and the RFC 3161 TSA. All are reachable over
// plain HTTP as well as HTTPS: relying parties fetch them from http:// URLs,
// and what they serve is signed, so TLS adds nothing to their integrity.
//
//   GET  /crl/root-ca.crl, /crl/issuing-ca.crl   application/pkix-crl (DER)
//   GET  /ca/root-ca.crt, /ca/issuing-ca.crt     application/pkix-cert (DER)
//   POST /ocsp                                    application/ocsp-request -> application/ocsp-response
//   GET  /ocsp/{base64 of the DER request}        RFC 6960 appendix A.1
//   POST /tsa                                     application/timestamp-query -> application/timestamp-reply

#include <mutex>

#include "http/router.h"
#include "sign/clock.h"
#include "sign/data_folder/data_folder.h"
#include "sign/data_folder/local_timestamps.h"

namespace sign::signd {

/// Registers the endpoints above. `data` must have its token and database open already; `data`,
/// `timestamps`, `clock` and `ca_mutex` are borrowed for the life of the router. `ca_mutex`
/// serialises every use of data.ca() and data.store() among all handlers that share them.
void add_trust_routes(Router& router, data_folder::DataFolder& data, data_folder::LocalTimestamps& timestamps,
                      const Clock& clock, std::mutex& ca_mutex);

}  // namespace sign::signd
