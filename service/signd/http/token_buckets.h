#pragma once
// Token buckets keyed by a name (a source address, a claimed client id, ...):
// each key may spend up to `burst` tokens at once and gets one back every
// `refill`. The table is bounded: past `max_keys`, the key touched longest ago
// is forgotten, so a flood of made-up names costs memory up to the cap and no
// more. A refusal is a RateLimited error that says when to come back.

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "sign/clock.h"
#include "sign/error.h"

namespace sign::signd {

/// Too many attempts: answered 429 `rate_limited` with Retry-After (CSC: 429 in the CSC error format).
class RateLimited : public Error {
public:
    RateLimited(std::chrono::seconds retry_after, const std::string& message)
        : Error(ErrorKind::policy, "rate_limited", message), retry_after_(retry_after) {}
    /// Whole seconds, at least 1: when a token will be back.
    std::chrono::seconds retry_after() const { return retry_after_; }

private:
    std::chrono::seconds retry_after_;
};

struct BucketRule {
    unsigned burst = 10;                        ///< tokens a fresh key has
    std::chrono::milliseconds refill{6'000};    ///< one token back per this
};

class TokenBuckets {
public:
    /// `clock` is borrowed and must outlive this.
    TokenBuckets(const Clock& clock, BucketRule rule, std::size_t max_keys);

    /// How long until `key` has a token: zero when it has one now. Spends nothing.
    std::chrono::milliseconds wait(const std::string& key);
    /// Spends one token of `key` (an empty bucket stays empty).
    void spend(const std::string& key);
    /// Spends one token when `key` has one and returns zero; otherwise returns how long to wait.
    std::chrono::milliseconds try_spend(const std::string& key);

    /// Keys held now (at most max_keys).
    std::size_t size() const;

private:
    struct Bucket {
        double tokens;
        std::chrono::system_clock::time_point updated;
        std::list<std::string>::iterator age;  // position in touched_, newest first
    };
    Bucket& touch(const std::string& key);  // refilled to now, moved to the front; mutex held
    std::chrono::milliseconds wait_of(const Bucket& bucket) const;

    const Clock& clock_;
    BucketRule rule_;
    std::size_t max_keys_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::list<std::string> touched_;
};

/// Whole seconds to announce in Retry-After for a wait: rounded up, at least 1.
std::chrono::seconds retry_after_seconds(std::chrono::milliseconds wait);

}  // namespace sign::signd
