#include "legacy_pin_verifier.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "sign/store/connection.h"

namespace sign::test {

StoredPinVerifier scrypt_pin_verifier(const std::string& pin) {
    StoredPinVerifier verifier{std::vector<uint8_t>(16), std::vector<uint8_t>(32), 15, 8, 1, "scrypt"};
    RAND_bytes(verifier.salt.data(), static_cast<int>(verifier.salt.size()));
    if (EVP_PBE_scrypt(pin.data(), pin.size(), verifier.salt.data(), verifier.salt.size(), uint64_t{1} << 15, 8, 1,
                       64ull << 20, verifier.hash.data(), verifier.hash.size()) != 1)
        throw std::runtime_error("scrypt failed");
    return verifier;
}

StoredPinVerifier read_pin_verifier_row(const std::string& database, const std::string& table, const std::string& id) {
    auto db = store::open_connection(database);
    auto row = db->prepare("SELECT pin_salt, pin_hash, scrypt_log2_n, scrypt_r, scrypt_p, pin_scheme FROM " + table + " WHERE id = ?");
    row.bind(1, id);
    if (!row.step()) throw std::runtime_error("no " + table + " row '" + id + "'");
    return {row.blob(0), row.blob(1), row.integer(2), row.integer(3), row.integer(4), row.text(5)};
}

void write_pin_verifier_row(const std::string& database, const std::string& table, const std::string& id,
                            const StoredPinVerifier& verifier) {
    auto db = store::open_connection(database);
    db->prepare("UPDATE " + table +
                " SET pin_salt = ?, pin_hash = ?, scrypt_log2_n = ?, scrypt_r = ?, scrypt_p = ?, pin_scheme = ? WHERE id = ?")
        .bind(1, verifier.salt)
        .bind(2, verifier.hash)
        .bind(3, verifier.log2_n)
        .bind(4, verifier.r)
        .bind(5, verifier.p)
        .bind(6, verifier.scheme)
        .bind(7, id)
        .run();
    if (db->changes() != 1) throw std::runtime_error("no " + table + " row '" + id + "' to update");
}

void store_scrypt_pin_verifier(const std::string& database, const std::string& table, const std::string& id,
                               const std::string& pin) {
    write_pin_verifier_row(database, table, id, scrypt_pin_verifier(pin));
}

}  // namespace sign::test
