#pragma once
// Wakes long-polling readers when any signature request changes or arrives.
// Waiting holds a handler thread, so only a few may wait at once; the rest
// are answered at once with what there is.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace sign::mobile {

class RequestEvents {
public:
    /// At most `max_waiters` (at least 1) threads wait at the same time.
    explicit RequestEvents(unsigned max_waiters) : max_waiters_(max_waiters == 0 ? 1 : max_waiters) {}

    /// A change happened: wakes every waiter.
    void notify();
    /// Ends every wait now and refuses new ones (shutdown).
    void close();
    /// The change counter; pass it to wait() after reading the state it covers.
    std::uint64_t version() const;

    /// A waiting slot, released when it goes out of scope; empty when all are taken.
    class Slot {
    public:
        Slot() = default;
        explicit Slot(RequestEvents* owner) : owner_(owner) {}
        Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
        Slot& operator=(Slot&&) = delete;
        ~Slot();
        explicit operator bool() const { return owner_ != nullptr; }

        /// Blocks until the version moves past `seen`, `deadline` passes or the events close.
        /// False when it returned for the deadline or the close.
        bool wait(std::uint64_t seen, std::chrono::steady_clock::time_point deadline);

    private:
        RequestEvents* owner_ = nullptr;
    };
    /// Takes a slot if one is free.
    Slot try_slot();

private:
    const unsigned max_waiters_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t version_ = 0;
    unsigned waiters_ = 0;
    bool closed_ = false;
};

}  // namespace sign::mobile
