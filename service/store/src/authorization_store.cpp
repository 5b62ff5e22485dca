#include "sign/store/authorization_store.h"

#include <map>

#include "row_values.h"
#include "secret_token.h"
#include "sign/error.h"
#include "sign/hex.h"

namespace sign::store {

namespace {

std::string join_hex(const std::vector<std::vector<uint8_t>>& hashes) {
    std::string joined;
    for (const auto& hash : hashes) {
        if (!joined.empty()) joined += ',';
        joined += to_hex(hash);
    }
    return joined;
}

std::vector<std::vector<uint8_t>> split_hex(const std::string& joined) {
    std::vector<std::vector<uint8_t>> hashes;
    size_t start = 0;
    while (start < joined.size()) {
        size_t end = joined.find(',', start);
        if (end == std::string::npos) end = joined.size();
        auto hash = from_hex(std::string_view(joined).substr(start, end - start));
        if (!hash) throw Error(ErrorKind::internal, "corrupt_authorization", "a stored SAD's hash list is not hexadecimal");
        hashes.push_back(std::move(*hash));
        start = end + 1;
    }
    return hashes;
}

Error unknown_sad() {
    return Error(ErrorKind::invalid_input, "sad_unknown", "the signature activation data is not valid for this credential");
}

}  // namespace

std::string AuthorizationStore::issue(const Authorization& authorization, std::chrono::system_clock::time_point now,
                                      const std::function<void(const Connection&)>& in_same_write) {
    if (authorization.hashes.empty())
        throw Error(ErrorKind::invalid_input, "no_hashes", "an authorization needs at least one hash to bind");
    for (const auto& hash : authorization.hashes)
        if (hash.empty() || hash.size() > 64)
            throw Error(ErrorKind::invalid_input, "invalid_hash", "a bound hash is 1 to 64 bytes long");
    if (authorization.expires_at <= now)
        throw Error(ErrorKind::invalid_input, "sad_already_expired", "the authorization would be expired when issued");
    if (authorization.expires_at - now > max_lifetime)
        throw Error(ErrorKind::invalid_input, "sad_lifetime_too_long", "an authorization lives at most 5 minutes");
    std::string sad = new_secret_token();
    queue_.run([&](const Connection& database) {
        database
            .prepare("INSERT INTO authorizations (sad_sha256, credential_id, client_id, hashes, expires_at_us) "
                     "VALUES (?,?,?,?,?)")
            .bind(1, sha256_of(sad))
            .bind(2, authorization.credential_id)
            .bind(3, authorization.client_id)
            .bind(4, join_hex(authorization.hashes))
            .bind(5, to_microseconds(authorization.expires_at))
            .run();
        if (in_same_write) in_same_write(database);
    });
    return sad;
}

Authorization AuthorizationStore::consume(const std::string& sad, const std::string& client_id,
                                          const std::string& credential_id,
                                          const std::vector<std::vector<uint8_t>>& hashes,
                                          std::chrono::system_clock::time_point now,
                                          const std::function<void(const Connection&)>& in_same_write) {
    Authorization found;
    // Check and mark in one write job, so two concurrent uses of one SAD cannot both pass.
    queue_.run([&](const Connection& database) {
        auto query = database.prepare(
            "SELECT credential_id, client_id, hashes, expires_at_us, used_at_us FROM authorizations WHERE sad_sha256 = ?");
        query.bind(1, sha256_of(sad));
        if (!query.step()) throw unknown_sad();
        found.credential_id = query.text(0);
        found.client_id = query.text(1);
        if (found.client_id != client_id || found.credential_id != credential_id) throw unknown_sad();
        found.hashes = split_hex(query.text(2));
        found.expires_at = from_microseconds(query.integer(3));
        if (!query.is_null(4))
            throw Error(ErrorKind::invalid_input, "sad_used", "this signature activation data was used already");
        if (now >= found.expires_at)
            throw Error(ErrorKind::invalid_input, "sad_expired", "this signature activation data has expired");
        // Each authorised hash is signed at most as many times as the signer authorised it: a
        // SAD for one signature of H must not sign H a hundred times by listing it a hundred times.
        std::map<std::vector<uint8_t>, std::size_t> remaining;
        for (const auto& hash : found.hashes) ++remaining[hash];
        if (hashes.empty()) throw Error(ErrorKind::invalid_input, "hash_not_authorized", "no hash to sign");
        for (const auto& hash : hashes) {
            auto left = remaining.find(hash);
            if (left == remaining.end())
                throw Error(ErrorKind::invalid_input, "hash_not_authorized",
                            "a hash to sign is not among those the signer authorised");
            if (left->second == 0)
                throw Error(ErrorKind::invalid_input, "hash_not_authorized",
                            "a hash is listed more times than the signer authorised it");
            --left->second;
        }
        database.prepare("UPDATE authorizations SET used_at_us = ? WHERE sad_sha256 = ?")
            .bind(1, to_microseconds(now))
            .bind(2, sha256_of(sad))
            .run();
        if (in_same_write) in_same_write(database);
    });
    return found;
}

}  // namespace sign::store
