#include "http/token_buckets.h"

#include <algorithm>
#include <cmath>

namespace sign::signd {

TokenBuckets::TokenBuckets(const Clock& clock, BucketRule rule, std::size_t max_keys)
    : clock_(clock), rule_(rule), max_keys_(std::max<std::size_t>(1, max_keys)) {
    rule_.burst = std::max(1u, rule_.burst);
    if (rule_.refill.count() < 1) rule_.refill = std::chrono::milliseconds(1);
}

TokenBuckets::Bucket& TokenBuckets::touch(const std::string& key) {
    auto now = clock_.now();
    auto found = buckets_.find(key);
    if (found == buckets_.end()) {
        if (buckets_.size() >= max_keys_) {
            buckets_.erase(touched_.back());
            touched_.pop_back();
        }
        touched_.push_front(key);
        return buckets_.emplace(key, Bucket{static_cast<double>(rule_.burst), now, touched_.begin()}).first->second;
    }
    Bucket& bucket = found->second;
    touched_.splice(touched_.begin(), touched_, bucket.age);
    if (now > bucket.updated) {
        double earned = std::chrono::duration<double, std::milli>(now - bucket.updated).count() / rule_.refill.count();
        bucket.tokens = std::min<double>(rule_.burst, bucket.tokens + earned);
        bucket.updated = now;
    }
    return bucket;
}

std::chrono::milliseconds TokenBuckets::wait_of(const Bucket& bucket) const {
    if (bucket.tokens >= 1.0) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(static_cast<long long>(std::ceil((1.0 - bucket.tokens) * rule_.refill.count())));
}

std::chrono::milliseconds TokenBuckets::wait(const std::string& key) {
    std::lock_guard lock(mutex_);
    return wait_of(touch(key));
}

void TokenBuckets::spend(const std::string& key) {
    std::lock_guard lock(mutex_);
    Bucket& bucket = touch(key);
    bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
}

std::chrono::milliseconds TokenBuckets::try_spend(const std::string& key) {
    std::lock_guard lock(mutex_);
    Bucket& bucket = touch(key);
    auto wait = wait_of(bucket);
    if (wait.count() == 0) bucket.tokens -= 1.0;
    return wait;
}

std::size_t TokenBuckets::size() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

std::chrono::seconds retry_after_seconds(std::chrono::milliseconds wait) {
    return std::chrono::seconds(std::max<long long>(1, (wait.count() + 999) / 1000));
}

}  // namespace sign::signd
