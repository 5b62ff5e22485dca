// The write queue: every acknowledged work is committed, a failing work
// leaves the rest of its group alone, and a kill -9 loses nothing that was
// acknowledged.

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <sstream>
#include <thread>

#include "error_code.h"
#include "sign/audit/audit_log.h"
#include "sign/store/certificate_store.h"
#include "sign/store/schema.h"
#include "sign/store/write_queue.h"
#include "postgresql_server.h"
#include "temp_dir.h"

using sign::store::Connection;
using sign::store::WriteQueue;
using sign::test::TempDir;

namespace {

int64_t count_rows(const Connection& database, const std::string& table) {
    auto query = database.prepare("SELECT COUNT(*) FROM " + table);
    query.step();
    return query.integer(0);
}

void create_counter_table(WriteQueue& queue) {
    queue.run([](const Connection& database) {
        database.execute("CREATE TABLE IF NOT EXISTS entries (thread INTEGER, item INTEGER, PRIMARY KEY (thread, item))");
    });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(write_queue)

BOOST_AUTO_TEST_CASE(every_work_of_many_threads_is_committed_once) {
    TempDir dir("store");
    std::string path = sign::test::fresh_database(dir);
    constexpr int threads = 8;
    constexpr int items = 150;
    {
        WriteQueue queue(path);
        create_counter_table(queue);
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                for (int i = 0; i < items; ++i)
                    queue.run([&](const Connection& database) {
                        database.prepare("INSERT INTO entries VALUES (?, ?)").bind(1, int64_t{t}).bind(2, int64_t{i}).run();
                    });
                // What this thread wrote is visible to its own reader once run() returned.
                auto query = queue.reader().prepare("SELECT COUNT(*) FROM entries WHERE thread = ?");
                query.bind(1, int64_t{t});
                query.step();
                BOOST_TEST(query.integer(0) == items);
            });
        for (auto& worker : workers) worker.join();
        BOOST_TEST(queue.pending() == 0u);
    }
    auto reopened = sign::store::open_connection(path);
    BOOST_TEST(count_rows(*reopened, "entries") == threads * items);
}

BOOST_AUTO_TEST_CASE(a_failing_work_rolls_back_alone_and_its_caller_gets_the_error) {
    TempDir dir("store");
    WriteQueue queue(sign::test::fresh_database(dir));
    create_counter_table(queue);

    // Hold the writer in one work while five more queue up behind it, so those five are one group.
    std::atomic<bool> writer_busy = false;
    std::atomic<bool> release = false;
    std::thread blocker([&] {
        queue.run([&](const Connection&) {
            writer_busy = true;
            while (!release) std::this_thread::yield();
        });
    });
    while (!writer_busy) std::this_thread::yield();

    std::vector<std::string> outcomes(5);
    std::vector<std::thread> callers;
    for (int i = 0; i < 5; ++i)
        callers.emplace_back([&, i] {
            outcomes[static_cast<size_t>(i)] = sign::test::error_code_of([&] {
                queue.run([&](const Connection& database) {
                    database.prepare("INSERT INTO entries VALUES (0, ?)").bind(1, int64_t{i}).run();
                    if (i == 2) throw sign::Error(sign::ErrorKind::invalid_input, "refused_on_purpose", "this work fails");
                });
            });
        });
    while (queue.pending() < 5) std::this_thread::yield();
    release = true;
    blocker.join();
    for (auto& caller : callers) caller.join();

    BOOST_TEST(outcomes == (std::vector<std::string>{"no error", "no error", "refused_on_purpose", "no error", "no error"}));
    auto query = queue.reader().prepare("SELECT item FROM entries ORDER BY item");
    std::vector<int64_t> items;
    while (query.step()) items.push_back(query.integer(0));
    BOOST_TEST(items == (std::vector<int64_t>{0, 1, 3, 4}));
}

