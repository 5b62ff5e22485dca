#include "app/attempt_limits.h"

#include <algorithm>

namespace sign::signd {

namespace {

TokenBuckets buckets(const Clock& clock, AttemptRule rule, std::size_t max_tracked) {
    auto refill = std::chrono::milliseconds(60'000 / std::max(1u, rule.per_minute));
    return TokenBuckets(clock, {.burst = rule.burst, .refill = refill}, max_tracked);
}

const char* action_of(Attempt attempt) {
    switch (attempt) {
        case Attempt::client_authentication: return "authentication";
        case Attempt::device_authentication: return "device.authentication";
        case Attempt::activation_code: return "device.enrol";
        case Attempt::anonymous: return "request.rejected";
        case Attempt::anonymous_verification: return "verification.anonymous";
    }
    return "request.rejected";
}

// A claimed identity is the caller's text: kept short, and apart from the address keys.
std::string identity_key(const std::string& identity) { return identity.substr(0, 128); }

}  // namespace

AttemptLimits::AttemptLimits(const Clock& clock, const RateLimitSettings& settings, audit::AuditTally& refusals)
    : enabled_(settings.enabled),
      refusals_(refusals),
      client_authentication_{buckets(clock, settings.client_authentication, settings.max_tracked),
                             buckets(clock, settings.client_authentication, settings.max_tracked)},
      device_authentication_{buckets(clock, settings.device_authentication, settings.max_tracked),
                             buckets(clock, settings.device_authentication, settings.max_tracked)},
      activation_code_{buckets(clock, settings.activation_code, settings.max_tracked),
                       buckets(clock, settings.activation_code, settings.max_tracked)},
      anonymous_{buckets(clock, settings.anonymous, settings.max_tracked), buckets(clock, settings.anonymous, 1)},
      anonymous_verification_{buckets(clock, settings.anonymous_verification, settings.max_tracked),
                              buckets(clock, settings.anonymous_verification, 1)} {}

AttemptLimits::Buckets& AttemptLimits::buckets_of(Attempt attempt) {
    switch (attempt) {
        case Attempt::client_authentication: return client_authentication_;
        case Attempt::device_authentication: return device_authentication_;
        case Attempt::activation_code: return activation_code_;
        case Attempt::anonymous: return anonymous_;
        case Attempt::anonymous_verification: return anonymous_verification_;
    }
    return anonymous_;
}

void AttemptLimits::refuse(Attempt attempt, const HttpRequest& request, const std::string& identity,
                           std::chrono::milliseconds wait) {
    refusals_.count({.action = action_of(attempt),
                     .actor = identity.empty() || attempt == Attempt::activation_code ? "anonymous" : identity_key(identity),
                     .client_address = request.client_address,
                     .subject = "",
                     .document_hash = "",
                     .result = "rate_limited"});
    auto seconds = retry_after_seconds(wait);
    throw RateLimited(seconds, "too many attempts from this address or for this identity; try again in " +
                                   std::to_string(seconds.count()) + " s");
}

void AttemptLimits::admit(Attempt attempt, const HttpRequest& request, const std::string& identity) {
    if (!enabled_) return;
    auto& table = buckets_of(attempt);
    auto wait = table.addresses.wait(request.client_address);
    if (!identity.empty()) wait = std::max(wait, table.identities.wait(identity_key(identity)));
    if (wait.count() > 0) refuse(attempt, request, identity, wait);
}

void AttemptLimits::failed(Attempt attempt, const HttpRequest& request, const std::string& identity) {
    if (!enabled_) return;
    auto& table = buckets_of(attempt);
    table.addresses.spend(request.client_address);
    if (!identity.empty()) table.identities.spend(identity_key(identity));
}

void AttemptLimits::spend(Attempt attempt, const HttpRequest& request) {
    if (!enabled_) return;
    auto wait = buckets_of(attempt).addresses.try_spend(request.client_address);
    if (wait.count() > 0) refuse(attempt, request, "", wait);
}

}  // namespace sign::signd
