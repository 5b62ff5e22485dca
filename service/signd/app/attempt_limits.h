#pragma once
// How often anyone may fail, or ask anonymously: the one place that decides
// when signd answers 429. Each kind of attempt has a token bucket per source
// address and one per claimed identity (client id, device id, activation
// code): a failure spends a token of both, and while either is empty the
// attempt is refused before anything is checked, so guessing costs time
// whether it comes from one address or many. Anonymous endpoints spend a token
// of their address on every request. Refusals are counted in the tally of
// anonymous refusals, not recorded one by one.

#include <string>

#include "http/http_request.h"
#include "app/rate_limit_settings.h"
#include "http/token_buckets.h"
#include "sign/audit/audit_tally.h"
#include "sign/clock.h"

namespace sign::signd {

enum class Attempt {
    client_authentication,  ///< API keys, access tokens, client certificates; identity: the claimed client id
    device_authentication,  ///< `Authorization: Device`; identity: the device id
    activation_code,        ///< device enrolment; identity: the code tried
    anonymous,              ///< the public OCSP and time-stamping responders; address only
    anonymous_verification, ///< the public verification page's validations; address only
};

class AttemptLimits {
public:
    /// `clock` and `refusals` are borrowed and must outlive this.
    AttemptLimits(const Clock& clock, const RateLimitSettings& settings, audit::AuditTally& refusals);

    /// Throws RateLimited (counting the refusal) when the address of `request` or `identity` has
    /// no token left for `attempt`. Spends nothing.
    void admit(Attempt attempt, const HttpRequest& request, const std::string& identity);
    /// One failed attempt: spends a token of the address and of `identity` (when not empty).
    void failed(Attempt attempt, const HttpRequest& request, const std::string& identity);
    /// An anonymous request: spends a token of its address, or throws RateLimited when none is left.
    void spend(Attempt attempt, const HttpRequest& request);

private:
    struct Buckets {
        TokenBuckets addresses;
        TokenBuckets identities;
    };
    Buckets& buckets_of(Attempt attempt);
    [[noreturn]] void refuse(Attempt attempt, const HttpRequest& request, const std::string& identity,
                             std::chrono::milliseconds wait);

    bool enabled_;
    audit::AuditTally& refusals_;
    Buckets client_authentication_, device_authentication_, activation_code_, anonymous_, anonymous_verification_;
};

}  // namespace sign::signd
