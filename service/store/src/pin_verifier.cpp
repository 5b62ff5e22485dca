#include "pin_verifier.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <string_view>

#include "secret_token.h"
#include "sign/error.h"

namespace sign::store {

namespace {

constexpr size_t salt_size = 16;
constexpr size_t hash_size = 32;
// Binds each verifier to its purpose, so no other HMAC the key might make can pass for one.
constexpr std::string_view hmac_label = "city-sign PIN verifier v1";

std::vector<uint8_t> hmac_of(const std::string& pin, const std::vector<uint8_t>& salt, const MacKey& key) {
    // label, NUL, salt, PIN: the salt has a fixed length, so the split is unambiguous.
    std::vector<uint8_t> message(hmac_label.begin(), hmac_label.end());
    message.push_back(0);
    message.insert(message.end(), salt.begin(), salt.end());
    message.insert(message.end(), pin.begin(), pin.end());
    auto mac = key.mac(message);
    OPENSSL_cleanse(message.data(), message.size());
    return mac;
}

const char* scheme_name(PinScheme scheme) { return scheme == PinScheme::scrypt ? "scrypt" : "hmac-sha256"; }

PinScheme parse_scheme(const std::string& name) {
    if (name == "scrypt") return PinScheme::scrypt;
    if (name == "hmac-sha256") return PinScheme::hmac_sha256;
    throw Error(ErrorKind::internal, "invalid_pin_verifier", "the stored PIN verifier has an unknown scheme '" + name + "'");
}

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

namespace {

PinVerifier hmac_verifier(const std::string& pin, const MacKey& key) {
    PinVerifier verifier;
    verifier.scheme = PinScheme::hmac_sha256;
    verifier.salt.resize(salt_size);
    if (RAND_bytes(verifier.salt.data(), static_cast<int>(salt_size)) != 1)
        throw Error(ErrorKind::internal, "random_failed", "the system random generator failed");
    verifier.hash = hmac_of(pin, verifier.salt, key);
    return verifier;
}

}  // namespace

PinVerifier new_pin_verifier(const std::string& pin, const MacKey& key) {
    check_pin_rules(pin);
    return hmac_verifier(pin, key);
}

bool pin_matches(const std::string& pin, const PinVerifier& verifier, const PinKeySource& key) {
    if (verifier.empty()) return false;
    if (verifier.scheme == PinScheme::scrypt) return equal_in_constant_time(scrypt(pin, verifier), verifier.hash);
    return equal_in_constant_time(hmac_of(pin, verifier.salt, key()), verifier.hash);
}

std::optional<PinVerifier> upgraded_pin_verifier(const std::string& pin, const PinVerifier& verifier,
                                                 const PinKeySource& key) {
    // The PIN met the rules of its day; it is not checked against today's again.
    if (!verifier.outdated()) return std::nullopt;
    return hmac_verifier(pin, key());
}

PinVerifier read_pin_verifier(const Statement& row, int first) {
    PinVerifier verifier;
    verifier.salt = row.blob(first);
    verifier.hash = row.blob(first + 1);
    verifier.log2_n = static_cast<int>(row.integer(first + 2));
    verifier.r = static_cast<int>(row.integer(first + 3));
    verifier.p = static_cast<int>(row.integer(first + 4));
    verifier.scheme = parse_scheme(row.text(first + 5));
    return verifier;
}

void bind_pin_verifier(Statement& statement, int first, const PinVerifier& verifier) {
    statement.bind(first, verifier.salt)
        .bind(first + 1, verifier.hash)
        .bind(first + 2, int64_t{verifier.log2_n})
        .bind(first + 3, int64_t{verifier.r})
        .bind(first + 4, int64_t{verifier.p})
        .bind(first + 5, std::string(scheme_name(verifier.scheme)));
}

std::string pin_verifier_columns(const std::string& prefix) {
    std::string columns;
    for (const char* name : {"pin_salt", "pin_hash", "scrypt_log2_n", "scrypt_r", "scrypt_p", "pin_scheme"})
        columns += (columns.empty() ? "" : ", ") + prefix + name;
    return columns;
}

}  // namespace sign::store
