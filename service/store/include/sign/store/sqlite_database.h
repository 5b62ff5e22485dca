#pragma once
// A thin RAII layer over one SQLite connection: prepared statements, write
// transactions and numbered schema migrations. Settings favour durability: a
// write that returned is on disk (WAL, synchronous=FULL), so a kill -9 loses
// nothing that was acknowledged.

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace sign::store {

/// One prepared statement; bind with 1-based indexes, then step().
class SqliteDatabase;

class Statement {
public:
    /// Prepares `sql`, or reuses an idle prepared copy of it that `owner` keeps.
    Statement(const SqliteDatabase& owner, const std::string& sql);
    /// Resets the statement and gives it back to its connection for the next use.
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, const std::string& value);
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, const std::vector<uint8_t>& blob);
    Statement& bind_null(int index);
    /// Binds a value or NULL.
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bind(int index, const std::optional<int64_t>& value);

    /// Advances; true while a row is available. Throws on constraint violations and I/O errors.
    bool step();
    /// Runs a statement that returns no rows.
    void run();

    std::string text(int column) const;
    int64_t integer(int column) const;
    std::vector<uint8_t> blob(int column) const;
    bool is_null(int column) const;

private:
    const SqliteDatabase& owner_;
    std::string sql_;
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

class SqliteDatabase {
public:
    /// Opens (creating if needed) the database file with WAL journaling and full sync.
    explicit SqliteDatabase(const std::string& path);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    /// Prepares `sql` on this connection.
    Statement prepare(const std::string& sql) const { return Statement(*this, sql); }
    /// Runs one or more statements without results.
    void execute(const std::string& sql) const;
    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection; only meaningful on a
    /// connection one thread uses at a time (the writer's, inside a WriteQueue work).
    int changes() const;
    /// Runs `work` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it throws.
    void transaction(const std::function<void()>& work) const;
    /// Applies migrations[i] for every i at or past the stored schema version, each in its own
    /// transaction, so a database is always at a whole version; safe against another process
    /// migrating the same file at the same time.
    void migrate(const std::vector<std::string>& migrations) const;

    const std::string& path() const { return path_; }

private:
    friend class Statement;
    /// An idle prepared statement for `sql`, or null; statements in use are never shared, so
    /// threads sharing the connection never step the same statement.
    sqlite3_stmt* take_idle(const std::string& sql) const;
    void give_back(const std::string& sql, sqlite3_stmt* statement) const;

    std::string path_;
    sqlite3* db_ = nullptr;
    // Parsing SQL was a fifth of a busy server's time; the few distinct queries are kept prepared.
    mutable std::mutex idle_mutex_;
    mutable std::unordered_multimap<std::string, sqlite3_stmt*> idle_;
};

}  // namespace sign::store