BOOST_AUTO_TEST_CASE(a_work_cannot_queue_another) {
    TempDir dir("store");
    WriteQueue queue(sign::test::fresh_database(dir));
    std::string code;
    queue.run([&](const Connection&) {
        code = sign::test::error_code_of([&] { queue.run([](const Connection&) {}); });
    });
    BOOST_TEST(code == "nested_write");
}

// SQLite's file lock (BEGIN IMMEDIATE) and busy timeout; PostgreSQL locks rows, not the database.
BOOST_AUTO_TEST_CASE(a_write_lock_held_by_another_connection_is_waited_for, *boost::unit_test::label("sqlite_file")) {
    TempDir dir("store");
    std::string path = sign::test::fresh_database(dir);
    WriteQueue queue(path);
    create_counter_table(queue);
    // Another process (signctl while signd runs) holds the write lock, as a plain sqlite3 connection.
    sqlite3* other = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
    BOOST_TEST_REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE; INSERT INTO entries VALUES (9, 9)", nullptr, nullptr, nullptr) ==
                       SQLITE_OK);
    std::string outcome;
    std::thread writer([&] {
        outcome = sign::test::error_code_of([&] {
            queue.run([](const Connection& database) { database.execute("INSERT INTO entries VALUES (1, 1)"); });
        });
    });
    // Once the writer has taken the work it is blocked on the lock; then the other side commits.
    while (queue.pending() > 0) std::this_thread::yield();
    BOOST_TEST_REQUIRE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);
    writer.join();
    BOOST_TEST(outcome == "no error");
    BOOST_TEST(count_rows(queue.reader(), "entries") == 2);
}

BOOST_AUTO_TEST_CASE(an_existing_certificate_database_is_upgraded_in_place) {
    TempDir dir("store");
    std::string path = sign::test::fresh_database(dir);
    {
        // A database as the certificate store alone wrote it: only the first migration.
        auto old = sign::store::open_connection(path);
        old->migrate({sign::store::schema_migrations().front()});
        old->prepare("INSERT INTO settings (name, value) VALUES ('issuing_ca', '0abc')").run();
    }
    WriteQueue queue(path);
    sign::store::CertificateStore certificates(path);
    BOOST_TEST(certificates.setting("issuing_ca").value_or("") == "0abc");
    BOOST_TEST(queue.reader().schema_version() == sign::store::schema_migrations().size());
    BOOST_TEST(count_rows(queue.reader(), "audit_log") == 0);
}

// A PostgreSQL server restarting (or failing over): while it is down, writes and reads fail with
// database_unavailable, which signd answers with 503, and once it is back the same queue and the
// same thread's reader carry on, reconnected, with nothing reopened. Its own server, in both runs.
BOOST_AUTO_TEST_CASE(a_postgresql_restart_fails_cleanly_then_the_queue_reconnects) {
    sign::test::PostgresqlServer server;
    WriteQueue queue(server.create_database("restarting"));
    create_counter_table(queue);
    auto insert = [&](int64_t item) {
        return sign::test::error_code_of([&] {
            queue.run([item](const Connection& database) {
                database.prepare("INSERT INTO entries VALUES (1, ?)").bind(1, item).run();
            });
        });
    };
    BOOST_TEST(insert(1) == "no error");
    BOOST_TEST(count_rows(queue.reader(), "entries") == 1);

    server.stop();
    BOOST_TEST(insert(2) == "database_unavailable");
    BOOST_TEST(insert(3) == "database_unavailable");
    BOOST_TEST(sign::test::error_code_of([&] { count_rows(queue.reader(), "entries"); }) == "database_unavailable");

    server.start();
    BOOST_TEST(insert(4) == "no error");
    auto items = queue.reader().prepare("SELECT item FROM entries ORDER BY item");
    std::vector<int64_t> stored;
    while (items.step()) stored.push_back(items.integer(0));
    BOOST_TEST(stored == (std::vector<int64_t>{1, 4}), "nothing written while the server was down");
}

