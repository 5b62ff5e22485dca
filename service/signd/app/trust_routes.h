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

#include "app/attempt_limits.h"
#include "http/router.h"
#include "sign/clock.h"
#include <cstdint>
#include <string>
#include <vector>

#include "sign/audit/audit_tally.h"
#include "sign/ca/ca_service.h"
#include "sign/timestamp_authority.h"

#include "sign/validate/fetcher.h"

namespace sign::signd {

/// What the trust-service endpoints use; the references are borrowed for the life of the router.
struct TrustRouteServices {
    ca::CaService& ca;
    std::string crl_folder;  ///< where the current CRLs are kept, DER and PEM
    const TimestampAuthority& timestamps;
    const Clock& clock;
    /// Serialises every use of the CA and its database among the handlers that share them.
    std::mutex& ca_mutex;
    /// Counts the OCSP responses and time-stamp tokens issued and refused, a record per minute
    /// rather than one per answer: anyone may ask as often as they like.
    audit::AuditTally& answers;
    /// Each OCSP and time-stamp request spends one of its address's anonymous tries.
    AttemptLimits& limits;
};

/// The current CRL of each CA (DER), renewed half-way through its validity as /crl serves it.
std::vector<std::vector<std::uint8_t>> current_crls(const TrustRouteServices& services);

/// The validator's fetcher for signd: what our own certificates point at (base URL + /crl/*.crl,
/// /ca/*.crt, /ocsp) is answered here, from the CA as the endpoints above answer it, without a
/// round trip through the network; any other URL goes to `network`, or fails as offline when it
/// is null. So our own revocations count at once, even in an offline validation.
class OwnAuthorityFetcher final : public validate::Fetcher {
public:
    /// `services` and `network` are borrowed; `base_url` is the data folder's ([ca] base_url).
    OwnAuthorityFetcher(const TrustRouteServices& services, std::string base_url, validate::Fetcher* network);

    std::vector<std::uint8_t> get(const std::string& url, const validate::FetchLimits& limits) override;
    std::vector<std::uint8_t> post(const std::string& url, std::string_view content_type,
                                   std::span<const std::uint8_t> body, const validate::FetchLimits& limits) override;

private:
    const TrustRouteServices& services_;
    std::string base_url_;
    validate::Fetcher* network_;
};

/// Registers the endpoints above.
void add_trust_routes(Router& router, const TrustRouteServices& services);

}  // namespace sign::signd
