#pragma once
// Callbacks owed to document systems, kept in the database so a restart loses
// none: a state change enqueues its callback in the same write, a sender takes
// the due ones, and each delivery is marked delivered, or rescheduled with
// exponential backoff, or given up after the retry window.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/write_queue.h"

namespace sign::store {

struct CallbackDelivery {
    int64_t id = 0;
    std::string event_id;  ///< 22 base64url characters; receivers deduplicate on it
    std::string request_id;
    std::string url;
    std::string body;      ///< the exact JSON bytes to POST
    int attempts = 0;      ///< made so far
    std::chrono::system_clock::time_point created_at;
    std::chrono::system_clock::time_point next_attempt_at;
    std::optional<std::string> last_error;
};

class CallbackQueue {
public:
    /// First retry after this; each failure doubles it up to max_backoff.
    static constexpr std::chrono::seconds first_backoff{1};
    static constexpr std::chrono::seconds max_backoff{600};
    /// A delivery still failing this long after it was enqueued is given up.
    static constexpr std::chrono::hours retry_window{24};

    explicit CallbackQueue(WriteQueue& queue) : queue_(queue) {}

    /// Enqueues a delivery due now, on `db`, which must be the writer's connection inside a
    /// WriteQueue::run work (the state change that owes it).
    static void enqueue(const Connection& db, const std::string& event_id, const std::string& request_id,
                        const std::string& url, const std::string& body, std::chrono::system_clock::time_point now);

    /// Undelivered, not given up, due at or before `now`, soonest first, at most `limit`.
    std::vector<CallbackDelivery> due(std::chrono::system_clock::time_point now, size_t limit = 32) const;
    /// When the next undelivered delivery is due, if any.
    std::optional<std::chrono::system_clock::time_point> next_due() const;

    void delivered(int64_t id, std::chrono::system_clock::time_point now);
    /// Counts the attempt and reschedules with backoff, or gives up past retry_window.
    void failed(int64_t id, const std::string& error, std::chrono::system_clock::time_point now);
    /// A delivery, for tests and `signctl`: delivered_at and given_up_at included.
    struct Status {
        CallbackDelivery delivery;
        std::optional<std::chrono::system_clock::time_point> delivered_at;
        std::optional<std::chrono::system_clock::time_point> given_up_at;
    };
    std::vector<Status> for_request(const std::string& request_id) const;

private:
    WriteQueue& queue_;
};

}  // namespace sign::store
