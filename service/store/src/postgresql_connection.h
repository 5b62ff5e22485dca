#pragma once
// A connection to a PostgreSQL server through libpq, speaking the stores' SQL:
// `?`/`?N` parameters become `$N`, and the schema's SQLite column types their
// PostgreSQL equivalents. Each distinct statement is prepared once per
// connection. Results are read whole at the first step(), so several
// statements of one thread may be open on the connection at once, and threads
// sharing it take turns per round trip (and per transaction).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sign/store/connection.h"

struct pg_conn;
struct pg_result;

namespace sign::store {

/// The stores' SQL with its `?` and `?N` parameters numbered as PostgreSQL wants ($1, $2, ...);
/// text in quotes and comments is left alone.
std::string postgresql_parameters(const std::string& sql);

/// A migration written for SQLite, with its column types made PostgreSQL's: INTEGER is BIGINT
/// (the stores keep 64-bit microseconds), an INTEGER PRIMARY KEY is a BIGINT identity (SQLite's
/// row id), BLOB is BYTEA.
std::string postgresql_schema(const std::string& sqlite_ddl);

class PostgresqlConnection final : public Connection {
public:
    /// Connects to `url` (postgresql://user:password@host:port/database?options).
    explicit PostgresqlConnection(const std::string& url);
    ~PostgresqlConnection() override;
    PostgresqlConnection(const PostgresqlConnection&) = delete;
    PostgresqlConnection& operator=(const PostgresqlConnection&) = delete;

    Statement prepare(const std::string& sql) const override;
    void execute(const std::string& sql) const override;
    int changes() const override;
    void begin_write() const override { execute("BEGIN"); }
    void serialize_writers(const std::string& name) const override;
    /// Holds the connection for the whole transaction: another thread's statement must not land in it.
    void transaction(const std::function<void()>& work) const override;
    void migrate(const std::vector<std::string>& migrations) const override;
    size_t schema_version() const override;
    const std::string& location() const override { return location_; }

    /// Runs a prepared statement with its parameters (null entries are SQL NULL; `binary[i]` marks
    /// a BYTEA value sent as raw bytes). Throws as Statement::step() documents.
    pg_result* run_prepared(const std::string& sql, const std::vector<const char*>& values, const std::vector<int>& lengths,
                            const std::vector<int>& binary) const;

    std::recursive_mutex& turn() const { return turn_; }

private:
    /// The connection, reconnected first if the server was lost since the last use. Throws
    /// `database_unavailable` when it cannot, and when a transaction was open on the lost session
    /// (then again on every use until that transaction's ROLLBACK).
    pg_conn* connected() const;
    void note_transaction_state(pg_conn* connection) const;

    std::string url_;
    std::string location_;
    mutable pg_conn* connection_ = nullptr;
    mutable std::recursive_mutex turn_;
    mutable std::map<std::string, std::string> prepared_;  ///< SQL -> statement name on this connection
    mutable int changes_ = 0;
    mutable bool in_transaction_ = false;   ///< as the server last said
    mutable bool transaction_lost_ = false;  ///< a transaction died with its session, not yet rolled back
};

}  // namespace sign::store
