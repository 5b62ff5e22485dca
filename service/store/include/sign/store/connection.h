#pragma once
// One database connection, whichever engine is behind it: an SQLite file (the
// embedded default, one machine) or a PostgreSQL server (several signd
// replicas). The stores write their SQL once, in the subset both engines
// understand, with `?` or `?N` parameters; each connection adapts what differs
// (parameter syntax, column types of the schema, the version bookkeeping).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sign::store {

/// What a prepared statement of one engine does; Statement forwards to it.
class StatementBackend {
public:
    virtual ~StatementBackend() = default;
    virtual void bind(int index, const std::string& value) = 0;
    virtual void bind(int index, int64_t value) = 0;
    virtual void bind(int index, const std::vector<uint8_t>& blob) = 0;
    virtual void bind_null(int index) = 0;
    virtual bool step() = 0;
    virtual std::string text(int column) const = 0;
    virtual int64_t integer(int column) const = 0;
    virtual std::vector<uint8_t> blob(int column) const = 0;
    virtual bool is_null(int column) const = 0;
};

/// One prepared statement; bind with 1-based indexes, then step().
class Statement {
public:
    explicit Statement(std::unique_ptr<StatementBackend> backend) : backend_(std::move(backend)) {}

    Statement& bind(int index, const std::string& value) { return backend_->bind(index, value), *this; }
    Statement& bind(int index, int64_t value) { return backend_->bind(index, value), *this; }
    Statement& bind(int index, const std::vector<uint8_t>& blob) { return backend_->bind(index, blob), *this; }
    Statement& bind_null(int index) { return backend_->bind_null(index), *this; }
    /// Binds a value or NULL.
    Statement& bind(int index, const std::optional<std::string>& value) { return value ? bind(index, *value) : bind_null(index); }
    Statement& bind(int index, const std::optional<int64_t>& value) { return value ? bind(index, *value) : bind_null(index); }

    /// Advances; true while a row is available. Throws on constraint violations and I/O errors:
    /// conflict `already_exists` for a unique or foreign key violation, internal `database_error`,
    /// internal `database_unavailable` when the server cannot be reached (HTTP 503).
    bool step() { return backend_->step(); }
    /// Runs a statement that returns no rows.
    void run() {
        while (step()) {
        }
    }

    std::string text(int column) const { return backend_->text(column); }
    int64_t integer(int column) const { return backend_->integer(column); }
    std::vector<uint8_t> blob(int column) const { return backend_->blob(column); }
    bool is_null(int column) const { return backend_->is_null(column); }

private:
    std::unique_ptr<StatementBackend> backend_;
};

class Connection {
public:
    virtual ~Connection() = default;

    /// Prepares `sql` on this connection.
    virtual Statement prepare(const std::string& sql) const = 0;
    /// Runs one or more statements without results.
    virtual void execute(const std::string& sql) const = 0;
    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection; only meaningful on a
    /// connection one thread uses at a time (the writer's, inside a WriteQueue work).
    virtual int changes() const = 0;
    /// Starts a transaction that will write, taking the engine's write lock now where it has one
    /// (SQLite's BEGIN IMMEDIATE), so the transaction cannot fail later for want of it.
    virtual void begin_write() const = 0;
    /// Inside a write transaction: waits until no other transaction that called this with the same
    /// `name` is open, then holds that turn to the end of the transaction. SQLite's write lock
    /// already serialises every writer; PostgreSQL takes an advisory lock, so writers on several
    /// servers' connections take turns on one thing (the audit chain's head) and nothing else.
    virtual void serialize_writers(const std::string& name) const = 0;
    /// Runs `work` inside begin_write() ... COMMIT; rolls back if it throws.
    virtual void transaction(const std::function<void()>& work) const;
    /// Applies migrations[i] for every i at or past the stored schema version, each in its own
    /// transaction, so a database is always at a whole version; safe against another process
    /// migrating the same database at the same time.
    virtual void migrate(const std::vector<std::string>& migrations) const = 0;
    /// How many migrations the database has run (0 for a new one).
    virtual size_t schema_version() const = 0;

    /// The file path or the postgresql:// URL it was opened with (with no password in it).
    virtual const std::string& location() const = 0;
};

/// Whether `location` names a PostgreSQL server (postgresql:// or postgres:// URL) rather than
/// an SQLite file.
bool is_postgresql(const std::string& location);

/// Opens a connection to `location`: a postgresql:// URL, or else the path of an SQLite file
/// (created if missing). Throws internal `database_unavailable` if it cannot be opened.
std::unique_ptr<Connection> open_connection(const std::string& location);

}  // namespace sign::store
