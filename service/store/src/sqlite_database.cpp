#include "sign/store/sqlite_database.h"

#include <sqlite3.h>

#include "sign/error.h"

namespace sign::store {

namespace {

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& action) {
    int extended = db ? sqlite3_extended_errcode(db) : rc;
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if ((extended & 0xff) == SQLITE_CONSTRAINT)
        throw Error(ErrorKind::conflict, "already_exists", action + ": " + detail);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        throw Error(ErrorKind::internal, "database_busy", action + ": the database is busy (" + detail + ")");
    throw Error(ErrorKind::internal, "database_error", action + ": " + detail);
}

class SqliteStatement final : public StatementBackend {
public:
    SqliteStatement(const SqliteDatabase& owner, const std::string& sql) : owner_(owner), sql_(sql), db_(owner.handle()) {
        statement_ = owner_.take_idle(sql_);
        if (statement_) return;
        int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement_, nullptr);
        if (rc != SQLITE_OK) fail(db_, rc, "preparing a database query");
    }

    /// Resets the statement and gives it back to its connection for the next use.
    ~SqliteStatement() override {
        if (!statement_) return;
        // Resetting also ends the read transaction a half-stepped query holds.
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
        owner_.give_back(sql_, statement_);
    }

    void bind(int index, const std::string& value) override {
        sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }

    void bind(int index, int64_t value) override { sqlite3_bind_int64(statement_, index, value); }

    void bind(int index, const std::vector<uint8_t>& blob) override {
        // An empty vector's data() may be null, which SQLite would store as NULL rather than an empty blob.
        if (blob.empty()) {
            sqlite3_bind_zeroblob(statement_, index, 0);
            return;
        }
        sqlite3_bind_blob(statement_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    }

    void bind_null(int index) override { sqlite3_bind_null(statement_, index); }

    bool step() override {
        int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail(db_, rc, "writing to the database");
    }

    std::string text(int column) const override {
        auto* value = sqlite3_column_text(statement_, column);
        return value ? std::string(reinterpret_cast<const char*>(value),
                                   static_cast<size_t>(sqlite3_column_bytes(statement_, column)))
                     : "";
    }

    int64_t integer(int column) const override { return sqlite3_column_int64(statement_, column); }

    std::vector<uint8_t> blob(int column) const override {
        auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(statement_, column));
        return data ? std::vector<uint8_t>(data, data + sqlite3_column_bytes(statement_, column)) : std::vector<uint8_t>{};
    }

    bool is_null(int column) const override { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

private:
    const SqliteDatabase& owner_;
    std::string sql_;
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

}  // namespace

Statement SqliteDatabase::prepare(const std::string& sql) const {
    return Statement(std::make_unique<SqliteStatement>(*this, sql));
}

SqliteDatabase::SqliteDatabase(const std::string& path) : path_(path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        throw Error(ErrorKind::internal, "database_unavailable", "cannot open the database " + path + ": " + detail);
    }
    sqlite3_busy_timeout(db_, 5000);
    execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
}

SqliteDatabase::~SqliteDatabase() {
    for (auto& [sql, statement] : idle_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
}

sqlite3_stmt* SqliteDatabase::take_idle(const std::string& sql) const {
    std::lock_guard lock(idle_mutex_);
    auto found = idle_.find(sql);
    if (found == idle_.end()) return nullptr;
    sqlite3_stmt* statement = found->second;
    idle_.erase(found);
    return statement;
}

void SqliteDatabase::give_back(const std::string& sql, sqlite3_stmt* statement) const {
    std::lock_guard lock(idle_mutex_);
    idle_.emplace(sql, statement);
}

int SqliteDatabase::changes() const { return sqlite3_changes(db_); }

void SqliteDatabase::execute(const std::string& sql) const {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string detail = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        if ((sqlite3_extended_errcode(db_) & 0xff) == SQLITE_CONSTRAINT)
            throw Error(ErrorKind::conflict, "already_exists", detail);
        throw Error(ErrorKind::internal, "database_error", "database statement failed: " + detail);
    }
}

size_t SqliteDatabase::schema_version() const {
    auto version_query = prepare("PRAGMA user_version");
    version_query.step();
    return static_cast<size_t>(version_query.integer(0));
}

void SqliteDatabase::migrate(const std::vector<std::string>& migrations) const {
    // A current file, the usual case, needs no write lock: every signctl command opens it.
    if (schema_version() == migrations.size()) return;
    // The version is read again inside each step's write transaction, so two processes opening an
    // old file at once (signd and signctl) never both apply the same step.
    for (;;) {
        bool current = false;
        transaction([&] {
            auto version = schema_version();
            if (version > migrations.size())
                throw Error(ErrorKind::internal, "database_too_new",
                            "the database " + path_ + " was written by a newer version of this software (schema " +
                                std::to_string(version) + ")");
            if (version == migrations.size()) {
                current = true;
                return;
            }
            execute(migrations[version]);
            execute("PRAGMA user_version = " + std::to_string(version + 1));
        });
        if (current) return;
    }
}

}  // namespace sign::store
