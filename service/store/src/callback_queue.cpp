#include "sign/store/callback_queue.h"

#include <algorithm>

#include "row_values.h"
#include "sign/error.h"

namespace sign::store {

namespace {

const char* const columns =
    "id, event_id, request_id, url, body, attempts, created_at_us, next_attempt_at_us, last_error, delivered_at_us, "
    "given_up_at_us";

CallbackQueue::Status read_status(const Statement& row) {
    CallbackQueue::Status status;
    CallbackDelivery& delivery = status.delivery;
    delivery.id = row.integer(0);
    delivery.event_id = row.text(1);
    delivery.request_id = row.text(2);
    delivery.url = row.text(3);
    delivery.body = row.text(4);
    delivery.attempts = static_cast<int>(row.integer(5));
    delivery.created_at = from_microseconds(row.integer(6));
    delivery.next_attempt_at = from_microseconds(row.integer(7));
    if (!row.is_null(8)) delivery.last_error = row.text(8);
    if (!row.is_null(9)) status.delivered_at = from_microseconds(row.integer(9));
    if (!row.is_null(10)) status.given_up_at = from_microseconds(row.integer(10));
    return status;
}

Error unknown_callback(int64_t id) {
    return Error(ErrorKind::not_found, "unknown_callback", "no callback delivery " + std::to_string(id));
}

}  // namespace

void CallbackQueue::enqueue(const Connection& db, const std::string& event_id, const std::string& request_id,
                            const std::string& url, const std::string& body, std::chrono::system_clock::time_point now) {
    db.prepare("INSERT INTO callbacks (event_id, request_id, url, body, created_at_us, next_attempt_at_us) "
               "VALUES (?,?,?,?,?,?)")
        .bind(1, event_id)
        .bind(2, request_id)
        .bind(3, url)
        .bind(4, body)
        .bind(5, to_microseconds(now))
        .bind(6, to_microseconds(now))
        .run();
}

std::vector<CallbackDelivery> CallbackQueue::due(std::chrono::system_clock::time_point now, size_t limit) const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns +
                                         " FROM callbacks WHERE delivered_at_us IS NULL AND given_up_at_us IS NULL "
                                         "AND next_attempt_at_us <= ? ORDER BY next_attempt_at_us, id LIMIT ?");
    query.bind(1, to_microseconds(now)).bind(2, static_cast<int64_t>(limit));
    std::vector<CallbackDelivery> deliveries;
    while (query.step()) deliveries.push_back(read_status(query).delivery);
    return deliveries;
}

std::optional<std::chrono::system_clock::time_point> CallbackQueue::next_due() const {
    auto query = queue_.reader().prepare(
        "SELECT MIN(next_attempt_at_us) FROM callbacks WHERE delivered_at_us IS NULL AND given_up_at_us IS NULL");
    if (!query.step() || query.is_null(0)) return std::nullopt;
    return from_microseconds(query.integer(0));
}

void CallbackQueue::delivered(int64_t id, std::chrono::system_clock::time_point now) {
    queue_.run([&](const Connection& database) {
        database.prepare("UPDATE callbacks SET delivered_at_us = ? WHERE id = ? AND delivered_at_us IS NULL")
            .bind(1, to_microseconds(now))
            .bind(2, id)
            .run();
        if (database.changes() == 1) return;
        // Delivered already (a second sender, or a retry that raced): nothing to record.
        auto exists = database.prepare("SELECT 1 FROM callbacks WHERE id = ?");
        exists.bind(1, id);
        if (!exists.step()) throw unknown_callback(id);
    });
}

void CallbackQueue::failed(int64_t id, const std::string& error, std::chrono::system_clock::time_point now) {
    queue_.run([&](const Connection& database) {
        auto query = database.prepare(
            "SELECT attempts, created_at_us FROM callbacks WHERE id = ? AND delivered_at_us IS NULL AND given_up_at_us IS NULL");
        query.bind(1, id);
        if (!query.step()) {
            auto exists = database.prepare("SELECT 1 FROM callbacks WHERE id = ?");
            exists.bind(1, id);
            if (!exists.step()) throw unknown_callback(id);
            return;  // delivered or given up meanwhile
        }
        int attempts = static_cast<int>(query.integer(0)) + 1;
        auto created_at = from_microseconds(query.integer(1));
        std::optional<int64_t> given_up;
        auto next = now;
        if (now - created_at >= retry_window) {
            given_up = to_microseconds(now);
        } else {
            // first_backoff * 2^(attempts - 1), capped; the shift is capped too so it cannot overflow.
            auto backoff = first_backoff * (int64_t{1} << std::min(attempts - 1, 30));
            next = now + std::min<std::chrono::seconds>(backoff, max_backoff);
        }
        database
            .prepare("UPDATE callbacks SET attempts = ?, last_error = ?, next_attempt_at_us = ?, given_up_at_us = ? "
                     "WHERE id = ?")
            .bind(1, int64_t{attempts})
            .bind(2, error)
            .bind(3, to_microseconds(next))
            .bind(4, given_up)
            .bind(5, id)
            .run();
    });
}

std::vector<CallbackQueue::Status> CallbackQueue::for_request(const std::string& request_id) const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns + " FROM callbacks WHERE request_id = ? ORDER BY id");
    query.bind(1, request_id);
    std::vector<Status> statuses;
    while (query.step()) statuses.push_back(read_status(query));
    return statuses;
}

}  // namespace sign::store
