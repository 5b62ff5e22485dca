#pragma once
// What signd.toml's [rate_limits] sets (AttemptLimits applies it); apart so that reading the
// configuration needs nothing else.

#include <cstddef>

namespace sign::signd {

/// One kind of attempt's buckets: the same rule for addresses and identities.
struct AttemptRule {
    unsigned burst;
    unsigned per_minute;  ///< tokens back per minute
};

/// signd.toml [rate_limits]; the defaults leave honest use alone.
struct RateLimitSettings {
    bool enabled = true;
    std::size_t max_tracked = 10'000;  ///< keys per bucket table; the oldest is forgotten past it
    AttemptRule client_authentication{20, 20};
    AttemptRule device_authentication{20, 20};
    AttemptRule activation_code{5, 5};
    AttemptRule anonymous{300, 6'000};
    /// A validation costs far more than an OCSP answer: the public verification page is held to fewer.
    AttemptRule anonymous_verification{10, 10};
};

}  // namespace sign::signd
