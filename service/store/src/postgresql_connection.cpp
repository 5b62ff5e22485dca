#include "postgresql_connection.h"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <string_view>
#include <memory>
#include <regex>

#include "sign/error.h"

namespace sign::store {

namespace {

struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// A fixed key for pg_advisory_xact_lock, so two processes migrating one database take turns.
constexpr int64_t migration_lock = 0x63697479'7369676e;  // "citysign"

std::string without_password(const std::string& url) {
    // postgresql://user:secret@host/... -> postgresql://user@host/...; the password stays out of
    // logs and error messages.
    static const std::regex password(R"(^(postgres(?:ql)?://[^:/@]*):[^@/]*@)");
    return std::regex_replace(url, password, "$1@");
}

bool connection_lost(PGconn* connection) { return connection == nullptr || PQstatus(connection) != CONNECTION_OK; }

[[noreturn]] void fail(PGconn* connection, const PGresult* result, const std::string& action) {
    std::string detail = result ? PQresultErrorMessage(result) : "";
    if (detail.empty() && connection) detail = PQerrorMessage(connection);
    while (!detail.empty() && std::isspace(static_cast<unsigned char>(detail.back()))) detail.pop_back();
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    // Class 23: integrity constraint violations (unique, foreign key, not null, check).
    if (sqlstate.rfind("23", 0) == 0) throw Error(ErrorKind::conflict, "already_exists", action + ": " + detail);
    // Serialization failure and deadlock: the same answer as SQLite's busy database.
    if (sqlstate == "40001" || sqlstate == "40P01")
        throw Error(ErrorKind::internal, "database_busy", action + ": the database is busy (" + detail + ")");
    // Class 08 (connection exception), 57P01-3 (the server shutting down or restarting), or no
    // answer at all: the server is not there, which the service answers with 503.
    if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P0", 0) == 0 || connection_lost(connection) || !result)
        throw Error(ErrorKind::internal, "database_unavailable", action + ": the database server is unavailable (" + detail + ")");
    throw Error(ErrorKind::internal, "database_error", action + ": " + detail);
}

class PostgresqlStatement final : public StatementBackend {
public:
    PostgresqlStatement(const PostgresqlConnection& owner, std::string sql) : owner_(owner), sql_(std::move(sql)) {}

    void bind(int index, const std::string& value) override { set(index, value, false); }
    void bind(int index, int64_t value) override { set(index, std::to_string(value), false); }
    void bind(int index, const std::vector<uint8_t>& blob) override {
        set(index, std::string(blob.begin(), blob.end()), true);
    }
    void bind_null(int index) override {
        grow(index);
        values_[static_cast<size_t>(index - 1)].reset();
    }

    bool step() override {
        if (!result_) {
            std::vector<const char*> values;
            std::vector<int> lengths, binary;
            for (size_t i = 0; i < values_.size(); ++i) {
                values.push_back(values_[i] ? values_[i]->data() : nullptr);
                lengths.push_back(values_[i] ? static_cast<int>(values_[i]->size()) : 0);
                binary.push_back(binary_[i]);
            }
            result_.reset(owner_.run_prepared(sql_, values, lengths, binary));
            row_ = -1;
        }
        return ++row_ < PQntuples(result_.get());
    }

    std::string text(int column) const override {
        if (PQgetisnull(result_.get(), row_, column)) return "";
        return std::string(PQgetvalue(result_.get(), row_, column), static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
    }

    int64_t integer(int column) const override {
        if (PQgetisnull(result_.get(), row_, column)) return 0;
        std::string_view value(PQgetvalue(result_.get(), row_, column), static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
        // A comparison (`x IS NULL`) is a boolean here, an integer in SQLite.
        if (value == "t") return 1;
        if (value == "f") return 0;
        int64_t number = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error != std::errc() || end != value.data() + value.size())
            throw Error(ErrorKind::internal, "database_error", "column " + std::to_string(column) + " is not an integer");
        return number;
    }

    std::vector<uint8_t> blob(int column) const override {
        if (PQgetisnull(result_.get(), row_, column)) return {};
        size_t length = 0;
        unsigned char* bytes =
            PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &length);
        if (bytes == nullptr) throw std::bad_alloc();
        std::vector<uint8_t> out(bytes, bytes + length);
        PQfreemem(bytes);
        return out;
    }

    bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }

private:
    void grow(int index) {
        if (index < 1) throw Error(ErrorKind::internal, "database_error", "parameter indexes start at 1");
        if (values_.size() < static_cast<size_t>(index)) {
            values_.resize(static_cast<size_t>(index));
            binary_.resize(static_cast<size_t>(index), 0);
        }
    }

    void set(int index, std::string value, bool binary) {
        grow(index);
        values_[static_cast<size_t>(index - 1)] = std::move(value);
        binary_[static_cast<size_t>(index - 1)] = binary ? 1 : 0;
    }

    const PostgresqlConnection& owner_;
    std::string sql_;
    std::vector<std::optional<std::string>> values_;
    std::vector<int> binary_;
    Result result_;
    int row_ = -1;
};

}  // namespace

std::string postgresql_parameters(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 8);
    int next = 1;
    for (size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            size_t end = sql.find(c, i + 1);
            if (end == std::string::npos) end = sql.size() - 1;
            out.append(sql, i, end - i + 1);
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            size_t end = sql.find('\n', i);
            if (end == std::string::npos) end = sql.size() - 1;
            out.append(sql, i, end - i + 1);
            i = end;
        } else if (c == '?') {
            size_t digits = i + 1;
            while (digits < sql.size() && std::isdigit(static_cast<unsigned char>(sql[digits]))) ++digits;
            if (digits > i + 1) {
                out += '$';
                out.append(sql, i + 1, digits - i - 1);
                i = digits - 1;
            } else {
                out += '$' + std::to_string(next++);
            }
        } else {
            out += c;
        }
    }
    return out;
}

