#pragma once
// Signature activation data (SAD, CSC API v2): the proof that a signer
// authorised exactly these hashes with this credential. A SAD is 256 random
// bits shown once; only its SHA-256 is kept, with the bound hashes, the
// expiry, and when it was used. Consuming one marks it used on disk before
// anything is signed, so a replay after a crash is refused too.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/write_queue.h"

namespace sign::store {

struct Authorization {
    std::string credential_id;               ///< the signer
    std::string client_id;                   ///< the client that asked for it
    std::vector<std::vector<uint8_t>> hashes;  ///< exactly what may be signed, each once
    std::chrono::system_clock::time_point expires_at;
};

class AuthorizationStore {
public:
    /// The longest a SAD may live.
    static constexpr std::chrono::minutes max_lifetime{5};

    explicit AuthorizationStore(WriteQueue& queue) : queue_(queue) {}

    /// Records an authorization and returns its SAD (43 base64url characters). Throws invalid_input
    /// `no_hashes`, `invalid_hash` (empty or longer than 64 bytes), `sad_lifetime_too_long` (expiry
    /// more than max_lifetime after `now`) or `sad_already_expired`. `in_same_write`, when given,
    /// runs in the write that records the SAD (e.g. its audit record), so both commit or neither.
    std::string issue(const Authorization& authorization,
                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
                      const std::function<void(const Connection&)>& in_same_write = {});

    /// Uses a SAD once. It must exist (`sad_unknown`), not be used (`sad_used`), not be expired
    /// (`sad_expired`), belong to `client_id` and `credential_id` (`sad_unknown`, not revealing
    /// that it exists), and every one of `hashes` must be among the bound ones, none more often than
    /// it was bound (`hash_not_authorized`);
    /// all invalid_input. On success it is marked used durably before this returns. A refused
    /// attempt leaves the SAD as it was: only its rightful client can try it, and it still signs
    /// nothing but the bound hashes, so an honest mistake does not cost the signer a new PIN entry.
    /// `in_same_write`, when given, runs in the write that marks the SAD used, so both commit or neither.
    Authorization consume(const std::string& sad, const std::string& client_id, const std::string& credential_id,
                          const std::vector<std::vector<uint8_t>>& hashes, std::chrono::system_clock::time_point now,
                          const std::function<void(const Connection&)>& in_same_write = {});

private:
    WriteQueue& queue_;
};

}  // namespace sign::store
