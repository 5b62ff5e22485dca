#include "sign/store/connection.h"

#include "postgresql_connection.h"
#include "sign/store/sqlite_database.h"

namespace sign::store {

void Connection::transaction(const std::function<void()>& work) const {
    begin_write();
    try {
        work();
        execute("COMMIT");
    } catch (...) {
        try {
            execute("ROLLBACK");
        } catch (...) {
            // The engine may have rolled back already (SQLite on some errors, a lost server); the
            // work's own failure is what the caller needs.
        }
        throw;
    }
}

bool is_postgresql(const std::string& location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Connection> open_connection(const std::string& location) {
    if (is_postgresql(location)) return std::make_unique<PostgresqlConnection>(location);
    return std::make_unique<SqliteDatabase>(location);
}

}  // namespace sign::store
