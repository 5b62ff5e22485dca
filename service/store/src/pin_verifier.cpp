#include "pin_verifier.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include "secret_token.h"
#include "sign/error.h"

namespace sign::store {

namespace {

// scrypt cost for new verifiers: 2^15 x 8 x 1 takes 32 MiB and tens of milliseconds, so guessing a
// 6-digit PIN from a stolen database costs hours per PIN. Stored per row so it can be raised.
constexpr int scrypt_log2_n = 15;
constexpr int scrypt_r = 8;
constexpr int scrypt_p = 1;
constexpr size_t salt_size = 16;
constexpr size_t hash_size = 32;

std::vector<uint8_t> scrypt(const std::string& pin, const PinVerifier& parameters) {
    // Bounds keep an edited row from making each check take minutes or gigabytes.
    if (parameters.log2_n < 10 || parameters.log2_n > 22 || parameters.r < 1 || parameters.r > 32 || parameters.p < 1 ||
        parameters.p > 16)
        throw Error(ErrorKind::internal, "invalid_pin_verifier", "the stored PIN verifier has impossible parameters");
    std::vector<uint8_t> out(hash_size);
    uint64_t n = uint64_t{1} << parameters.log2_n;
    // scrypt needs 128 * r * N bytes; allow that plus slack.
    uint64_t max_memory = 129 * static_cast<uint64_t>(parameters.r) * n + (uint64_t{1} << 20);
    if (EVP_PBE_scrypt(pin.data(), pin.size(), parameters.salt.data(), parameters.salt.size(), n,
                       static_cast<uint64_t>(parameters.r), static_cast<uint64_t>(parameters.p), max_memory, out.data(),
                       out.size()) != 1)
        throw Error(ErrorKind::internal, "scrypt_failed", "deriving the PIN verifier failed");
    return out;
}

}  // namespace

void check_pin_rules(const std::string& pin) {
    auto characters = std::count_if(pin.begin(), pin.end(), [](char c) { return (c & 0xC0) != 0x80; });
    if (characters < 4) throw Error(ErrorKind::invalid_input, "pin_too_short", "a PIN has at least 4 characters");
    if (characters > 64) throw Error(ErrorKind::invalid_input, "pin_too_long", "a PIN has at most 64 characters");
}

PinVerifier new_pin_verifier(const std::string& pin) {
    check_pin_rules(pin);
    PinVerifier verifier;
    verifier.log2_n = scrypt_log2_n;
    verifier.r = scrypt_r;
    verifier.p = scrypt_p;
    verifier.salt.resize(salt_size);
    if (RAND_bytes(verifier.salt.data(), static_cast<int>(salt_size)) != 1)
        throw Error(ErrorKind::internal, "random_failed", "the system random generator failed");
    verifier.hash = scrypt(pin, verifier);
    return verifier;
}

bool pin_matches(const std::string& pin, const PinVerifier& verifier) {
    if (verifier.empty()) return false;
    return equal_in_constant_time(scrypt(pin, verifier), verifier.hash);
}

PinVerifier read_pin_verifier(const Statement& row, int first) {
    PinVerifier verifier;
    verifier.salt = row.blob(first);
    verifier.hash = row.blob(first + 1);
    verifier.log2_n = static_cast<int>(row.integer(first + 2));
    verifier.r = static_cast<int>(row.integer(first + 3));
    verifier.p = static_cast<int>(row.integer(first + 4));
    return verifier;
}

void bind_pin_verifier(Statement& statement, int first, const PinVerifier& verifier) {
    statement.bind(first, verifier.salt)
        .bind(first + 1, verifier.hash)
        .bind(first + 2, int64_t{verifier.log2_n})
        .bind(first + 3, int64_t{verifier.r})
        .bind(first + 4, int64_t{verifier.p});
}

}  // namespace sign::store
