#include "sign/store/signer_store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include "row_values.h"
#include "secret_token.h"
#include "sign/error.h"
#include "sign/serial_number.h"
#include "sign/utc_time.h"

namespace sign::store {

namespace {

// scrypt cost for new verifiers: 2^15 x 8 x 1 takes 32 MiB and tens of milliseconds, so guessing a
// 6-digit PIN from a stolen database costs hours per signer. Stored per row so it can be raised.
constexpr int scrypt_log2_n = 15;
constexpr int scrypt_r = 8;
constexpr int scrypt_p = 1;
constexpr size_t salt_size = 16;
constexpr size_t hash_size = 32;

struct PinVerifier {
    std::vector<uint8_t> salt;
    std::vector<uint8_t> hash;
    int log2_n = scrypt_log2_n;
    int r = scrypt_r;
    int p = scrypt_p;
};

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

void check_pin_rules(const std::string& pin) {
    auto characters = std::count_if(pin.begin(), pin.end(), [](char c) { return (c & 0xC0) != 0x80; });
    if (characters < 4) throw Error(ErrorKind::invalid_input, "pin_too_short", "a signer PIN has at least 4 characters");
    if (characters > 64) throw Error(ErrorKind::invalid_input, "pin_too_long", "a signer PIN has at most 64 characters");
}

PinVerifier new_verifier(const std::string& pin) {
    check_pin_rules(pin);
    PinVerifier verifier;
    verifier.salt.resize(salt_size);
    if (RAND_bytes(verifier.salt.data(), static_cast<int>(salt_size)) != 1)
        throw Error(ErrorKind::internal, "random_failed", "the system random generator failed");
    verifier.hash = scrypt(pin, verifier);
    return verifier;
}

const char* const columns = "id, display_name, certificate_serial, key_uri, failed_pins, locked_at, created_at";

SignerRecord read_signer(const Statement& row) {
    SignerRecord record;
    record.id = row.text(0);
    record.display_name = row.text(1);
    record.certificate_serial = row.text(2);
    record.key_uri = row.text(3);
    record.failed_pins = static_cast<int>(row.integer(4));
    if (!row.is_null(5)) record.locked_at = parse_utc(row.text(5));
    record.created_at = parse_utc(row.text(6));
    return record;
}

std::optional<SignerRecord> find_on(const SqliteDatabase& database, const std::string& id) {
    auto query = database.prepare(std::string("SELECT ") + columns + " FROM signers WHERE id = ?");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_signer(query);
}

SignerRecord existing_on(const SqliteDatabase& database, const std::string& id) {
    auto record = find_on(database, id);
    if (!record) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + id + "'");
    return *record;
}

Error locked_error(const std::string& id) {
    return Error(ErrorKind::authentication, "signer_locked",
                 "signer '" + id + "' is locked after " + std::to_string(SignerStore::max_failed_pins) +
                     " wrong PINs; an administrator must unlock it (signctl signer unlock)");
}

}  // namespace

SignerRecord SignerStore::add(const std::string& id, const std::string& display_name,
                              const std::string& certificate_serial, const std::string& key_uri,
                              const std::string& pin, std::chrono::system_clock::time_point now) {
    if (!valid_id(id))
        throw Error(ErrorKind::invalid_input, "invalid_signer_id",
                    "a signer id is 1 to 64 of a-z, 0-9 and '-', not '" + id + "'");
    if (display_name.empty()) throw Error(ErrorKind::invalid_input, "invalid_signer_name", "a signer needs a name");
    if (key_uri.empty()) throw Error(ErrorKind::invalid_input, "invalid_key_uri", "a signer needs the URI of its key");
    PinVerifier verifier = new_verifier(pin);
    SignerRecord record;
    record.id = id;
    record.display_name = display_name;
    record.certificate_serial = normalize_serial_hex(certificate_serial);
    record.key_uri = key_uri;
    record.created_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
    queue_.run([&](const SqliteDatabase& database) {
        if (find_on(database, id))
            throw Error(ErrorKind::conflict, "signer_exists", "a signer with id '" + id + "' exists already");
        database
            .prepare("INSERT INTO signers (id, display_name, certificate_serial, key_uri, pin_salt, pin_hash, "
                     "scrypt_log2_n, scrypt_r, scrypt_p, failed_pins, created_at) VALUES (?,?,?,?,?,?,?,?,?,0,?)")
            .bind(1, id)
            .bind(2, display_name)
            .bind(3, record.certificate_serial)
            .bind(4, key_uri)
            .bind(5, verifier.salt)
            .bind(6, verifier.hash)
            .bind(7, int64_t{verifier.log2_n})
            .bind(8, int64_t{verifier.r})
            .bind(9, int64_t{verifier.p})
            .bind(10, format_utc(record.created_at))
            .run();
    });
    return record;
}

