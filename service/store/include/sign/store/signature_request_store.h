#pragma once
// Signature requests: a document system asks a signer to approve, on a phone,
// the signing of 1 to 50 documents. Everything the key will sign is fixed when
// the request is created (each document's to-be-signed digest and the state
// the hash-split's second half needs); nothing about a request's documents can
// change afterwards. State changes are single durable writes that check the
// state they leave, so an approval works once even when two race.
//
//   pending ──activate──▶ activated ──finish──▶ approved | failed
//      └──decide──▶ rejected | cancelled | expired
//
// `activated` is internal: the key is being used; readers show it as pending.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/write_queue.h"

namespace sign::store {

enum class RequestState { pending, activated, approved, rejected, expired, failed, cancelled };

/// "pending", "approved", ... as the API shows it (activated shows as "pending").
std::string public_name(RequestState state);

/// What approving a request does: sign its documents, or (csc_authorization) let the CSC client
/// that asked fetch one SAD bound to its hashes from credentials/authorizeCheck.
enum class RequestPurpose { documents, csc_authorization };

/// "documents" or "csc_authorization", as stored.
std::string purpose_name(RequestPurpose purpose);

struct RequestDocument {
    int index = 0;
    std::string title;
    std::string type;              ///< "pdf", "xml", "file", "hash"
    std::vector<uint8_t> sha256;   ///< of the document as sent; for "hash", the given hash
    std::string digest_algorithm;  ///< "sha256", ... of `digest`
    std::vector<uint8_t> digest;   ///< what the key signs
    std::vector<uint8_t> preparation;  ///< opaque to the store: what finishing the document needs
};

struct SignatureRequest {
    std::string id;  ///< 22 base64url characters
    std::string client_id;
    std::string signer_id;
    std::string display_text;
    std::optional<std::string> callback_url;
    RequestState state = RequestState::pending;
    std::vector<uint8_t> nonce;  ///< 32 random bytes, part of the approval challenge
    std::chrono::system_clock::time_point created_at;
    std::chrono::system_clock::time_point expires_at;  ///< whole seconds
    std::optional<std::chrono::system_clock::time_point> completed_at;  ///< when it left pending/activated
    std::optional<std::string> device_id;     ///< the device that approved or rejected
    std::optional<std::string> error_code;    ///< for failed
    std::optional<std::string> error_detail;
    std::vector<RequestDocument> documents;   ///< in index order
    RequestPurpose purpose = RequestPurpose::documents;
    /// csc_authorization: when its SAD was handed out (there is never a second).
    std::optional<std::chrono::system_clock::time_point> sad_issued_at;
    /// When its files (documents, previews, results) were deleted; the row and its audit stay.
    std::optional<std::chrono::system_clock::time_point> files_removed_at;
};

class SignatureRequestStore {
public:
    static constexpr size_t max_documents = 50;

    explicit SignatureRequestStore(WriteQueue& queue) : queue_(queue) {}

    /// Records a new pending request and its documents, with `in_same_write`. Throws invalid_input
    /// `no_documents`, `too_many_documents`; conflict `request_exists`.
    void create(const SignatureRequest& request, const std::function<void(const Connection&)>& in_same_write = {});

    /// The request with its documents (`preparation` included), or nothing.
    std::optional<SignatureRequest> find(const std::string& id) const;
    /// The signer's pending requests not yet expired at `now`, newest first, with documents but
    /// without their `preparation` (what a phone's list shows).
    std::vector<SignatureRequest> pending_for_signer(const std::string& signer_id,
                                                     std::chrono::system_clock::time_point now) const;

    /// pending → activated by `device_id`, only if the request is pending and `now` is before its
    /// expiry; `approval_sha256` (the hash of the device's approval signature) is recorded and must
    /// be new. Throws conflict `request_not_pending` (any other state, or an approval seen
    /// before), `request_expired`; not_found `unknown_request`. `in_same_write` runs in the write.
    void activate(const std::string& id, const std::string& device_id, const std::vector<uint8_t>& approval_sha256,
                  std::chrono::system_clock::time_point now,
                  const std::function<void(const Connection&)>& in_same_write = {});

    /// activated → approved or failed (with `error_code`/`error_detail`). Throws conflict
    /// `request_not_activated`.
    void finish(const std::string& id, RequestState outcome, std::chrono::system_clock::time_point now,
                const std::optional<std::string>& error_code = {}, const std::optional<std::string>& error_detail = {},
                const std::function<void(const Connection&)>& in_same_write = {});

    /// pending → rejected (by `device_id`), cancelled or expired. rejected and cancelled need `now`
    /// before the expiry (`request_expired` otherwise); expired needs `now` at or past it. Throws
    /// conflict `request_not_pending`.
    void decide(const std::string& id, RequestState outcome, std::chrono::system_clock::time_point now,
                const std::optional<std::string>& device_id = {},
                const std::function<void(const Connection&)>& in_same_write = {});

    /// On the writer's connection `db`, inside the write that issues the SAD: marks the SAD of an
    /// approved csc_authorization request of `client_id` handed out, only if it was not already.
    /// Throws conflict `sad_already_issued` (issued before, or not an approved csc_authorization
    /// request of this client), so the write rolls back and no second SAD exists.
    static void hand_out_sad(const Connection& db, const std::string& id, const std::string& client_id,
                             std::chrono::system_clock::time_point now);

    /// Ids of pending requests whose expiry is at or before `now`.
    std::vector<std::string> due_for_expiry(std::chrono::system_clock::time_point now) const;

    /// Ids of requests left activated (a crash between activation and finishing), for start-up.
    std::vector<std::string> activated() const;

    /// Ids of at most `limit` requests whose files are still there and due to go at `now`: those
    /// ended rejected, cancelled, expired or failed, and those approved before `now - retention`.
    /// Oldest first.
    std::vector<std::string> files_due_for_removal(std::chrono::system_clock::time_point now,
                                                   std::chrono::system_clock::duration retention, std::size_t limit) const;

    /// Records that the files of request `id` were deleted at `now`. Idempotent: a second call keeps
    /// the first time. Throws not_found `unknown_request`.
    void mark_files_removed(const std::string& id, std::chrono::system_clock::time_point now);

private:
    WriteQueue& queue_;
};

}  // namespace sign::store
