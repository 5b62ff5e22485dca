#pragma once
// The one clock every signing time comes from. Production uses the system
// clock; tests fix it so two runs produce byte-identical signatures.

#include <chrono>

namespace sign {

class Clock {
public:
    virtual ~Clock() = default;
    /// The current time, UTC.
    virtual std::chrono::system_clock::time_point now() const = 0;
};

/// The system clock at its full precision. Formats that hold whole seconds (X.509 and CMS times,
/// PDF dates) truncate where they are written; stored times and deadlines keep the fraction.
class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

/// Always the same instant: for tests and for re-creating a signature made earlier.
class FixedClock final : public Clock {
public:
    explicit FixedClock(std::chrono::system_clock::time_point at) : at_(at) {}
    std::chrono::system_clock::time_point now() const override { return at_; }

private:
    std::chrono::system_clock::time_point at_;
};

}  // namespace sign
