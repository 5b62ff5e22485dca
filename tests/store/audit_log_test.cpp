// The audit chain: records come back as appended, and editing, removing or
// swapping records in the SQLite file directly is found and named by sequence.

#include <boost/test/unit_test.hpp>

#include <openssl/sha.h>

#include <chrono>
#include <clocale>
#include <cwchar>
#include <filesystem>

#include "error_code.h"
#include "sign/audit/audit_log.h"
#include "sign/hex.h"
#include "sign/store/connection.h"
#include "sign/store/write_queue.h"
#include "postgresql_server.h"
#include "temp_dir.h"

using sign::audit::AuditLog;
using sign::audit::AuditProblem;
using sign::store::Connection;
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

// Changes the database behind the store's back, as someone with access to it could.
void tamper(const std::string& path, const std::string& sql) { sign::store::open_connection(path)->execute(sql); }

std::vector<AuditProblem> verify(const std::string& path) {
    WriteQueue queue(path);
    return AuditLog(queue).verify();
}

// Reads one text column of one record as the database holds it, bypassing the log.
std::string stored(const std::string& path, int64_t sequence, const std::string& column) {
    auto database = sign::store::open_connection(path);
    auto query = database->prepare("SELECT " + column + " FROM audit_log WHERE sequence = ?");
    query.bind(1, sequence);
    return query.step() ? query.text(0) : "";
}

// How much room the database takes: the SQLite file, or the audit table on a PostgreSQL server.
uintmax_t database_bytes(const std::string& path) {
    if (!sign::store::is_postgresql(path)) return std::filesystem::file_size(path);
    auto database = sign::store::open_connection(path);
    auto query = database->prepare("SELECT pg_total_relation_size('audit_log')");
    query.step();
    return static_cast<uintmax_t>(query.integer(0));
}

// True when `text` is well-formed UTF-8 without control characters (what a terminal and a JSON
// encoder accept as text), checked with the C library's own decoder.
bool plain_utf8(const std::string& text) {
    std::mbstate_t state{};
    const char* cursor = text.data();
    const char* end = text.data() + text.size();
    while (cursor < end) {
        wchar_t character = 0;
        size_t length = std::mbrtowc(&character, cursor, static_cast<size_t>(end - cursor), &state);
        if (length == 0 || length > 4 || character < 0x20 || (character >= 0x7F && character < 0xA0)) return false;
        cursor += length;
    }
    return true;
}

std::string sha256_hex(const std::string& text) {
    std::vector<std::uint8_t> digest(SHA256_DIGEST_LENGTH);
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return sign::to_hex(digest);
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
    std::string path = sign::test::fresh_database(dir);
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
    WriteQueue queue(sign::test::fresh_database(dir));
    AuditLog log(queue);
    log.append({"client.add", "signctl", "", "portal", "", "ok"}, start);
    auto refused = sign::test::error_code_of([&] {
        queue.run([&](const Connection& transaction) {
            log.append(transaction, {"csc.authorize", "portal", "10.0.0.1", "leader", "", "ok"}, start);
            throw sign::Error(sign::ErrorKind::conflict, "later_step_failed", "the write this record belongs to failed");
        });
    });
    BOOST_TEST(refused == "later_step_failed");
    queue.run([&](const Connection& transaction) {
        auto record = log.append(transaction, {"csc.authorize", "portal", "10.0.0.1", "leader", "", "ok"}, start);
        BOOST_TEST(record.sequence == 2);
    });
    BOOST_TEST(log.list(0, 100).size() == 2u);
    BOOST_TEST(log.verify().empty());
}

