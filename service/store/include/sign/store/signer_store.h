#pragma once
// The people who sign remotely (leaders, citizens): each is a CSC credential,
// a key on the token with its certificate, activated by the signer's PIN. Only
// a verifier of the PIN is kept, an HMAC under the token's PIN verifier key
// (older rows: scrypt, replaced on the next right PIN). Wrong PINs are counted
// durably; the fifth in a row locks the signer until an administrator unlocks it.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/pin_key.h"
#include "sign/store/write_queue.h"

namespace sign::store {

struct SignerRecord {
    std::string id;                  ///< [a-z0-9-]{1,64}; the CSC credentialID
    std::string display_name;        ///< UTF-8, for lists
    std::string certificate_serial;  ///< canonical hex, a certificate in our CA database
    std::string key_uri;             ///< PKCS#11 URI of its private key
    int failed_pins = 0;             ///< consecutive wrong PINs
    std::optional<std::chrono::system_clock::time_point> locked_at;
    std::chrono::system_clock::time_point created_at;
    bool has_pin = true;             ///< false: no CSC PIN, the signer approves only on a phone
    /// The scheme its documents are signed with: "rsa-pkcs1", "rsa-pss" or "ecdsa"; empty for the
    /// key's default (RSASSA-PSS for RSA, ECDSA for EC).
    std::string scheme;

    bool locked() const { return locked_at.has_value(); }
};

class SignerStore {
public:
    /// Wrong PINs in a row that lock a signer.
    static constexpr int max_failed_pins = 5;

    /// `pin_key` makes and checks the verifiers; asked for only when a PIN is set or checked.
    SignerStore(WriteQueue& queue, PinKeySource pin_key) : queue_(queue), pin_key_(std::move(pin_key)) {}

    /// Adds a signer. PINs are 4 to 64 characters; without one (nullopt) the signer has no CSC PIN
    /// and approves only on a phone. Throws invalid_input `invalid_signer_id`, `invalid_signer_name`
    /// (empty), `invalid_key_uri` (empty), `pin_too_short`/`pin_too_long`, `unknown_signature_scheme`,
    /// conflict `signer_exists`. `scheme` as SignerRecord::scheme; whether it fits the key is the caller's check.
    SignerRecord add(const std::string& id, const std::string& display_name, const std::string& certificate_serial,
                     const std::string& key_uri, const std::optional<std::string>& pin,
                     std::chrono::system_clock::time_point now, const std::string& scheme = {});
    std::optional<SignerRecord> find(const std::string& id) const;
    std::vector<SignerRecord> list() const;

    /// Checks `pin`. A wrong one is counted on disk before this throws authentication `wrong_pin`
    /// (the message says how many attempts remain); the fifth locks the signer. A locked signer
    /// gets authentication `signer_locked` without the PIN being looked at. A right PIN resets the
    /// count, and replaces a verifier made the old way (scrypt) with one under the token's key, in
    /// the same write. A signer without a CSC PIN gets authentication `pin_not_set`, not counted. Throws
    /// not_found `unknown_signer`; conflict `pin_changed` when set_pin() replaced the
    /// verifier while this PIN was being checked (the attempt counts neither way).
    void verify_pin(const std::string& id, const std::string& pin, std::chrono::system_clock::time_point now);
    /// Clears the lock and the count.
    void unlock(const std::string& id);
    /// Replaces the PIN verifier (same rules as add).
    void set_pin(const std::string& id, const std::string& pin);
    /// Sets the signer's scheme (as SignerRecord::scheme; empty: the key's default). Throws
    /// invalid_input `unknown_signature_scheme`, not_found `unknown_signer`.
    void set_scheme(const std::string& id, const std::string& scheme);

private:
    WriteQueue& queue_;
    PinKeySource pin_key_;
};

}  // namespace sign::store
