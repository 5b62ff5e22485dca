#pragma once
// PIN verifiers (signers' CSC PINs, devices' PINs). New ones are HMAC-SHA256
// under a secret key that never leaves the token, so a copy of the database
// alone cannot test guesses; older rows hold scrypt verifiers, with their
// parameters, which are still checked and replaced on their next right PIN.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sign/mac_key.h"
#include "sign/store/pin_key.h"
#include "sign/store/connection.h"

namespace sign::store {

enum class PinScheme {
    scrypt,       ///< scrypt(pin, salt) with the row's N, r, p: the form before the token key
    hmac_sha256,  ///< HMAC-SHA256 on the token over a fixed label, the salt and the PIN
};

struct PinVerifier {
    PinScheme scheme = PinScheme::hmac_sha256;
    std::vector<uint8_t> salt;
    std::vector<uint8_t> hash;  ///< empty: no PIN was set
    int log2_n = 0;             ///< scrypt only
    int r = 0;
    int p = 0;

    bool empty() const { return hash.empty(); }
    /// Made the old way: replace it when the right PIN is next given.
    bool outdated() const { return scheme != PinScheme::hmac_sha256; }
};

/// Throws invalid_input `pin_too_short`/`pin_too_long` unless `pin` has 4 to 64 characters (UTF-8).
void check_pin_rules(const std::string& pin);
/// A new verifier of `pin` (checked with check_pin_rules) with a fresh salt, made with `key`.
PinVerifier new_pin_verifier(const std::string& pin, const MacKey& key);
/// Whether `pin` matches `verifier`, in constant time; the key is asked for only for a verifier
/// made with it. An outdated (scrypt) verifier is slow on purpose: call outside the write queue.
bool pin_matches(const std::string& pin, const PinVerifier& verifier, const PinKeySource& key);
/// After pin_matches() said yes: the verifier to store instead of an outdated one, made with
/// the key; nothing for a current one.
std::optional<PinVerifier> upgraded_pin_verifier(const std::string& pin, const PinVerifier& verifier,
                                                 const PinKeySource& key);
/// Reads a verifier from columns salt, hash, log2_n, r, p, scheme starting at `first`.
PinVerifier read_pin_verifier(const Statement& row, int first);
/// Binds salt, hash, log2_n, r, p, scheme to parameters starting at `first`.
void bind_pin_verifier(Statement& statement, int first, const PinVerifier& verifier);
/// The column list read_pin_verifier() and bind_pin_verifier() take, with `prefix` ("d.") before each.
std::string pin_verifier_columns(const std::string& prefix = "");

}  // namespace sign::store