BOOST_AUTO_TEST_CASE(an_edited_field_is_named_at_its_record) {
    TempDir dir("audit");
    std::string path = sign::test::fresh_database(dir);
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
    std::string path = sign::test::fresh_database(dir);
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
    std::string path = sign::test::fresh_database(dir);
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
    std::string second = sign::test::fresh_database(other);
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

// A refused request's text is the client's: the log keeps a bounded, readable form of it, hashed
// as kept, so a hostile client can neither fill the disk nor plant bytes its readers choke on.
BOOST_AUTO_TEST_CASE(a_client_s_text_is_kept_bounded_and_readable) {
    BOOST_TEST_REQUIRE(std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr);
    TempDir dir("audit");
    std::string path = sign::test::fresh_database(dir);
    const std::string huge(32 * 1024 * 1024, 'A');
    const std::string vietnamese = [] {
        std::string text;
        while (text.size() < 1000) text += "Nguyễn Văn An, Phó Giám đốc Sở Thông tin và Truyền thông; ";
        return text;
    }();
    std::string hashes;  // the most signd accepts: 100 SHA-512 hashes
    for (int i = 0; i < 100; ++i) hashes += (i ? "," : "") + std::string(128, "0123456789"[i % 10]);
    {
        WriteQueue queue(path);
        AuditLog log(queue);
        log.append({"authentication", "anonymous", "10.0.0.9", "GET /api/v1/seals/\xff/pdf", "", "invalid_credential"},
                   start);
        log.append({"csc.authorize", "portal\x1b[2J\r", "10.0.0.9", huge, hashes, "unknown_credential"}, start);
        log.append({"csc.authorize", "portal", "10.0.0.9", vietnamese, "", "ok"}, start);
        log.append({"csc.authorize", "portal", "10.0.0.9", "Đà Nẵng \xc3(\xed\xa0\x80\xf4\x90\x80\x80", "", "ok"},
                   start);
    }
    for (int64_t sequence = 1; sequence <= 4; ++sequence)
        for (const char* column : {"action", "actor", "client_address", "subject", "result"}) {
            std::string value = stored(path, sequence, column);
            BOOST_TEST(value.size() <= 256u, "record " << sequence << " " << column << ": " << value.size() << " bytes");
            BOOST_TEST(plain_utf8(value), "record " << sequence << " " << column << ": " << value);
        }
    // Invalid bytes and control characters are written as \xHH; valid text stays as it is.
    BOOST_TEST(stored(path, 1, "subject") == "GET /api/v1/seals/\\xFF/pdf");
    BOOST_TEST(stored(path, 2, "actor") == "portal\\x1B[2J\\x0D");
    BOOST_TEST(stored(path, 4, "subject") == "Đà Nẵng \\xC3(\\xED\\xA0\\x80\\xF4\\x90\\x80\\x80");
    // A long field keeps its start, cut between characters, and the whole original's length and hash.
    std::string kept = stored(path, 2, "subject");
    BOOST_TEST(kept.starts_with("AAAAAAAAAAAAAAAA"));
    BOOST_TEST(kept.find("33554432 bytes, sha256 " + sha256_hex(huge)) != std::string::npos, kept);
    kept = stored(path, 3, "subject");
    BOOST_TEST(kept.find(std::to_string(vietnamese.size()) + " bytes, sha256 " + sha256_hex(vietnamese)) != std::string::npos,
               kept);
    BOOST_TEST(vietnamese.starts_with(kept.substr(0, 150)));
    // The document hashes are signd's own and fit whole.
    BOOST_TEST(stored(path, 2, "document_hash") == hashes);
    BOOST_TEST(database_bytes(path) < 1024u * 1024u);

    WriteQueue queue(path);
    AuditLog log(queue);
    BOOST_TEST(log.verify().empty(), describe(log.verify()));
    auto records = log.list(0, 10);
    BOOST_TEST_REQUIRE(records.size() == 4u);
    BOOST_TEST(records[1].event.subject == stored(path, 2, "subject"));
    std::setlocale(LC_CTYPE, "C");
}

// Paging from the end reads the newest records even when numbers are missing.
BOOST_AUTO_TEST_CASE(the_newest_records_are_listed_across_a_gap) {
    TempDir dir("audit");
    std::string path = sign::test::fresh_database(dir);
    write_six(path);
    tamper(path, "DELETE FROM audit_log WHERE sequence = 5");
    WriteQueue queue(path);
    AuditLog log(queue);
    auto newest = log.list(std::nullopt, 2);
    BOOST_TEST_REQUIRE(newest.size() == 2u);
    BOOST_TEST(newest[0].sequence == 4);
    BOOST_TEST(newest[1].sequence == 6);
    BOOST_TEST(log.list(std::nullopt, 100).size() == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
