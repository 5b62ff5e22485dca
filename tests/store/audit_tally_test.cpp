// Counted audit records: a flood of one kind of event becomes one record at
// once and one record per window with the count, the counts add up to what
// was counted, a window is written when it ends or on flush, the number of
// kinds held is capped, and a count is covered by the record's hash.

#include <boost/test/unit_test.hpp>


#include <chrono>
#include <numeric>

#include "sign/audit/audit_log.h"
#include "sign/audit/audit_tally.h"
#include "sign/clock.h"
#include "sign/store/write_queue.h"
#include "postgresql_server.h"
#include "sign/store/connection.h"
#include "temp_dir.h"

using sign::audit::AuditEvent;
using sign::audit::AuditLog;
using sign::audit::AuditRecord;
using sign::audit::AuditTally;
using sign::store::WriteQueue;
using sign::test::TempDir;

namespace {

// A clock the test moves by hand, so windows end when the test says.
class ManualClock final : public sign::Clock {
public:
    std::chrono::system_clock::time_point now() const override { return now_; }
    void advance(std::chrono::seconds by) { now_ += by; }

private:
    std::chrono::system_clock::time_point now_ =
        std::chrono::sys_days{std::chrono::year{2026} / 12 / 7} + std::chrono::hours{23} + std::chrono::seconds{5};
};

AuditEvent refusal(const std::string& address, const std::string& code) {
    return {.action = "authentication", .actor = "anonymous", .client_address = address, .subject = "GET /api/v1/seals",
            .document_hash = "", .result = code};
}

int64_t occurrences(const std::vector<AuditRecord>& records) {
    return std::accumulate(records.begin(), records.end(), int64_t{0},
                           [](int64_t sum, const AuditRecord& record) { return sum + record.event.occurrences; });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_tally)

BOOST_AUTO_TEST_CASE(a_flood_is_one_record_at_once_and_one_count_per_window) {
    TempDir dir("tally");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuditLog log(queue);
    ManualClock clock;
    AuditTally tally(log, clock);
    for (int i = 0; i < 4000; ++i) tally.count(refusal("192.0.2.7", "missing_credential"));
    auto records = log.list({}, 100);
    BOOST_TEST_REQUIRE(records.size() == 1u, "the first refusal is on record at once");
    BOOST_TEST(records[0].event.occurrences == 1);
    BOOST_TEST(records[0].event.subject == "GET /api/v1/seals");

    BOOST_TEST(tally.flush_due() == 0u, "the window has not ended");
    clock.advance(std::chrono::seconds(60));
    BOOST_TEST(tally.flush_due() == 1u);
    records = log.list({}, 100);
    BOOST_TEST_REQUIRE(records.size() == 2u);
    BOOST_TEST(records[1].event.occurrences == 3999);
    BOOST_TEST(records[1].event.client_address == "192.0.2.7");
    BOOST_TEST(records[1].event.result == "missing_credential");
    BOOST_TEST(records[1].event.subject == "window 2026-12-07T23:00:00Z +60s");
    BOOST_TEST(occurrences(records) == 4000);
    BOOST_TEST(log.verify().empty());
}

BOOST_AUTO_TEST_CASE(kinds_are_counted_apart_and_a_flush_writes_what_is_held) {
    TempDir dir("tally");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuditLog log(queue);
    ManualClock clock;
    {
        AuditTally tally(log, clock);
        for (int i = 0; i < 10; ++i) tally.count(refusal("192.0.2.7", "missing_credential"));
        for (int i = 0; i < 7; ++i) tally.count(refusal("192.0.2.8", "missing_credential"));
        for (int i = 0; i < 5; ++i) tally.count(refusal("192.0.2.7", "invalid_credential"));
        BOOST_TEST(log.list({}, 100).size() == 3u);
        BOOST_TEST(tally.flush() == 3u);
        BOOST_TEST(tally.flush() == 0u, "nothing is written twice");
        tally.count(refusal("192.0.2.9", "path_traversal"));
        // The destructor writes nothing more: the one count left was written at once.
    }
    auto records = log.list({}, 100);
    BOOST_TEST(records.size() == 7u);
    BOOST_TEST(occurrences(records) == 23);
    BOOST_TEST(log.verify().empty());
}

BOOST_AUTO_TEST_CASE(without_first_at_once_a_window_is_one_record) {
    TempDir dir("tally");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuditLog log(queue);
    ManualClock clock;
    AuditTally tally(log, clock, {.first_at_once = false});
    for (int i = 0; i < 250; ++i)
        tally.count({.action = "tsa.response", .actor = "anonymous", .client_address = "", .subject = "", .document_hash = "",
                     .result = i % 5 == 0 ? "refused" : "issued"});
    BOOST_TEST(log.list({}, 100).empty());
    clock.advance(std::chrono::seconds(60));
    tally.count({.action = "tsa.response", .actor = "anonymous", .client_address = "", .subject = "", .document_hash = "",
                 .result = "issued"});
    // The next window's first count wrote the ended window of its kind; the other kind waits for flush_due.
    BOOST_TEST(log.list({}, 100).size() == 1u);
    BOOST_TEST(tally.flush_due() == 1u);
    BOOST_TEST(tally.flush() == 1u);
    auto records = log.list({}, 100);
    BOOST_TEST_REQUIRE(records.size() == 3u);
    BOOST_TEST(occurrences(records) == 251);
    int64_t refused = 0;
    for (const auto& record : records)
        if (record.event.result == "refused") refused += record.event.occurrences;
    BOOST_TEST(refused == 50);
}

BOOST_AUTO_TEST_CASE(the_kinds_held_are_capped_and_written_when_full) {
    TempDir dir("tally");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuditLog log(queue);
    ManualClock clock;
    AuditTally tally(log, clock, {.max_kinds = 100, .first_at_once = false});
    for (int address = 0; address < 1000; ++address)
        for (int i = 0; i < 3; ++i) tally.count(refusal("198.51.100." + std::to_string(address), "missing_credential"));
    tally.flush();
    auto records = log.list({}, 10'000);
    BOOST_TEST(records.size() == 1000u);
    BOOST_TEST(occurrences(records) == 3000);
}

BOOST_AUTO_TEST_CASE(a_count_is_covered_by_the_hash) {
    TempDir dir("tally");
    std::string path = sign::test::fresh_database(dir);
    {
        WriteQueue queue(path);
        AuditLog log(queue);
        ManualClock clock;
        AuditTally tally(log, clock, {.first_at_once = false});
        for (int i = 0; i < 40; ++i) tally.count(refusal("192.0.2.7", "missing_credential"));
        tally.flush();
        log.append(refusal("192.0.2.7", "invalid_credential"), clock.now());
        BOOST_TEST(log.verify().empty());
    }
    sign::store::open_connection(path)->execute("UPDATE audit_log SET occurrences = 4 WHERE sequence = 1");
    WriteQueue queue(path);
    auto problems = AuditLog(queue).verify();
    BOOST_TEST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(problems[0].sequence == 1);
    BOOST_TEST(problems[0].code == "hash_mismatch");
}

BOOST_AUTO_TEST_SUITE_END()