// The server ends a session in the middle of a transaction (a failover, an administrator's
// pg_terminate_backend). The connection reconnects, but never runs the rest of that transaction on
// the new session one statement at a time, even for code that goes on after the first failure:
// nothing of it is committed, and the connection works again after the rollback.
BOOST_AUTO_TEST_CASE(a_transaction_cut_by_a_lost_session_commits_nothing_of_it) {
    sign::test::PostgresqlServer server;
    std::string url = server.create_database("cut");
    auto connection = sign::store::open_connection(url);
    auto administrator = sign::store::open_connection(url);
    connection->execute("CREATE TABLE entries (thread INTEGER, item INTEGER, PRIMARY KEY (thread, item))");
    auto pid = connection->prepare("SELECT pg_backend_pid()");
    BOOST_TEST_REQUIRE(pid.step());
    const int64_t session = pid.integer(0);
    auto insert = [&](int64_t item) {
        return sign::test::error_code_of(
            [&] { connection->prepare("INSERT INTO entries VALUES (1, ?)").bind(1, item).run(); });
    };

    std::vector<std::string> inside;
    auto outcome = sign::test::error_code_of([&] {
        connection->transaction([&] {
            inside.push_back(insert(1));
            administrator->prepare("SELECT pg_terminate_backend(?)").bind(1, session).run();
            inside.push_back(insert(2));
            inside.push_back(insert(3));  // carries on after the failure, as careless code might
        });
    });
    BOOST_TEST(inside == (std::vector<std::string>{"no error", "database_unavailable", "database_unavailable"}));
    BOOST_TEST(outcome == "database_unavailable");  // the work swallowed its failures; its COMMIT cannot
    BOOST_TEST(count_rows(*administrator, "entries") == 0);

    BOOST_TEST(insert(4) == "no error");
    BOOST_TEST(count_rows(*administrator, "entries") == 1);
}

BOOST_AUTO_TEST_CASE(kill_9_loses_no_acknowledged_audit_record) {
    TempDir dir("store");
    std::string path = sign::test::fresh_database(dir);
    int pipe_ends[2];
    BOOST_TEST_REQUIRE(pipe(pipe_ends) == 0);
    pid_t child = fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        dup2(pipe_ends[1], STDOUT_FILENO);
        close(pipe_ends[0]);
        close(pipe_ends[1]);
        execl(AUDIT_APPENDER, AUDIT_APPENDER, path.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(pipe_ends[1]);

    std::string received;
    auto lines_in = [&] { return std::count(received.begin(), received.end(), '\n'); };
    char buffer[4096];
    bool killed = false;
    for (;;) {
        ssize_t got = read(pipe_ends[0], buffer, sizeof buffer);
        if (got <= 0) break;
        received.append(buffer, static_cast<size_t>(got));
        if (!killed && lines_in() >= 300) {
            kill(child, SIGKILL);  // mid-stream: its writers are appending as fast as they can
            killed = true;
        }
    }
    close(pipe_ends[0]);
    int status = 0;
    waitpid(child, &status, 0);
    BOOST_TEST_REQUIRE(killed);
    BOOST_TEST_REQUIRE(WIFSIGNALED(status));
    BOOST_TEST(WTERMSIG(status) == SIGKILL);

    std::map<int64_t, std::string> acknowledged;
    std::istringstream lines(received);
    int64_t sequence;
    std::string subject;
    while (lines >> sequence >> subject) acknowledged[sequence] = subject;
    BOOST_TEST_REQUIRE(acknowledged.size() >= 300u);

    WriteQueue queue(path);
    sign::audit::AuditLog log(queue);
    auto records = log.list(0, 1000000);
    std::map<int64_t, std::string> stored;
    for (const auto& record : records) stored[record.sequence] = record.event.subject;
    for (const auto& [acked_sequence, acked_subject] : acknowledged) {
        BOOST_TEST_CONTEXT("record " << acked_sequence) {
            BOOST_TEST_REQUIRE(stored.count(acked_sequence) == 1u);
            BOOST_TEST(stored[acked_sequence] == acked_subject);
        }
    }
    BOOST_TEST(log.verify().empty());
    BOOST_TEST(records.size() >= acknowledged.size());
}

BOOST_AUTO_TEST_SUITE_END()
