#pragma once
// scrypt verifiers of PINs (signers' CSC PINs, devices' PINs): the parameters
// are stored with each verifier so the cost can be raised for new ones while
// old ones keep working.

#include <cstdint>
#include <string>
#include <vector>

#include "sign/store/sqlite_database.h"

namespace sign::store {

struct PinVerifier {
    std::vector<uint8_t> salt;
    std::vector<uint8_t> hash;  ///< empty: no PIN was set
    int log2_n = 15;
    int r = 8;
    int p = 1;

    bool empty() const { return hash.empty(); }
};

/// Throws invalid_input `pin_too_short`/`pin_too_long` unless `pin` has 4 to 64 characters (UTF-8).
void check_pin_rules(const std::string& pin);
/// A new verifier of `pin` (checked with check_pin_rules) with a fresh salt.
PinVerifier new_pin_verifier(const std::string& pin);
/// Whether `pin` matches `verifier`, in constant time. Slow on purpose: call outside the write queue.
bool pin_matches(const std::string& pin, const PinVerifier& verifier);
/// Reads a verifier from columns salt, hash, log2_n, r, p starting at `first`.
PinVerifier read_pin_verifier(const Statement& row, int first);
/// Binds salt, hash, log2_n, r, p to parameters starting at `first`.
void bind_pin_verifier(Statement& statement, int first, const PinVerifier& verifier);

}  // namespace sign::store
