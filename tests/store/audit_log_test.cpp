// The audit chain: records come back as appended, and editing, removing or
// swapping records in the SQLite file directly is found and named by sequence.

#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <chrono>

#include "error_code.h"
#include "sign/audit/audit_log.h"
#include "sign/store/write_queue.h"
#include "temp_dir.h"

using sign::audit::AuditLog;
using sign::audit::AuditProblem;
using sign::store::SqliteDatabase;
using sign::store::WriteQueue;
using sign::test::TempDir;

namespace {

const auto start = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{3};

// A log of six records, each a second apart, with a microsecond part that must survive storage.
void write_six(const std::string& path) {
    WriteQueue queue(path);
    AuditLog log(queue);
    for (int i = 1; i <= 6; ++i)
        log.append({"signature.pades", "portal-" + std::to_string(i), "10.0.0." + std::to_string(i), "leader",
                    std::string(64, static_cast<char>('a' + i)), "ok"},
                   start + std::chrono::seconds(i) + std::chrono::microseconds(i));
}

// Changes the file behind the store's back, as someone with access to the disk could.
void tamper(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    std::string detail = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    BOOST_TEST_REQUIRE(rc == SQLITE_OK, detail);
}

std::vector<AuditProblem> verify(const std::string& path) {
    WriteQueue queue(path);
    return AuditLog(queue).verify();
}

std::string describe(const std::vector<AuditProblem>& problems) {
    std::string text;
    for (const auto& problem : problems) text += std::to_string(problem.sequence) + ":" + problem.code + " ";
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_log)

BOOST_AUTO_TEST_CASE(records_are_chained_and_listed_as_appended) {
    TempDir dir("audit");
    std::string path = (dir / "sign.db").string();
    write_six(path);
    WriteQueue queue(path);
    AuditLog log(queue);
    auto all = log.list(0, 100);
    BOOST_TEST_REQUIRE(all.size() == 6u);
    BOOST_TEST(all[0].previous_hash == std::string(64, '0'));
    for (size_t i = 0; i < all.size(); ++i) {
        BOOST_TEST(all[i].sequence == static_cast<int64_t>(i + 1));
        BOOST_TEST(all[i].event.actor == "portal-" + std::to_string(i + 1));
        BOOST_TEST((all[i].time == start + std::chrono::seconds(i + 1) + std::chrono::microseconds(i + 1)));
        if (i > 0) BOOST_TEST(all[i].previous_hash == all[i - 1].hash);
    }
    auto newest = log.list(std::nullopt, 2);
    BOOST_TEST_REQUIRE(newest.size() == 2u);
    BOOST_TEST(newest[0].sequence == 5);
    BOOST_TEST(newest[1].sequence == 6);
    auto after = log.list(4, 100);
    BOOST_TEST_REQUIRE(after.size() == 2u);
    BOOST_TEST(after[0].sequence == 5);
    BOOST_TEST(log.verify().empty());
    BOOST_TEST(sign::test::error_code_of([&] { log.append({"", "signctl", "", "", "", "ok"}, start); }) ==
               "incomplete_audit_event");
}

BOOST_AUTO_TEST_CASE(an_append_inside_a_write_commits_or_rolls_back_with_it) {
    TempDir dir("audit");
    WriteQueue queue((dir / "sign.db").string());
    AuditLog log(queue);
    log.append({"client.add", "signctl", "", "portal", "", "ok"}, start);
    auto refused = sign::test::error_code_of([&] {
        queue.run([&](const SqliteDatabase& transaction) {
            log.append(transaction, {"csc.authorize", "portal", "10.0.0.1", "leader", "", "ok"}, start);
            throw sign::Error(sign::ErrorKind::conflict, "later_step_failed", "the write this record belongs to failed");
        });
    });
    BOOST_TEST(refused == "later_step_failed");
    queue.run([&](const SqliteDatabase& transaction) {
        auto record = log.append(transaction, {"csc.authorize", "portal", "10.0.0.1", "leader", "", "ok"}, start);
        BOOST_TEST(record.sequence == 2);
    });
    BOOST_TEST(log.list(0, 100).size() == 2u);
    BOOST_TEST(log.verify().empty());
}

BOOST_AUTO_TEST_CASE(an_edited_field_is_named_at_its_record) {
    TempDir dir("audit");
    std::string path = (dir / "sign.db").string();
    write_six(path);
    tamper(path, "UPDATE audit_log SET result = 'ok ' WHERE sequence = 3");
    auto problems = verify(path);
    BOOST_TEST_REQUIRE(problems.size() == 1u, describe(problems));
    BOOST_TEST(problems[0].sequence == 3);
    BOOST_TEST(problems[0].code == "hash_mismatch");

    // Editing the time by one microsecond is an edit too.
    tamper(path, "UPDATE audit_log SET result = 'ok' WHERE sequence = 3; "
                 "UPDATE audit_log SET time_us = time_us + 1 WHERE sequence = 5");
    problems = verify(path);
    BOOST_TEST_REQUIRE(problems.size() == 1u, describe(problems));
    BOOST_TEST(problems[0].sequence == 5);
    BOOST_TEST(problems[0].code == "hash_mismatch");
}

BOOST_AUTO_TEST_CASE(a_removed_record_is_named_at_the_next) {
    TempDir dir("audit");
    std::string path = (dir / "sign.db").string();
    write_six(path);
    tamper(path, "DELETE FROM audit_log WHERE sequence = 3");
    auto problems = verify(path);
    BOOST_TEST_REQUIRE(problems.size() == 2u, describe(problems));
    BOOST_TEST(problems[0].sequence == 4);
    BOOST_TEST(problems[0].code == "sequence_gap");
    BOOST_TEST(problems[1].sequence == 4);
    BOOST_TEST(problems[1].code == "chain_broken");
}

BOOST_AUTO_TEST_CASE(swapped_records_are_named_at_the_first_swapped) {
    TempDir dir("audit");
    std::string path = (dir / "sign.db").string();
    write_six(path);
    tamper(path, "UPDATE audit_log SET sequence = -1 WHERE sequence = 4; "
                 "UPDATE audit_log SET sequence = 4 WHERE sequence = 3; "
                 "UPDATE audit_log SET sequence = 3 WHERE sequence = -1");
    auto problems = verify(path);
    BOOST_TEST_REQUIRE(!problems.empty());
    BOOST_TEST(problems[0].sequence == 3, describe(problems));
    for (const auto& problem : problems) BOOST_TEST((problem.sequence >= 3 && problem.sequence <= 5), describe(problems));

    // Swapping the contents and the hashes but keeping the sequence numbers is found as well.
    TempDir other("audit");
    std::string second = (other / "sign.db").string();
    write_six(second);
    tamper(second, "CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE sequence IN (2, 5); "
                   "UPDATE audit_log SET (time_us, action, actor, client_address, subject, document_hash, result, "
                   "previous_hash, hash) = (SELECT time_us, action, actor, client_address, subject, document_hash, "
                   "result, previous_hash, hash FROM saved WHERE saved.sequence = 7 - audit_log.sequence) "
                   "WHERE sequence IN (2, 5)");
    problems = verify(second);
    BOOST_TEST_REQUIRE(!problems.empty());
    BOOST_TEST(problems[0].sequence == 2, describe(problems));
    bool fifth_named = false;
    for (const auto& problem : problems) fifth_named = fifth_named || problem.sequence == 5;
    BOOST_TEST(fifth_named, describe(problems));
}

BOOST_AUTO_TEST_SUITE_END()
