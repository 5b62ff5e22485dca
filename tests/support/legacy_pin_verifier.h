#pragma once
// PIN verifiers as the stores made them before the token's PIN verifier key:
// scrypt (N = 2^15, r = 8, p = 1, 16-byte salt), made with OpenSSL and written
// straight into a database row with SQLite, not through the store's own code.

#include <cstdint>
#include <string>
#include <vector>

namespace sign::test {

/// The verifier columns of one row of `signers` or `devices`.
struct StoredPinVerifier {
    std::vector<uint8_t> salt;
    std::vector<uint8_t> hash;
    int64_t log2_n = 0, r = 0, p = 0;
    std::string scheme;  ///< "scrypt" or "hmac-sha256"
};

/// A scrypt verifier of `pin`, as the stores made them before.
StoredPinVerifier scrypt_pin_verifier(const std::string& pin);
/// The verifier of row `id` in `table` ("signers" or "devices") of the SQLite file `database`.
StoredPinVerifier read_pin_verifier_row(const std::string& database, const std::string& table, const std::string& id);
/// Overwrites the verifier of row `id` in `table` with `verifier`.
void write_pin_verifier_row(const std::string& database, const std::string& table, const std::string& id,
                            const StoredPinVerifier& verifier);
/// write_pin_verifier_row() with scrypt_pin_verifier(`pin`).
void store_scrypt_pin_verifier(const std::string& database, const std::string& table, const std::string& id,
                               const std::string& pin);

}  // namespace sign::test
