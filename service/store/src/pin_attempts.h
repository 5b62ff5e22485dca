#pragma once
// The per-signer count of wrong PINs, shared by every PIN a signer has (the
// CSC PIN and each device's PIN): five wrong in a row lock the signer until an
// administrator unlocks it, and the count is on disk before a caller hears
// "wrong PIN", so neither a restart nor concurrent attempts get around it.

#include <chrono>
#include <string>

#include "sign/error.h"
#include "sign/store/connection.h"

namespace sign::store {

/// authentication `signer_locked` for `signer_id`.
Error signer_locked_error(const std::string& signer_id);

/// Applies the outcome of one PIN check to the signer's count, on the writer's connection inside a
/// WriteQueue work. Reads the signer again there, so concurrent attempts are each counted: throws
/// `signer_locked` (the attempt not counted) if it is locked by now, not_found `unknown_signer`.
/// A right PIN resets the count; a wrong one increments it and locks at the limit. Returns the
/// count after this attempt.
int count_pin_attempt(const Connection& database, const std::string& signer_id, bool right,
                      std::chrono::system_clock::time_point now);

}  // namespace sign::store
