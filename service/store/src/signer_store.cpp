#include "sign/store/signer_store.h"

#include "pin_attempts.h"
#include "pin_verifier.h"
#include "row_values.h"
#include "secret_token.h"
#include "sign/error.h"
#include "sign/serial_number.h"
#include "sign/signature_scheme.h"
#include "sign/store/wrong_pin.h"
#include "sign/utc_time.h"

namespace sign::store {

namespace {

const char* const columns =
    "id, display_name, certificate_serial, key_uri, failed_pins, locked_at, created_at, length(pin_hash) > 0, scheme";

SignerRecord read_signer(const Statement& row) {
    SignerRecord record;
    record.id = row.text(0);
    record.display_name = row.text(1);
    record.certificate_serial = row.text(2);
    record.key_uri = row.text(3);
    record.failed_pins = static_cast<int>(row.integer(4));
    if (!row.is_null(5)) record.locked_at = parse_utc(row.text(5));
    record.created_at = parse_utc(row.text(6));
    record.has_pin = row.integer(7) != 0;
    record.scheme = row.text(8);
    return record;
}

// Empty, or a name parse_signature_scheme() accepts.
void check_scheme_name(const std::string& scheme) {
    if (!scheme.empty()) parse_signature_scheme(scheme);
}

std::optional<SignerRecord> find_on(const Connection& database, const std::string& id) {
    auto query = database.prepare(std::string("SELECT ") + columns + " FROM signers WHERE id = ?");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_signer(query);
}

SignerRecord existing_on(const Connection& database, const std::string& id) {
    auto record = find_on(database, id);
    if (!record) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + id + "'");
    return *record;
}

}  // namespace

SignerRecord SignerStore::add(const std::string& id, const std::string& display_name,
                              const std::string& certificate_serial, const std::string& key_uri,
                              const std::optional<std::string>& pin, std::chrono::system_clock::time_point now,
                              const std::string& scheme) {
    if (!valid_id(id))
        throw Error(ErrorKind::invalid_input, "invalid_signer_id",
                    "a signer id is 1 to 64 of a-z, 0-9 and '-', not '" + id + "'");
    if (display_name.empty()) throw Error(ErrorKind::invalid_input, "invalid_signer_name", "a signer needs a name");
    if (key_uri.empty()) throw Error(ErrorKind::invalid_input, "invalid_key_uri", "a signer needs the URI of its key");
    check_scheme_name(scheme);
    // A signer without a CSC PIN keeps an empty verifier: it approves only on a phone.
    PinVerifier verifier = pin ? new_pin_verifier(*pin, pin_key_()) : PinVerifier{};
    SignerRecord record;
    record.has_pin = pin.has_value();
    record.id = id;
    record.display_name = display_name;
    record.certificate_serial = normalize_serial_hex(certificate_serial);
    record.key_uri = key_uri;
    record.created_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
    record.scheme = scheme;
    queue_.run([&](const Connection& database) {
        if (find_on(database, id))
            throw Error(ErrorKind::conflict, "signer_exists", "a signer with id '" + id + "' exists already");
        auto insert = database.prepare(
            "INSERT INTO signers (id, display_name, certificate_serial, key_uri, failed_pins, created_at, scheme, " +
            pin_verifier_columns() + ") VALUES (?,?,?,?,0,?,?,?,?,?,?,?,?)");
        insert.bind(1, id).bind(2, display_name).bind(3, record.certificate_serial).bind(4, key_uri);
        insert.bind(5, format_utc(record.created_at)).bind(6, scheme);
        bind_pin_verifier(insert, 7, verifier);
        insert.run();
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
    // The check (a token HMAC, or an old row's slow scrypt) runs outside the write queue so it
    // never holds up other writers.
    PinVerifier verifier;
    {
        auto query = queue_.reader().prepare("SELECT locked_at IS NOT NULL, " + pin_verifier_columns() +
                                             " FROM signers WHERE id = ?");
        query.bind(1, id);
        if (!query.step()) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + id + "'");
        verifier = read_pin_verifier(query, 1);
        // Not counted: there is no PIN to guess.
        if (verifier.empty())
            throw Error(ErrorKind::authentication, "pin_not_set", "this signer approves on a phone; it has no CSC PIN");
        if (query.integer(0) != 0) throw signer_locked_error(id);
    }
    bool right = pin_matches(pin, verifier, pin_key_);
    std::optional<PinVerifier> upgraded = right ? upgraded_pin_verifier(pin, verifier, pin_key_) : std::nullopt;

    int failed = 0;
    queue_.run([&](const Connection& database) {
        // The verifier may have been replaced meanwhile; then this attempt proves nothing either way.
        auto query = database.prepare("SELECT pin_hash FROM signers WHERE id = ?");
        query.bind(1, id);
        if (!query.step()) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + id + "'");
        if (!equal_in_constant_time(query.blob(0), verifier.hash))
            throw Error(ErrorKind::conflict, "pin_changed", "the PIN of signer '" + id + "' changed meanwhile; try again");
        failed = count_pin_attempt(database, id, right, now);
        if (upgraded) {
            auto update = database.prepare("UPDATE signers SET (" + pin_verifier_columns() + ") = (?,?,?,?,?,?) WHERE id = ?");
            bind_pin_verifier(update, 1, *upgraded);
            update.bind(7, id).run();
        }
    });
    if (!right) throw WrongPin(id, failed, SignerStore::max_failed_pins);
}

void SignerStore::unlock(const std::string& id) {
    queue_.run([&](const Connection& database) {
        existing_on(database, id);
        database.prepare("UPDATE signers SET failed_pins = 0, locked_at = NULL WHERE id = ?").bind(1, id).run();
    });
}

void SignerStore::set_scheme(const std::string& id, const std::string& scheme) {
    check_scheme_name(scheme);
    queue_.run([&](const Connection& database) {
        existing_on(database, id);
        database.prepare("UPDATE signers SET scheme = ? WHERE id = ?").bind(1, scheme).bind(2, id).run();
    });
}

void SignerStore::set_pin(const std::string& id, const std::string& pin) {
    PinVerifier verifier = new_pin_verifier(pin, pin_key_());
    queue_.run([&](const Connection& database) {
        existing_on(database, id);
        auto update = database.prepare("UPDATE signers SET (" + pin_verifier_columns() + ") = (?,?,?,?,?,?) WHERE id = ?");
        bind_pin_verifier(update, 1, verifier);
        update.bind(7, id).run();
    });
}

}  // namespace sign::store
