#include "sign/audit/audit_log.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "sign/error.h"
#include "sign/hex.h"

namespace sign::audit {

namespace {

const std::string first_previous_hash(64, '0');

const char* const columns =
    "sequence, time_us, action, actor, client_address, subject, document_hash, result, previous_hash, hash";

int64_t to_microseconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_microseconds(int64_t microseconds) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(microseconds)));
}

// Each field as an 8-byte big-endian length and its bytes, so no two different records encode alike
// whatever characters the fields hold. The leading tag names this encoding, should it ever change.
std::string record_hash(const AuditRecord& record) {
    std::string encoded;
    auto field = [&](const std::string& value) {
        uint64_t size = value.size();
        for (int shift = 56; shift >= 0; shift -= 8) encoded += static_cast<char>((size >> shift) & 0xff);
        encoded += value;
    };
    field("sign-audit-v1");
    field(std::to_string(record.sequence));
    field(std::to_string(to_microseconds(record.time)));
    field(record.event.action);
    field(record.event.actor);
    field(record.event.client_address);
    field(record.event.subject);
    field(record.event.document_hash);
    field(record.event.result);
    field(record.previous_hash);
    std::vector<uint8_t> digest(SHA256_DIGEST_LENGTH);
    SHA256(reinterpret_cast<const unsigned char*>(encoded.data()), encoded.size(), digest.data());
    return to_hex(digest);
}

AuditRecord read_record(const store::Statement& row) {
    AuditRecord record;
    record.sequence = row.integer(0);
    record.time = from_microseconds(row.integer(1));
    record.event.action = row.text(2);
    record.event.actor = row.text(3);
    record.event.client_address = row.text(4);
    record.event.subject = row.text(5);
    record.event.document_hash = row.text(6);
    record.event.result = row.text(7);
    record.previous_hash = row.text(8);
    record.hash = row.text(9);
    return record;
}

}  // namespace

AuditRecord AuditLog::append(const AuditEvent& event, std::chrono::system_clock::time_point now) {
    AuditRecord record;
    queue_.run([&](const store::SqliteDatabase& transaction) { record = append(transaction, event, now); });
    return record;
}

AuditRecord AuditLog::append(const store::SqliteDatabase& transaction, const AuditEvent& event,
                             std::chrono::system_clock::time_point now) {
    if (event.action.empty() || event.actor.empty() || event.result.empty())
        throw Error(ErrorKind::invalid_input, "incomplete_audit_event", "an audit record needs an action, an actor and a result");
    AuditRecord record;
    record.event = event;
    record.time = from_microseconds(to_microseconds(now));  // what is stored is what is hashed
    record.sequence = 1;
    record.previous_hash = first_previous_hash;
    // Read on the caller's connection inside its write transaction, so no other append interleaves.
    auto last = transaction.prepare("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
    if (last.step()) {
        record.sequence = last.integer(0) + 1;
        record.previous_hash = last.text(1);
    }
    record.hash = record_hash(record);
    transaction.prepare(std::string("INSERT INTO audit_log (") + columns + ") VALUES (?,?,?,?,?,?,?,?,?,?)")
        .bind(1, record.sequence)
        .bind(2, to_microseconds(record.time))
        .bind(3, event.action)
        .bind(4, event.actor)
        .bind(5, event.client_address)
        .bind(6, event.subject)
        .bind(7, event.document_hash)
        .bind(8, event.result)
        .bind(9, record.previous_hash)
        .bind(10, record.hash)
        .run();
    return record;
}

std::vector<AuditRecord> AuditLog::list(std::optional<int64_t> after_sequence, size_t limit) const {
    const store::SqliteDatabase& database = queue_.reader();
    std::string sql = after_sequence
        ? std::string("SELECT ") + columns + " FROM audit_log WHERE sequence > ?1 ORDER BY sequence LIMIT ?2"
        : std::string("SELECT * FROM (SELECT ") + columns +
              " FROM audit_log ORDER BY sequence DESC LIMIT ?2) ORDER BY sequence";
    auto query = database.prepare(sql);
    if (after_sequence) query.bind(1, *after_sequence);
    query.bind(2, static_cast<int64_t>(limit));
    std::vector<AuditRecord> records;
    while (query.step()) records.push_back(read_record(query));
    return records;
}

std::vector<AuditProblem> AuditLog::verify() const {
    std::vector<AuditProblem> problems;
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns + " FROM audit_log ORDER BY sequence");
    int64_t expected_sequence = 1;
    std::string expected_previous = first_previous_hash;
    while (query.step()) {
        AuditRecord record = read_record(query);
        if (record.sequence != expected_sequence)
            problems.push_back({record.sequence, "sequence_gap",
                                "expected record " + std::to_string(expected_sequence) + " here: records " +
                                    std::to_string(expected_sequence) + " to " + std::to_string(record.sequence - 1) +
                                    (record.sequence > expected_sequence ? " are missing" : " are repeated")});
        if (record.previous_hash != expected_previous)
            problems.push_back({record.sequence, "chain_broken",
                                "its previous hash is not the hash of the record before it: a record was removed, "
                                "inserted or moved before it"});
        if (record_hash(record) != record.hash)
            problems.push_back({record.sequence, "hash_mismatch", "its content does not match its hash: it was edited"});
        // Continue from the stored hash, so an edit shows once, at the edited record.
        expected_previous = record.hash;
        expected_sequence = record.sequence + 1;
    }
    return problems;
}

}  // namespace sign::audit