std::string postgresql_schema(const std::string& sqlite_ddl) {
    static const std::regex row_id(R"(\bINTEGER\s+PRIMARY\s+KEY\b)");
    static const std::regex integer(R"(\bINTEGER\b)");
    static const std::regex blob(R"(\bBLOB\b)");
    std::string out = std::regex_replace(sqlite_ddl, row_id, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    out = std::regex_replace(out, integer, "BIGINT");
    return std::regex_replace(out, blob, "BYTEA");
}

PostgresqlConnection::PostgresqlConnection(const std::string& url) : url_(url), location_(without_password(url)) {
    connection_ = PQconnectdb(url_.c_str());
    if (connection_lost(connection_)) {
        std::string detail = connection_ ? PQerrorMessage(connection_) : "out of memory";
        PQfinish(connection_);
        connection_ = nullptr;
        throw Error(ErrorKind::internal, "database_unavailable", "cannot connect to the database " + location_ + ": " + detail);
    }
}

PostgresqlConnection::~PostgresqlConnection() { PQfinish(connection_); }

PGconn* PostgresqlConnection::connected() const {
    if (transaction_lost_)
        throw Error(ErrorKind::internal, "database_unavailable",
                    "the transaction in progress was lost with the connection to " + location_);
    if (!connection_lost(connection_)) return connection_;
    // The server went away (restart, failover): reconnect once per use. Statements prepared on
    // the old session are gone with it.
    prepared_.clear();
    if (connection_ == nullptr)
        connection_ = PQconnectdb(url_.c_str());
    else
        PQreset(connection_);
    if (connection_lost(connection_))
        throw Error(ErrorKind::internal, "database_unavailable",
                    "the database server " + location_ + " is unavailable: " + (connection_ ? PQerrorMessage(connection_) : ""));
    // A transaction open on the lost session is gone with it: the new session would run the
    // transaction's remaining statements on their own, committed one by one. Until its owner
    // rolls it back, nothing else runs here.
    if (in_transaction_) {
        in_transaction_ = false;
        transaction_lost_ = true;
        throw Error(ErrorKind::internal, "database_unavailable",
                    "the transaction in progress was lost with the connection to " + location_);
    }
    return connection_;
}

void PostgresqlConnection::note_transaction_state(PGconn* connection) const {
    // Unknown once the connection is lost: the last known state is what the reconnection needs.
    auto state = PQtransactionStatus(connection);
    if (state != PQTRANS_UNKNOWN) in_transaction_ = state != PQTRANS_IDLE;
}

Statement PostgresqlConnection::prepare(const std::string& sql) const {
    return Statement(std::make_unique<PostgresqlStatement>(*this, sql));
}

PGresult* PostgresqlConnection::run_prepared(const std::string& sql, const std::vector<const char*>& values,
                                             const std::vector<int>& lengths, const std::vector<int>& binary) const {
    std::lock_guard lock(turn_);
    PGconn* connection = connected();
    auto found = prepared_.find(sql);
    if (found == prepared_.end()) {
        std::string name = "s" + std::to_string(prepared_.size() + 1);
        Result made(PQprepare(connection, name.c_str(), postgresql_parameters(sql).c_str(), 0, nullptr));
        if (!made || PQresultStatus(made.get()) != PGRES_COMMAND_OK) fail(connection, made.get(), "preparing a database query");
        found = prepared_.emplace(sql, name).first;
    }
    Result result(PQexecPrepared(connection, found->second.c_str(), static_cast<int>(values.size()), values.data(),
                                 lengths.data(), binary.data(), 0));
    note_transaction_state(connection);
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(connection, result.get(), "running a database query");
    const char* affected = PQcmdTuples(result.get());
    changes_ = affected && *affected ? std::atoi(affected) : 0;
    return result.release();
}

void PostgresqlConnection::execute(const std::string& sql) const {
    std::lock_guard lock(turn_);
    if (sql == "ROLLBACK") {
        // The transaction is over either way: rolled back here, or by the server when its session
        // ended with the connection.
        transaction_lost_ = false;
        in_transaction_ = false;
        if (connection_lost(connection_)) return;
    }
    PGconn* connection = connected();
    Result result(PQexec(connection, sql.c_str()));
    note_transaction_state(connection);
    auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(connection, result.get(), "database statement failed");
}

void PostgresqlConnection::serialize_writers(const std::string& name) const {
    prepare("SELECT pg_advisory_xact_lock(hashtext(?))").bind(1, name).run();
}

int PostgresqlConnection::changes() const {
    std::lock_guard lock(turn_);
    return changes_;
}

void PostgresqlConnection::transaction(const std::function<void()>& work) const {
    std::lock_guard lock(turn_);
    Connection::transaction(work);
}

size_t PostgresqlConnection::schema_version() const {
    auto exists = prepare("SELECT to_regclass('schema_version') IS NOT NULL");
    if (!exists.step() || exists.text(0) != "t") return 0;
    auto query = prepare("SELECT version FROM schema_version");
    return query.step() ? static_cast<size_t>(query.integer(0)) : 0;
}

void PostgresqlConnection::migrate(const std::vector<std::string>& migrations) const {
    // A current database, the usual case, takes no lock: every signctl command opens it.
    if (schema_version() == migrations.size()) return;
    transaction([&] {
        // Held to the end of the transaction: a second process migrating waits, then finds the
        // schema current.
        execute("SELECT pg_advisory_xact_lock(" + std::to_string(migration_lock) + ")");
        execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
        size_t version = schema_version();
        if (version > migrations.size())
            throw Error(ErrorKind::internal, "database_too_new",
                        "the database " + location_ + " was written by a newer version of this software (schema " +
                            std::to_string(version) + ")");
        if (version == migrations.size()) return;
        for (size_t step = version; step < migrations.size(); ++step) execute(postgresql_schema(migrations[step]));
        execute("DELETE FROM schema_version");
        prepare("INSERT INTO schema_version (version) VALUES (?)").bind(1, static_cast<int64_t>(migrations.size())).run();
    });
}

}  // namespace sign::store
