#pragma once
// The audit log: one record per signature, authorization, certificate
// issuance or revocation, client change and failed authentication, appended to
// a hash chain in the data folder's database. Each record's hash covers its
// fields and the previous record's hash, so editing, removing or reordering a
// record breaks the chain at that record. Cutting records off the end leaves a
// shorter chain that is valid in itself; the signed checkpoints of the chain's
// head (audit_checkpoints.h) show that, and any rewrite of what they cover.
// Floods are recorded as counts (audit_tally.h): one record may stand for many
// occurrences of the same refusal from the same source within a minute.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sign/store/write_queue.h"

namespace sign::audit {

/// What a record keeps of a text field at most: a client can send megabytes where a name belongs.
inline constexpr std::size_t max_field_bytes = 256;
/// The document hashes are ours (hex of what signd hashed or accepted, at most 100 SHA-512 per
/// request), so they get room for all of them.
inline constexpr std::size_t max_document_hash_bytes = 16 * 1024;

/// `text` made safe to show: each byte that is not part of valid UTF-8, and each control
/// character, as `\xHH`; everything else unchanged. Applying it twice changes nothing more.
std::string readable_text(std::string_view text);
/// readable_text(`text`), and when that is longer than `max_bytes`, its start followed by
/// `…[N bytes, sha256 HEX]` naming the original's length and SHA-256, at most `max_bytes` in all.
std::string bounded_text(std::string_view text, std::size_t max_bytes = max_field_bytes);

/// What happened; the caller fills it, the log adds sequence, time and hashes. The log keeps each
/// field as bounded_text() of it (the hash covers what is kept).
struct AuditEvent {
    std::string action;          ///< e.g. "signature.pades", "csc.authorize", "certificate.issue", "client.add", "authentication"
    std::string actor;           ///< client id, "signctl", or "anonymous"
    std::string client_address;  ///< remote IP, empty for local commands
    std::string subject;         ///< credential, seal, key URI, certificate serial or client id concerned
    std::string document_hash;   ///< hex SHA-256 of the document, or the signed hashes joined by ','; may be empty
    std::string result;          ///< "ok", or the stable error code
    /// How many occurrences of this event the record stands for: 1, or a tally's count for its window.
    int64_t occurrences = 1;
};

struct AuditRecord {
    int64_t sequence = 0;  ///< 1, 2, 3, ...
    std::chrono::system_clock::time_point time;
    AuditEvent event;
    std::string previous_hash;  ///< hex; 64 zeros for the first record
    std::string hash;           ///< hex SHA-256 over the fields above
};

/// A break in the chain, naming the record where it shows.
struct AuditProblem {
    int64_t sequence;
    /// "hash_mismatch" (edited), "chain_broken" (removed or reordered before it), "sequence_gap";
    /// against checkpoints (AuditCheckpoints::verify): "audit_truncated", "checkpoint_mismatch",
    /// "checkpoint_signature_invalid", "checkpoint_key_missing"
    std::string code;
    std::string message;
};

class AuditLog {
public:
    explicit AuditLog(store::WriteQueue& queue) : queue_(queue) {}

    /// Appends one record, durably, before returning it.
    AuditRecord append(const AuditEvent& event, std::chrono::system_clock::time_point now);
    /// Appends inside a write the caller is already making (e.g. consuming a SAD), so that both
    /// commit or neither does.
    AuditRecord append(const store::Connection& transaction, const AuditEvent& event,
                       std::chrono::system_clock::time_point now);

    /// The newest `limit` records, oldest first; or the first `limit` after `after_sequence`.
    std::vector<AuditRecord> list(std::optional<int64_t> after_sequence = {}, size_t limit = 100) const;
    /// The same records handed to `each` one at a time as they are read, so memory does not grow
    /// with `limit`. Returns how many there were.
    size_t list(std::optional<int64_t> after_sequence, size_t limit,
                const std::function<void(const AuditRecord&)>& each) const;
    /// Whether a record follows `sequence`.
    bool has_records_after(int64_t sequence) const;
    /// Whether a record precedes `sequence`.
    bool has_records_before(int64_t sequence) const;
    /// The newest record's sequence and hash: {0, 64 zeros} when the log is empty.
    std::pair<int64_t, std::string> head() const;
    /// The hash of record `sequence`, when there is one.
    std::optional<std::string> hash_of(int64_t sequence) const;

    /// Walks the whole chain; empty when intact.
    std::vector<AuditProblem> verify() const;
    /// Walks the whole chain one record at a time, handing each problem to `report` as it is found.
    /// Returns how many records it walked.
    int64_t verify(const std::function<void(const AuditProblem&)>& report) const;

private:
    store::WriteQueue& queue_;
};

}  // namespace sign::audit
