#pragma once
// The audit log: one record per signature, authorization, certificate
// issuance or revocation, client change and failed authentication, appended to
// a hash chain in the data folder's database. Each record's hash covers its
// fields and the previous record's hash, so editing, removing or reordering a
// record breaks the chain at that record. (Cutting records off the end leaves a
// shorter valid chain; compare the count with an external copy for that.)

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/write_queue.h"

namespace sign::audit {

/// What happened; the caller fills it, the log adds sequence, time and hashes.
struct AuditEvent {
    std::string action;          ///< e.g. "signature.pades", "csc.authorize", "certificate.issue", "client.add", "authentication"
    std::string actor;           ///< client id, "signctl", or "anonymous"
    std::string client_address;  ///< remote IP, empty for local commands
    std::string subject;         ///< credential, seal, key URI, certificate serial or client id concerned
    std::string document_hash;   ///< hex SHA-256 of the document, or the signed hashes joined by ','; may be empty
    std::string result;          ///< "ok", or the stable error code
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
    std::string code;     ///< "hash_mismatch" (edited), "chain_broken" (removed or reordered before it), "sequence_gap"
    std::string message;
};

class AuditLog {
public:
    explicit AuditLog(store::WriteQueue& queue) : queue_(queue) {}

    /// Appends one record, durably, before returning it.
    AuditRecord append(const AuditEvent& event, std::chrono::system_clock::time_point now);
    /// Appends inside a write the caller is already making (e.g. consuming a SAD), so that both
    /// commit or neither does.
    AuditRecord append(const store::SqliteDatabase& transaction, const AuditEvent& event,
                       std::chrono::system_clock::time_point now);

    /// The newest `limit` records, oldest first; or those after `after_sequence`.
    std::vector<AuditRecord> list(std::optional<int64_t> after_sequence = {}, size_t limit = 100) const;
    /// Walks the whole chain; empty when intact.
    std::vector<AuditProblem> verify() const;

private:
    store::WriteQueue& queue_;
};

}  // namespace sign::audit
