#include "legacy_pin_verifier.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace sign::test {

namespace {

using Connection = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Connection open(const std::string& database) {
    sqlite3* db = nullptr;
    if (sqlite3_open(database.c_str(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + database);
    }
    // signd may be writing at the same moment (the benchmark).
    sqlite3_busy_timeout(db, 30000);
    return Connection(db, &sqlite3_close);
}

Statement prepare(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("cannot prepare: ") + sqlite3_errmsg(db));
    return Statement(statement, &sqlite3_finalize);
}

std::vector<uint8_t> blob(sqlite3_stmt* row, int column) {
    auto* bytes = static_cast<const uint8_t*>(sqlite3_column_blob(row, column));
    return std::vector<uint8_t>(bytes, bytes + sqlite3_column_bytes(row, column));
}

}  // namespace

StoredPinVerifier scrypt_pin_verifier(const std::string& pin) {
    StoredPinVerifier verifier{std::vector<uint8_t>(16), std::vector<uint8_t>(32), 15, 8, 1, "scrypt"};
    RAND_bytes(verifier.salt.data(), static_cast<int>(verifier.salt.size()));
    if (EVP_PBE_scrypt(pin.data(), pin.size(), verifier.salt.data(), verifier.salt.size(), uint64_t{1} << 15, 8, 1,
                       64ull << 20, verifier.hash.data(), verifier.hash.size()) != 1)
        throw std::runtime_error("scrypt failed");
    return verifier;
}

StoredPinVerifier read_pin_verifier_row(const std::string& database, const std::string& table, const std::string& id) {
    auto db = open(database);
    auto row = prepare(db.get(), "SELECT pin_salt, pin_hash, scrypt_log2_n, scrypt_r, scrypt_p, pin_scheme FROM " + table +
                                     " WHERE id = ?");
    sqlite3_bind_text(row.get(), 1, id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(row.get()) != SQLITE_ROW) throw std::runtime_error("no " + table + " row '" + id + "'");
    return {blob(row.get(), 0), blob(row.get(), 1), sqlite3_column_int64(row.get(), 2), sqlite3_column_int64(row.get(), 3),
            sqlite3_column_int64(row.get(), 4), reinterpret_cast<const char*>(sqlite3_column_text(row.get(), 5))};
}

void write_pin_verifier_row(const std::string& database, const std::string& table, const std::string& id,
                            const StoredPinVerifier& verifier) {
    auto db = open(database);
    auto update = prepare(db.get(), "UPDATE " + table +
                                        " SET pin_salt = ?, pin_hash = ?, scrypt_log2_n = ?, scrypt_r = ?, scrypt_p = ?, "
                                        "pin_scheme = ? WHERE id = ?");
    sqlite3_bind_blob(update.get(), 1, verifier.salt.data(), static_cast<int>(verifier.salt.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(update.get(), 2, verifier.hash.data(), static_cast<int>(verifier.hash.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(update.get(), 3, verifier.log2_n);
    sqlite3_bind_int64(update.get(), 4, verifier.r);
    sqlite3_bind_int64(update.get(), 5, verifier.p);
    sqlite3_bind_text(update.get(), 6, verifier.scheme.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(update.get(), 7, id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(update.get()) != SQLITE_DONE || sqlite3_changes(db.get()) != 1)
        throw std::runtime_error("no " + table + " row '" + id + "' to update: " + sqlite3_errmsg(db.get()));
}

void store_scrypt_pin_verifier(const std::string& database, const std::string& table, const std::string& id,
                               const std::string& pin) {
    write_pin_verifier_row(database, table, id, scrypt_pin_verifier(pin));
}

}  // namespace sign::test
