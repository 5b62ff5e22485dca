#pragma once
// Signed checkpoints of the audit chain's head. A checkpoint is the head's
// sequence and hash, signed by the audit key on the token (never by a key that
// leaves it) and time-stamped by the data folder's TSA, kept in the database and
// exported to be kept elsewhere. Checked against the chain they show what the
// chain alone cannot: records cut off the end (the chain no longer reaches a
// checkpointed record) and a chain rewritten and re-hashed over a checkpoint
// (the record's hash is no longer the one signed).
//
// What the key signs (SHA-256, the key's natural scheme), one field a line:
//   city-sign audit checkpoint v1
//   sequence: <last record covered, 0 for an empty log>
//   head: <its hash, hex>
//   time: <ISO 8601 UTC>
// The time-stamp token's imprint is SHA-256 of the signature value.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "sign/audit/audit_log.h"
#include "sign/signing_key.h"
#include "sign/store/write_queue.h"
#include "sign/timestamp_source.h"

namespace sign::audit {

struct AuditCheckpoint {
    int64_t id = 0;
    int64_t sequence = 0;
    std::string head_hash;
    std::chrono::system_clock::time_point created_at;  ///< whole seconds, as signed
    std::string statement;                              ///< what was signed
    std::vector<uint8_t> signature;
    std::vector<uint8_t> public_key_spki;               ///< DER SubjectPublicKeyInfo of the key that signed
    std::vector<uint8_t> timestamp_token;               ///< DER RFC 3161 TimeStampToken
};

/// The text a checkpoint's key signs.
std::string checkpoint_statement(int64_t sequence, const std::string& head_hash, std::chrono::system_clock::time_point time);

class AuditCheckpoints {
public:
    /// `queue` and `log` are borrowed and must outlive this.
    AuditCheckpoints(store::WriteQueue& queue, const AuditLog& log) : queue_(queue), log_(log) {}

    /// Signs the chain's current head with `key`, time-stamps the signature with `timestamps` and
    /// stores the checkpoint. Throws what the key or the TSA throws; nothing is stored then.
    AuditCheckpoint make(const SigningKey& key, TimestampSource& timestamps, std::chrono::system_clock::time_point now);
    /// The newest checkpoint, if any.
    std::optional<AuditCheckpoint> latest() const;
    /// Every checkpoint, oldest first, handed to `each`. Returns how many.
    std::size_t list(const std::function<void(const AuditCheckpoint&)>& each) const;

    /// Checks every checkpoint against the chain: its signature with `audit_key` (the audit key's
    /// public half; null when the token has none), and that the chain still holds the record it
    /// signed with the hash it signed. Reports `checkpoint_signature_invalid`, `checkpoint_key_missing`,
    /// `audit_truncated` and `checkpoint_mismatch`; returns how many checkpoints it checked.
    std::size_t verify(EVP_PKEY* audit_key, const std::function<void(const AuditProblem&)>& report) const;

private:
    store::WriteQueue& queue_;
    const AuditLog& log_;
};

}  // namespace sign::audit
