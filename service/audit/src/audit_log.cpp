#include "sign/audit/audit_log.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <limits>

#include "sign/error.h"
#include "sign/hex.h"
#include "sign/utf8.h"

namespace sign::audit {

namespace {

const std::string first_previous_hash(64, '0');

// For a person reading the log on a terminal: control characters escaped too.
constexpr Utf8EscapeOptions readable{.escape_controls = true};

std::string sha256_hex(std::string_view text) {
    std::vector<uint8_t> digest(SHA256_DIGEST_LENGTH);
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return to_hex(digest);
}

const char* const columns =
    "sequence, time_us, action, actor, client_address, subject, document_hash, result, previous_hash, hash, occurrences";

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
    // A record standing for one occurrence hashes as before occurrences were counted, so older
    // chains still verify; a count is covered under its own tag.
    bool counted = record.event.occurrences != 1;
    field(counted ? "sign-audit-v2" : "sign-audit-v1");
    field(std::to_string(record.sequence));
    field(std::to_string(to_microseconds(record.time)));
    field(record.event.action);
    field(record.event.actor);
    field(record.event.client_address);
    field(record.event.subject);
    field(record.event.document_hash);
    field(record.event.result);
    field(record.previous_hash);
    if (counted) field(std::to_string(record.event.occurrences));
    return sha256_hex(encoded);
}

AuditEvent bounded(const AuditEvent& event) {
    return {bounded_text(event.action),         bounded_text(event.actor),
            bounded_text(event.client_address), bounded_text(event.subject),
            bounded_text(event.document_hash, max_document_hash_bytes), bounded_text(event.result), event.occurrences};
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
    record.event.occurrences = row.integer(10);
    return record;
}

}  // namespace

std::string readable_text(std::string_view text) { return escape_invalid_utf8(text, readable); }

std::string bounded_text(std::string_view text, size_t max_bytes) {
    std::string kept;
    bool whole = true;
    for_each_escaped_unit(text, readable, [&](std::string_view unit) {
        if (kept.size() + unit.size() > max_bytes) return whole = false;
        kept += unit;
        return true;
    });
    if (whole) return kept;
    // What is left out stays checkable: the original's length and hash, at the price of some of its start.
    std::string tail = "\u2026[" + std::to_string(text.size()) + " bytes, sha256 " + sha256_hex(text) + "]";
    size_t room = max_bytes > tail.size() ? max_bytes - tail.size() : 0;
    kept.clear();
    for_each_escaped_unit(text, readable, [&](std::string_view unit) {
        if (kept.size() + unit.size() > room) return false;
        kept += unit;
        return true;
    });
    return kept + tail;
}

AuditRecord AuditLog::append(const AuditEvent& event, std::chrono::system_clock::time_point now) {
    AuditRecord record;
    queue_.run([&](const store::Connection& transaction) { record = append(transaction, event, now); });
    return record;
}