std::optional<SignerRecord> SignerStore::find(const std::string& id) const { return find_on(queue_.reader(), id); }

std::vector<SignerRecord> SignerStore::list() const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns + " FROM signers ORDER BY created_at, id");
    std::vector<SignerRecord> records;
    while (query.step()) records.push_back(read_signer(query));
    return records;
}

void SignerStore::verify_pin(const std::string& id, const std::string& pin, std::chrono::system_clock::time_point now) {
    // The slow scrypt runs outside the write queue so it never holds up other writers.
    PinVerifier verifier;
    {
        auto query = queue_.reader().prepare(
            "SELECT locked_at IS NOT NULL, pin_salt, pin_hash, scrypt_log2_n, scrypt_r, scrypt_p FROM signers WHERE id = ?");
        query.bind(1, id);
        if (!query.step()) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + id + "'");
        if (query.integer(0) != 0) throw locked_error(id);
        verifier.salt = query.blob(1);
        verifier.hash = query.blob(2);
        verifier.log2_n = static_cast<int>(query.integer(3));
        verifier.r = static_cast<int>(query.integer(4));
        verifier.p = static_cast<int>(query.integer(5));
    }
    bool right = equal_in_constant_time(scrypt(pin, verifier), verifier.hash);

    int failed = 0;
    queue_.run([&](const SqliteDatabase& database) {
        // Read again inside the write: a concurrent attempt may have counted or locked meanwhile, and
        // the verifier may have been replaced (then this attempt proves nothing either way).
        auto query = database.prepare("SELECT locked_at IS NOT NULL, pin_hash, failed_pins FROM signers WHERE id = ?");
        query.bind(1, id);
        if (!query.step()) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + id + "'");
        if (query.integer(0) != 0) throw locked_error(id);
        if (!equal_in_constant_time(query.blob(1), verifier.hash))
            throw Error(ErrorKind::conflict, "pin_changed", "the PIN of signer '" + id + "' changed meanwhile; try again");
        if (right) {
            database.prepare("UPDATE signers SET failed_pins = 0 WHERE id = ?").bind(1, id).run();
            return;
        }
        failed = static_cast<int>(query.integer(2)) + 1;
        database
            .prepare("UPDATE signers SET failed_pins = ?, locked_at = ? WHERE id = ?")
            .bind(1, int64_t{failed})
            .bind(2, failed >= max_failed_pins ? std::optional(format_utc(now)) : std::nullopt)
            .bind(3, id)
            .run();
    });
    if (right) return;
    if (failed >= max_failed_pins)
        throw Error(ErrorKind::authentication, "wrong_pin",
                    "the PIN is wrong; signer '" + id + "' is now locked until an administrator unlocks it");
    int remaining = max_failed_pins - failed;
    throw Error(ErrorKind::authentication, "wrong_pin",
                "the PIN is wrong; " + std::to_string(remaining) + (remaining == 1 ? " attempt remains" : " attempts remain") +
                    " before signer '" + id + "' is locked");
}

void SignerStore::unlock(const std::string& id) {
    queue_.run([&](const SqliteDatabase& database) {
        existing_on(database, id);
        database.prepare("UPDATE signers SET failed_pins = 0, locked_at = NULL WHERE id = ?").bind(1, id).run();
    });
}

void SignerStore::set_pin(const std::string& id, const std::string& pin) {
    PinVerifier verifier = new_verifier(pin);
    queue_.run([&](const SqliteDatabase& database) {
        existing_on(database, id);
        database
            .prepare("UPDATE signers SET pin_salt = ?, pin_hash = ?, scrypt_log2_n = ?, scrypt_r = ?, scrypt_p = ? "
                     "WHERE id = ?")
            .bind(1, verifier.salt)
            .bind(2, verifier.hash)
            .bind(3, int64_t{verifier.log2_n})
            .bind(4, int64_t{verifier.r})
            .bind(5, int64_t{verifier.p})
            .bind(6, id)
            .run();
    });
}

}  // namespace sign::store
