#pragma once
// A thin RAII layer over one SQLite connection: prepared statements, write
// transactions and numbered schema migrations. Settings favour durability: a
// write that returned is on disk (WAL, synchronous=FULL), so a kill -9 loses
// nothing that was acknowledged.

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "sign/store/connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sign::store {

class SqliteDatabase final : public Connection {
public:
    /// Opens (creating if needed) the database file with WAL journaling and full sync.
    explicit SqliteDatabase(const std::string& path);
    ~SqliteDatabase() override;
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    Statement prepare(const std::string& sql) const override;
    void execute(const std::string& sql) const override;
    int changes() const override;
    void begin_write() const override { execute("BEGIN IMMEDIATE"); }
    void serialize_writers(const std::string&) const override {}
    void migrate(const std::vector<std::string>& migrations) const override;
    size_t schema_version() const override;
    const std::string& location() const override { return path_; }

    /// An idle prepared statement for `sql`, or null; statements in use are never shared, so
    /// threads sharing the connection never step the same statement.
    sqlite3_stmt* take_idle(const std::string& sql) const;
    void give_back(const std::string& sql, sqlite3_stmt* statement) const;
    sqlite3* handle() const { return db_; }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
    // Parsing SQL was a fifth of a busy server's time; the few distinct queries are kept prepared.
    mutable std::mutex idle_mutex_;
    mutable std::unordered_multimap<std::string, sqlite3_stmt*> idle_;
};

}  // namespace sign::store
