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

}  // namespace

Statement::Statement(const SqliteDatabase& owner, const std::string& sql) : owner_(owner), sql_(sql), db_(owner.db_) {
    statement_ = owner_.take_idle(sql_);
    if (statement_) return;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement_, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "preparing a database query");
}

Statement::~Statement() {
    if (!statement_) return;
    // Resetting also ends the read transaction a half-stepped query holds.
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    owner_.give_back(sql_, statement_);
}

Statement& Statement::bind(int index, const std::string& value) {
    sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind(int index, int64_t value) {
    sqlite3_bind_int64(statement_, index, value);
    return *this;
}

Statement& Statement::bind(int index, const std::vector<uint8_t>& blob) {
    // An empty vector's data() may be null, which SQLite would store as NULL rather than an empty blob.
    if (blob.empty()) {
        sqlite3_bind_zeroblob(statement_, index, 0);
        return *this;
    }
    sqlite3_bind_blob(statement_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(statement_, index);
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
}

bool Statement::step() {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc, "writing to the database");
}

void Statement::run() {
    while (step()) {
    }
}

std::string Statement::text(int column) const {
    auto* value = sqlite3_column_text(statement_, column);
    return value ? std::string(reinterpret_cast<const char*>(value), static_cast<size_t>(sqlite3_column_bytes(statement_, column))) : "";
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

std::vector<uint8_t> Statement::blob(int column) const {
    auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(statement_, column));
    return data ? std::vector<uint8_t>(data, data + sqlite3_column_bytes(statement_, column)) : std::vector<uint8_t>{};
}

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

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

void SqliteDatabase::transaction(const std::function<void()>& work) const {
    execute("BEGIN IMMEDIATE");
    try {
        work();
        execute("COMMIT");
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void SqliteDatabase::migrate(const std::vector<std::string>& migrations) const {
    // A current file, the usual case, needs no write lock: every signctl command opens it.
    {
        auto version_query = prepare("PRAGMA user_version");
        version_query.step();
        if (static_cast<size_t>(version_query.integer(0)) == migrations.size()) return;
    }
    // The version is read again inside each step's write transaction, so two processes opening an
    // old file at once (signd and signctl) never both apply the same step.
    for (;;) {
        bool current = false;
        transaction([&] {
            auto version_query = prepare("PRAGMA user_version");
            version_query.step();
            auto version = static_cast<size_t>(version_query.integer(0));
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