AuditRecord AuditLog::append(const store::Connection& transaction, const AuditEvent& event,
                             std::chrono::system_clock::time_point now) {
    if (event.action.empty() || event.actor.empty() || event.result.empty())
        throw Error(ErrorKind::invalid_input, "incomplete_audit_event", "an audit record needs an action, an actor and a result");
    if (event.occurrences < 1)
        throw Error(ErrorKind::invalid_input, "incomplete_audit_event", "an audit record stands for at least one occurrence");
    AuditRecord record;
    record.event = bounded(event);
    record.time = from_microseconds(to_microseconds(now));  // what is stored is what is hashed
    record.sequence = 1;
    record.previous_hash = first_previous_hash;
    // Read on the caller's connection inside its write transaction, so no other append interleaves:
    // one chain, serialised in the database, whichever process or replica writes.
    transaction.serialize_writers("audit_log");
    auto last = transaction.prepare("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
    if (last.step()) {
        record.sequence = last.integer(0) + 1;
        record.previous_hash = last.text(1);
    }
    record.hash = record_hash(record);
    transaction.prepare(std::string("INSERT INTO audit_log (") + columns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, record.sequence)
        .bind(2, to_microseconds(record.time))
        .bind(3, record.event.action)
        .bind(4, record.event.actor)
        .bind(5, record.event.client_address)
        .bind(6, record.event.subject)
        .bind(7, record.event.document_hash)
        .bind(8, record.event.result)
        .bind(9, record.previous_hash)
        .bind(10, record.hash)
        .bind(11, record.event.occurrences)
        .run();
    return record;
}

std::vector<AuditRecord> AuditLog::list(std::optional<int64_t> after_sequence, size_t limit) const {
    std::vector<AuditRecord> records;
    list(after_sequence, limit, [&](const AuditRecord& record) { records.push_back(record); });
    return records;
}

size_t AuditLog::list(std::optional<int64_t> after_sequence, size_t limit,
                      const std::function<void(const AuditRecord&)>& each) const {
    if (limit == 0) return 0;
    const store::Connection& database = queue_.reader();
    if (!after_sequence) {
        // The newest `limit` start at the limit-th record from the end; finding it walks the
        // primary key's index, reading no record, so nothing is sorted or held in memory.
        auto first = database.prepare("SELECT sequence FROM audit_log ORDER BY sequence DESC LIMIT 1 OFFSET ?");
        first.bind(1, static_cast<int64_t>(limit) - 1);
        after_sequence = first.step() ? first.integer(0) - 1 : std::numeric_limits<int64_t>::min();
    }
    auto query =
        database.prepare(std::string("SELECT ") + columns + " FROM audit_log WHERE sequence > ? ORDER BY sequence LIMIT ?");
    query.bind(1, *after_sequence).bind(2, static_cast<int64_t>(limit));
    size_t count = 0;
    while (query.step()) {
        each(read_record(query));
        ++count;
    }
    return count;
}

bool AuditLog::has_records_after(int64_t sequence) const {
    auto query = queue_.reader().prepare("SELECT 1 FROM audit_log WHERE sequence > ? LIMIT 1");
    query.bind(1, sequence);
    return query.step();
}

bool AuditLog::has_records_before(int64_t sequence) const {
    auto query = queue_.reader().prepare("SELECT 1 FROM audit_log WHERE sequence < ? LIMIT 1");
    query.bind(1, sequence);
    return query.step();
}

std::pair<int64_t, std::string> AuditLog::head() const {
    auto last = queue_.reader().prepare("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1");
    if (last.step()) return {last.integer(0), last.text(1)};
    return {0, first_previous_hash};
}

std::optional<std::string> AuditLog::hash_of(int64_t sequence) const {
    auto query = queue_.reader().prepare("SELECT hash FROM audit_log WHERE sequence = ?");
    query.bind(1, sequence);
    if (query.step()) return query.text(0);
    return std::nullopt;
}

std::vector<AuditProblem> AuditLog::verify() const {
    std::vector<AuditProblem> problems;
    verify([&](const AuditProblem& problem) { problems.push_back(problem); });
    return problems;
}

int64_t AuditLog::verify(const std::function<void(const AuditProblem&)>& report) const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns + " FROM audit_log ORDER BY sequence");
    int64_t records = 0;
    int64_t expected_sequence = 1;
    std::string expected_previous = first_previous_hash;
    while (query.step()) {
        ++records;
        AuditRecord record = read_record(query);
        if (record.sequence != expected_sequence)
            report({record.sequence, "sequence_gap",
                    "expected record " + std::to_string(expected_sequence) + " here: records " +
                        std::to_string(expected_sequence) + " to " + std::to_string(record.sequence - 1) +
                        (record.sequence > expected_sequence ? " are missing" : " are repeated")});
        if (record.previous_hash != expected_previous)
            report({record.sequence, "chain_broken",
                    "its previous hash is not the hash of the record before it: a record was removed, "
                    "inserted or moved before it"});
        if (record_hash(record) != record.hash)
            report({record.sequence, "hash_mismatch", "its content does not match its hash: it was edited"});
        // Continue from the stored hash, so an edit shows once, at the edited record.
        expected_previous = std::move(record.hash);
        expected_sequence = record.sequence + 1;
    }
    return records;
}

}  // namespace sign::audit
