#include "sign/audit/audit_checkpoints.h"

#include <openssl/sha.h>
#include <openssl/x509.h>

#include <span>
#include <tuple>

#include "sign/error.h"
#include "sign/openssl_ptr.h"
#include "sign/signature_scheme.h"
#include "sign/utc_time.h"

namespace sign::audit {

namespace {

const char* const columns = "id, sequence, head_hash, created_at_us, statement, signature, public_key_spki, timestamp_token";

int64_t to_seconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

AuditCheckpoint read_checkpoint(const store::Statement& row) {
    AuditCheckpoint checkpoint;
    checkpoint.id = row.integer(0);
    checkpoint.sequence = row.integer(1);
    checkpoint.head_hash = row.text(2);
    checkpoint.created_at = std::chrono::system_clock::time_point(std::chrono::microseconds(row.integer(3)));
    checkpoint.statement = row.text(4);
    checkpoint.signature = row.blob(5);
    checkpoint.public_key_spki = row.blob(6);
    checkpoint.timestamp_token = row.blob(7);
    return checkpoint;
}

std::vector<uint8_t> spki_of(EVP_PKEY* key) {
    int length = i2d_PUBKEY(key, nullptr);
    if (length <= 0) throw Error(ErrorKind::internal, "openssl_failure", "cannot encode the audit key's public half");
    std::vector<uint8_t> der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    i2d_PUBKEY(key, &cursor);
    return der;
}

std::span<const uint8_t> bytes_of(const std::string& text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace

std::string checkpoint_statement(int64_t sequence, const std::string& head_hash, std::chrono::system_clock::time_point time) {
    return "city-sign audit checkpoint v1\nsequence: " + std::to_string(sequence) + "\nhead: " + head_hash +
           "\ntime: " + format_utc(time) + "\n";
}

AuditCheckpoint AuditCheckpoints::make(const SigningKey& key, TimestampSource& timestamps,
                                       std::chrono::system_clock::time_point now) {
    AuditCheckpoint checkpoint;
    std::tie(checkpoint.sequence, checkpoint.head_hash) = log_.head();
    checkpoint.created_at = std::chrono::system_clock::time_point(std::chrono::seconds(to_seconds(now)));
    checkpoint.statement = checkpoint_statement(checkpoint.sequence, checkpoint.head_hash, checkpoint.created_at);
    auto public_key = key.public_key();
    checkpoint.public_key_spki = spki_of(public_key.get());
    checkpoint.signature = sign_data(key, default_scheme_for(public_key.get()), "sha256", bytes_of(checkpoint.statement));
    std::vector<uint8_t> imprint(SHA256_DIGEST_LENGTH);
    SHA256(checkpoint.signature.data(), checkpoint.signature.size(), imprint.data());
    checkpoint.timestamp_token = timestamps.timestamp("sha256", imprint);
    queue_.run([&](const store::Connection& write) {
        auto inserted = write.prepare("INSERT INTO audit_checkpoints (sequence, head_hash, created_at_us, statement, signature, "
                                      "public_key_spki, timestamp_token) VALUES (?,?,?,?,?,?,?) RETURNING id");
        inserted.bind(1, checkpoint.sequence)
            .bind(2, checkpoint.head_hash)
            .bind(3, static_cast<int64_t>(to_seconds(checkpoint.created_at)) * 1'000'000)
            .bind(4, checkpoint.statement)
            .bind(5, checkpoint.signature)
            .bind(6, checkpoint.public_key_spki)
            .bind(7, checkpoint.timestamp_token);
        if (inserted.step()) checkpoint.id = inserted.integer(0);
    });
    return checkpoint;
}

std::optional<AuditCheckpoint> AuditCheckpoints::latest() const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns + " FROM audit_checkpoints ORDER BY id DESC LIMIT 1");
    if (query.step()) return read_checkpoint(query);
    return std::nullopt;
}

std::size_t AuditCheckpoints::list(const std::function<void(const AuditCheckpoint&)>& each) const {
    auto query = queue_.reader().prepare(std::string("SELECT ") + columns + " FROM audit_checkpoints ORDER BY id");
    std::size_t count = 0;
    while (query.step()) {
        each(read_checkpoint(query));
        ++count;
    }
    return count;
}

std::size_t AuditCheckpoints::verify(EVP_PKEY* audit_key, const std::function<void(const AuditProblem&)>& report) const {
    auto [head_sequence, head_hash] = log_.head();
    return list([&, head_sequence = head_sequence](const AuditCheckpoint& checkpoint) {
        std::string which = "checkpoint " + std::to_string(checkpoint.id) + " (" + format_utc(checkpoint.created_at) + ")";
        // The signature covers the stored fields as rebuilt here, so editing a column breaks it too.
        std::string statement = checkpoint_statement(checkpoint.sequence, checkpoint.head_hash, checkpoint.created_at);
        if (!audit_key) {
            report({checkpoint.sequence, "checkpoint_key_missing",
                    which + " cannot be checked: the token has no audit key"});
        } else if (statement != checkpoint.statement ||
                   !verify_data(audit_key, default_scheme_for(audit_key), "sha256", bytes_of(statement), checkpoint.signature)) {
            report({checkpoint.sequence, "checkpoint_signature_invalid",
                    which + " is not signed by the token's audit key: it was forged or edited"});
            return;  // what a forged checkpoint claims about the chain is not evidence
        }
        if (checkpoint.sequence == 0) return;
        auto hash = log_.hash_of(checkpoint.sequence);
        if (!hash) {
            report({checkpoint.sequence, "audit_truncated",
                    which + " signed record " + std::to_string(checkpoint.sequence) + ", which is gone: " +
                        (head_sequence < checkpoint.sequence
                             ? "the log now ends at record " + std::to_string(head_sequence) + ", so records were cut off its end"
                             : std::string("records were removed"))});
        } else if (*hash != checkpoint.head_hash) {
            report({checkpoint.sequence, "checkpoint_mismatch",
                    which + " signed another hash for record " + std::to_string(checkpoint.sequence) +
                        ": the chain up to it was rewritten since"});
        }
    });
}

}  // namespace sign::audit
