#include "sign/store/device_store.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <memory>

#include "pin_attempts.h"
#include "pin_verifier.h"
#include "row_values.h"
#include "secret_token.h"
#include "sign/error.h"
#include "sign/random_id.h"
#include "sign/store/signer_store.h"
#include "sign/store/wrong_pin.h"

namespace sign::store {

namespace {

// Crockford's base32: no I, L, O or U, so a code read aloud or typed is hard to get wrong.
constexpr char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t code_characters = 20;  // 100 random bits

std::string new_activation_code() {
    unsigned char random[13];  // 104 bits, of which 100 are used
    if (RAND_bytes(random, sizeof random) != 1)
        throw Error(ErrorKind::internal, "random_failed", "the system random generator failed");
    std::string code;
    for (size_t i = 0; i < code_characters; ++i) {
        if (i > 0 && i % 4 == 0) code += '-';
        size_t bit = i * 5;
        unsigned pair = (static_cast<unsigned>(random[bit / 8]) << 8) | random[bit / 8 + 1];
        unsigned value = (pair >> (11 - bit % 8)) & 0x1F;
        code += crockford[value];
    }
    OPENSSL_cleanse(random, sizeof random);
    return code;
}

/// The code as stored (its SHA-256), whatever case, dashes and spaces it was typed with; nothing for
/// text that cannot be a code.
std::optional<std::vector<uint8_t>> code_hash(const std::string& typed) {
    std::string normalised;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (std::string_view(crockford).find(c) == std::string_view::npos) return std::nullopt;
        normalised += c;
    }
    if (normalised.size() != code_characters) return std::nullopt;
    return sha256_of(normalised);
}

Error code_invalid() {
    // One answer for unknown, used and expired codes, so a guesser learns nothing.
    return Error(ErrorKind::invalid_input, "activation_code_invalid", "the activation code is unknown, used or expired");
}

void check_public_key(const std::vector<uint8_t>& spki) {
    Error invalid(ErrorKind::invalid_input, "invalid_public_key", "the public key is not a DER SubjectPublicKeyInfo of a P-256 key");
    const unsigned char* cursor = spki.data();
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        spki.empty() ? nullptr : d2i_PUBKEY(nullptr, &cursor, static_cast<long>(spki.size())), EVP_PKEY_free);
    if (!key || cursor != spki.data() + spki.size() || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC) throw invalid;
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1 ||
        OBJ_txt2nid(group) != NID_X9_62_prime256v1)
        throw invalid;
}

void check_device_name(const std::string& name) {
    size_t characters = 0;
    for (char c : name) {
        if ((c & 0xC0) != 0x80) ++characters;
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            throw Error(ErrorKind::invalid_input, "invalid_device_name", "a device name has no control characters");
    }
    if (characters < 1 || characters > 100)
        throw Error(ErrorKind::invalid_input, "invalid_device_name", "a device name has 1 to 100 characters");
}

const char* const columns = "id, signer_id, name, public_key_spki, created_at_us, revoked_at_us";

DeviceRecord read_device(const Statement& row) {
    DeviceRecord record;
    record.id = row.text(0);
    record.signer_id = row.text(1);
    record.name = row.text(2);
    record.public_key_spki = row.blob(3);
    record.created_at = from_microseconds(row.integer(4));
    if (!row.is_null(5)) record.revoked_at = from_microseconds(row.integer(5));
    return record;
}

std::optional<DeviceRecord> find_on(const Connection& database, const std::string& id) {
    auto query = database.prepare(std::string("SELECT ") + columns + " FROM devices WHERE id = ?");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_device(query);
}

Error unknown_device(const std::string& id) {
    return Error(ErrorKind::not_found, "unknown_device", "no device with id '" + id + "'");
}

Error device_revoked(const std::string& id) {
    return Error(ErrorKind::authentication, "device_revoked", "device '" + id + "' was revoked");
}

}  // namespace

ActivationCode DeviceStore::issue_activation(const std::string& signer_id, std::chrono::seconds validity,
                                             std::chrono::system_clock::time_point now) {
    if (validity < std::chrono::minutes{1} || validity > max_activation_validity)
        throw Error(ErrorKind::invalid_input, "validity_out_of_range", "an activation code is valid for 1 minute to 24 hours");
    ActivationCode issued;
    issued.code = new_activation_code();
    issued.signer_id = signer_id;
    issued.expires_at = std::chrono::time_point_cast<std::chrono::seconds>(now + validity);
    queue_.run([&](const Connection& database) {
        auto signer = database.prepare("SELECT 1 FROM signers WHERE id = ?");
        signer.bind(1, signer_id);
        if (!signer.step()) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + signer_id + "'");
        database
            .prepare("INSERT INTO activation_codes (code_sha256, signer_id, created_at_us, expires_at_us) VALUES (?,?,?,?)")
            .bind(1, *code_hash(issued.code))
            .bind(2, signer_id)
            .bind(3, to_microseconds(now))
            .bind(4, to_microseconds(issued.expires_at))
            .run();
    });
    return issued;
}

