// Callbacks: enqueued in the state change's write, due soonest first, retried
// after 1, 2, 4, ... seconds capped at ten minutes, given up after 24 hours,
// and still there after a restart.

#include <boost/test/unit_test.hpp>

#include <chrono>

#include "error_code.h"
#include "sign/store/callback_queue.h"
#include "postgresql_server.h"
#include "temp_dir.h"

using sign::store::CallbackQueue;
using sign::store::Connection;
using sign::store::WriteQueue;
using sign::test::error_code_of;
using sign::test::TempDir;
using namespace std::chrono_literals;

namespace {

const auto t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{3};

void enqueue(WriteQueue& queue, const std::string& event_id, const std::string& request_id,
             std::chrono::system_clock::time_point at) {
    queue.run([&](const Connection& database) {
        CallbackQueue::enqueue(database, event_id, request_id, "https://dms.example/cb", "{\"eventId\":\"" + event_id + "\"}", at);
    });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(callback_queue)

BOOST_AUTO_TEST_CASE(failures_back_off_doubling_up_to_ten_minutes_then_give_up) {
    TempDir dir("callbacks");
    WriteQueue queue(sign::test::fresh_database(dir));
    CallbackQueue callbacks(queue);
    enqueue(queue, "event-1", "request-1", t0);
    auto due = callbacks.due(t0);
    BOOST_TEST_REQUIRE(due.size() == 1u);
    int64_t id = due[0].id;
    BOOST_TEST(due[0].attempts == 0);
    BOOST_TEST(due[0].body == "{\"eventId\":\"event-1\"}");
    BOOST_TEST((due[0].next_attempt_at == t0));

    std::chrono::system_clock::time_point now = t0;
    std::vector<std::chrono::seconds> waits;
    for (int attempt = 1; attempt <= 12; ++attempt) {
        callbacks.failed(id, "HTTP 503", now);
        auto status = callbacks.for_request("request-1").at(0);
        BOOST_TEST(status.delivery.attempts == attempt);
        BOOST_TEST((status.delivery.last_error == std::optional<std::string>("HTTP 503")));
        auto wait = std::chrono::duration_cast<std::chrono::seconds>(status.delivery.next_attempt_at - now);
        waits.push_back(wait);
        BOOST_TEST(callbacks.due(status.delivery.next_attempt_at - 1s).empty());
        BOOST_TEST(callbacks.due(status.delivery.next_attempt_at).size() == 1u);
        BOOST_TEST((callbacks.next_due() == std::optional(status.delivery.next_attempt_at)));
        now = status.delivery.next_attempt_at;
    }
    std::vector<std::chrono::seconds> expected = {1s, 2s, 4s, 8s, 16s, 32s, 64s, 128s, 256s, 512s, 600s, 600s};
    BOOST_TEST((waits == expected));

    // Still failing 24 hours after it was enqueued: given up, no longer due.
    callbacks.failed(id, "HTTP 500", t0 + 24h - 1s);
    BOOST_TEST(!callbacks.for_request("request-1")[0].given_up_at.has_value());
    callbacks.failed(id, "connection refused", t0 + 24h);
    auto given_up = callbacks.for_request("request-1")[0];
    BOOST_TEST((given_up.given_up_at == std::optional(t0 + 24h)));
    BOOST_TEST(given_up.delivery.attempts == 14);
    BOOST_TEST((given_up.delivery.last_error == std::optional<std::string>("connection refused")));
    BOOST_TEST(callbacks.due(t0 + 48h).empty());
    BOOST_TEST(!callbacks.next_due().has_value());
    BOOST_TEST(error_code_of([&] { callbacks.failed(9999, "x", t0); }) == "unknown_callback");
    BOOST_TEST(error_code_of([&] { callbacks.delivered(9999, t0); }) == "unknown_callback");
}

BOOST_AUTO_TEST_CASE(due_deliveries_come_soonest_first_and_survive_a_restart) {
    TempDir dir("callbacks");
    std::string path = sign::test::fresh_database(dir);
    {
        WriteQueue queue(path);
        CallbackQueue callbacks(queue);
        BOOST_TEST(!callbacks.next_due().has_value());
        enqueue(queue, "event-c", "request-c", t0 + 3s);
        enqueue(queue, "event-a", "request-a", t0 + 1s);
        enqueue(queue, "event-b", "request-b", t0 + 2s);
        enqueue(queue, "event-d", "request-d", t0 + 2s);
        // An event id is enqueued once.
        BOOST_TEST(error_code_of([&] { enqueue(queue, "event-a", "request-a", t0); }) == "already_exists");
        BOOST_TEST((callbacks.next_due() == std::optional(t0 + 1s)));
        auto due = callbacks.due(t0 + 2s);
        BOOST_TEST_REQUIRE(due.size() == 3u);
        BOOST_TEST(due[0].event_id == "event-a");
        BOOST_TEST(due[1].event_id == "event-b");  // same time: in the order enqueued
        BOOST_TEST(due[2].event_id == "event-d");
        BOOST_TEST(callbacks.due(t0 + 10s, 2).size() == 2u);
        callbacks.delivered(due[0].id, t0 + 2s);
        callbacks.delivered(due[0].id, t0 + 3s);  // a second report changes nothing
        callbacks.failed(due[0].id, "late failure report", t0 + 3s);
        auto status = callbacks.for_request("request-a").at(0);
        BOOST_TEST((status.delivered_at == std::optional(t0 + 2s)));
        BOOST_TEST(status.delivery.attempts == 0);
        callbacks.failed(due[1].id, "timeout", t0 + 2s);
    }
    WriteQueue queue(path);
    CallbackQueue callbacks(queue);
    auto due = callbacks.due(t0 + 1h);
    BOOST_TEST_REQUIRE(due.size() == 3u);
    BOOST_TEST(due[0].event_id == "event-d");
    BOOST_TEST(due[1].event_id == "event-c");
    BOOST_TEST(due[2].event_id == "event-b");  // retried at t0 + 3s, when c is due too; c was enqueued first
    BOOST_TEST(due[2].attempts == 1);
    BOOST_TEST((due[2].last_error == std::optional<std::string>("timeout")));
    BOOST_TEST(due[2].url == "https://dms.example/cb");
    BOOST_TEST(due[2].request_id == "request-b");
    BOOST_TEST((due[2].created_at == t0 + 2s));
}

BOOST_AUTO_TEST_SUITE_END()