DeviceRecord DeviceStore::enrol(const std::string& activation_code, const std::vector<uint8_t>& public_key_spki,
                                const std::string& pin, const std::string& name,
                                std::chrono::system_clock::time_point now,
                                const std::function<void(const Connection&)>& in_same_write) {
    auto hash = code_hash(activation_code);
    if (!hash) throw code_invalid();
    check_public_key(public_key_spki);
    check_device_name(name);
    check_pin_rules(pin);
    // A cheap look before the token computes the verifier, so guessing codes costs the server
    // little; the write below decides.
    {
        auto query = queue_.reader().prepare(
            "SELECT 1 FROM activation_codes WHERE code_sha256 = ? AND used_at_us IS NULL AND expires_at_us > ?");
        query.bind(1, *hash).bind(2, to_microseconds(now));
        if (!query.step()) throw code_invalid();
    }
    PinVerifier verifier = new_pin_verifier(pin, pin_key_());

    DeviceRecord record;
    record.id = sign::random_id();
    record.name = name;
    record.public_key_spki = public_key_spki;
    record.created_at = now;
    queue_.run([&](const Connection& database) {
        // Spending the code is the condition: of two enrolments with one code, one changes the row.
        database
            .prepare("UPDATE activation_codes SET used_at_us = ?, device_id = ? "
                     "WHERE code_sha256 = ? AND used_at_us IS NULL AND expires_at_us > ?")
            .bind(1, to_microseconds(now))
            .bind(2, record.id)
            .bind(3, *hash)
            .bind(4, to_microseconds(now))
            .run();
        if (database.changes() != 1) throw code_invalid();
        auto signer = database.prepare("SELECT signer_id FROM activation_codes WHERE code_sha256 = ?");
        signer.bind(1, *hash);
        signer.step();
        record.signer_id = signer.text(0);
        auto insert = database.prepare(
            "INSERT INTO devices (id, signer_id, name, public_key_spki, created_at_us, " + pin_verifier_columns() +
            ") VALUES (?,?,?,?,?,?,?,?,?,?,?)");
        insert.bind(1, record.id).bind(2, record.signer_id).bind(3, name).bind(4, public_key_spki);
        insert.bind(5, to_microseconds(now));
        bind_pin_verifier(insert, 6, verifier);
        insert.run();
        if (in_same_write) in_same_write(database);
    });
    return record;
}

std::optional<DeviceRecord> DeviceStore::find(const std::string& device_id) const {
    return find_on(queue_.reader(), device_id);
}

std::vector<DeviceRecord> DeviceStore::list(const std::string& signer_id) const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns +
                                         " FROM devices WHERE signer_id = ? ORDER BY created_at_us, id");
    query.bind(1, signer_id);
    std::vector<DeviceRecord> records;
    while (query.step()) records.push_back(read_device(query));
    return records;
}

bool DeviceStore::has_active_device(const std::string& signer_id) const {
    auto query = queue_.reader().prepare("SELECT 1 FROM devices WHERE signer_id = ? AND revoked_at_us IS NULL LIMIT 1");
    query.bind(1, signer_id);
    return query.step();
}

void DeviceStore::revoke(const std::string& signer_id, const std::string& device_id,
                         std::chrono::system_clock::time_point now) {
    queue_.run([&](const Connection& database) {
        database.prepare("UPDATE devices SET revoked_at_us = ? WHERE id = ? AND signer_id = ? AND revoked_at_us IS NULL")
            .bind(1, to_microseconds(now))
            .bind(2, device_id)
            .bind(3, signer_id)
            .run();
        if (database.changes() == 1) return;
        auto device = find_on(database, device_id);
        if (!device || device->signer_id != signer_id) throw unknown_device(device_id);
        throw Error(ErrorKind::conflict, "device_already_revoked", "device '" + device_id + "' is revoked already");
    });
}

void DeviceStore::verify_pin(const std::string& device_id, const std::string& pin,
                             std::chrono::system_clock::time_point now) {
    // The check (a token HMAC, or an old row's slow scrypt) runs outside the write queue so it
    // never holds up other writers.
    std::string signer_id;
    PinVerifier verifier;
    {
        auto query = queue_.reader().prepare(
            "SELECT d.signer_id, d.revoked_at_us IS NOT NULL, s.locked_at IS NOT NULL, " + pin_verifier_columns("d.") +
            " FROM devices d JOIN signers s ON s.id = d.signer_id WHERE d.id = ?");
        query.bind(1, device_id);
        if (!query.step()) throw unknown_device(device_id);
        signer_id = query.text(0);
        if (query.integer(1) != 0) throw device_revoked(device_id);
        if (query.integer(2) != 0) throw signer_locked_error(signer_id);
        verifier = read_pin_verifier(query, 3);
    }
    bool right = pin_matches(pin, verifier, pin_key_);
    std::optional<PinVerifier> upgraded = right ? upgraded_pin_verifier(pin, verifier, pin_key_) : std::nullopt;

    int failed = 0;
    queue_.run([&](const Connection& database) {
        // A device revoked while its PIN was being checked proves nothing more.
        auto device = find_on(database, device_id);
        if (!device) throw unknown_device(device_id);
        if (device->revoked()) throw device_revoked(device_id);
        failed = count_pin_attempt(database, signer_id, right, now);
        // Only the verifier that was checked is replaced; a concurrent change of it stays.
        if (upgraded) {
            auto update = database.prepare("UPDATE devices SET (" + pin_verifier_columns() +
                                           ") = (?,?,?,?,?,?) WHERE id = ? AND pin_hash = ?");
            bind_pin_verifier(update, 1, *upgraded);
            update.bind(7, device_id).bind(8, verifier.hash).run();
        }
    });
    if (!right) throw WrongPin(signer_id, failed, SignerStore::max_failed_pins);
}

}  // namespace sign::store
