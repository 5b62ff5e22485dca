#include "sign/store/signature_request_store.h"

#include "row_values.h"
#include "sign/error.h"

namespace sign::store {

namespace {

const char* const state_names[] = {"pending", "activated", "approved", "rejected", "expired", "failed", "cancelled"};

std::string stored_name(RequestState state) { return state_names[static_cast<int>(state)]; }

RequestState parse_state(const std::string& name) {
    for (int i = 0; i < 7; ++i)
        if (name == state_names[i]) return static_cast<RequestState>(i);
    throw Error(ErrorKind::internal, "invalid_request_state", "a stored signature request has the state '" + name + "'");
}

const char* const columns =
    "id, client_id, signer_id, display_text, callback_url, state, nonce, created_at_us, expires_at_us, "
    "completed_at_us, device_id, error_code, error_detail, purpose, sad_issued_at_us, files_removed_at_us";

RequestPurpose parse_purpose(const std::string& name) {
    if (name == "documents") return RequestPurpose::documents;
    if (name == "csc_authorization") return RequestPurpose::csc_authorization;
    throw Error(ErrorKind::internal, "invalid_request_purpose", "a stored signature request has the purpose '" + name + "'");
}

std::optional<std::string> optional_text(const Statement& row, int column) {
    if (row.is_null(column)) return std::nullopt;
    return row.text(column);
}

SignatureRequest read_request(const Statement& row) {
    SignatureRequest request;
    request.id = row.text(0);
    request.client_id = row.text(1);
    request.signer_id = row.text(2);
    request.display_text = row.text(3);
    request.callback_url = optional_text(row, 4);
    request.state = parse_state(row.text(5));
    request.nonce = row.blob(6);
    request.created_at = from_microseconds(row.integer(7));
    request.expires_at = from_microseconds(row.integer(8));
    if (!row.is_null(9)) request.completed_at = from_microseconds(row.integer(9));
    request.device_id = optional_text(row, 10);
    request.error_code = optional_text(row, 11);
    request.error_detail = optional_text(row, 12);
    request.purpose = parse_purpose(row.text(13));
    if (!row.is_null(14)) request.sad_issued_at = from_microseconds(row.integer(14));
    if (!row.is_null(15)) request.files_removed_at = from_microseconds(row.integer(15));
    return request;
}

// Lists leave out each document's preparation: it can hold the whole document (XAdES keeps the
// XML to finish it), and phones poll the list.
enum class Preparation { read, skip };

void read_documents(const Connection& database, SignatureRequest& request, Preparation preparation) {
    auto query = database.prepare(std::string("SELECT idx, title, type, sha256, digest_algorithm, digest") +
                                  (preparation == Preparation::read ? ", preparation" : "") +
                                  " FROM request_documents WHERE request_id = ? ORDER BY idx");
    query.bind(1, request.id);
    while (query.step()) {
        RequestDocument document;
        document.index = static_cast<int>(query.integer(0));
        document.title = query.text(1);
        document.type = query.text(2);
        document.sha256 = query.blob(3);
        document.digest_algorithm = query.text(4);
        document.digest = query.blob(5);
        if (preparation == Preparation::read) document.preparation = query.blob(6);
        request.documents.push_back(std::move(document));
    }
}

std::optional<SignatureRequest> find_on(const Connection& database, const std::string& id) {
    auto query = database.prepare(std::string("SELECT ") + columns + " FROM signature_requests WHERE id = ?");
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    SignatureRequest request = read_request(query);
    read_documents(database, request, Preparation::read);
    return request;
}

/// The state and expiry of a request, inside a write, to say why a conditional update changed nothing.
struct Current {
    RequestState state;
    int64_t expires_at_us;
};

Current current_on(const Connection& database, const std::string& id) {
    auto query = database.prepare("SELECT state, expires_at_us FROM signature_requests WHERE id = ?");
    query.bind(1, id);
    if (!query.step())
        throw Error(ErrorKind::not_found, "unknown_request", "no signature request with id '" + id + "'");
    return {parse_state(query.text(0)), query.integer(1)};
}

Error not_pending(const std::string& id) {
    return Error(ErrorKind::conflict, "request_not_pending", "signature request '" + id + "' is not pending");
}

Error expired(const std::string& id) {
    return Error(ErrorKind::conflict, "request_expired", "signature request '" + id + "' has expired");
}

std::vector<std::string> ids_of(Statement& query) {
    std::vector<std::string> ids;
    while (query.step()) ids.push_back(query.text(0));
    return ids;
}

}  // namespace

std::string public_name(RequestState state) {
    return state == RequestState::activated ? "pending" : stored_name(state);
}

std::string purpose_name(RequestPurpose purpose) {
    return purpose == RequestPurpose::csc_authorization ? "csc_authorization" : "documents";
}

void SignatureRequestStore::create(const SignatureRequest& request,
                                   const std::function<void(const Connection&)>& in_same_write) {
    if (request.documents.empty())
        throw Error(ErrorKind::invalid_input, "no_documents", "a signature request needs at least one document");
    if (request.documents.size() > max_documents)
        throw Error(ErrorKind::invalid_input, "too_many_documents", "a signature request has at most 50 documents");
    for (size_t i = 0; i < request.documents.size(); ++i)
        if (request.documents[i].index != static_cast<int>(i))
            throw Error(ErrorKind::invalid_input, "invalid_document", "the documents of a request are numbered 0, 1, ... in order");
    // The approval challenge shows the expiry in whole seconds; the store compares what it shows.
    auto expires_at = std::chrono::time_point_cast<std::chrono::seconds>(request.expires_at);
    queue_.run([&](const Connection& database) {
        auto existing = database.prepare("SELECT 1 FROM signature_requests WHERE id = ?");
        existing.bind(1, request.id);
        if (existing.step())
            throw Error(ErrorKind::conflict, "request_exists", "a signature request with id '" + request.id + "' exists already");
        database
            .prepare("INSERT INTO signature_requests (id, client_id, signer_id, display_text, callback_url, state, nonce, "
                     "created_at_us, expires_at_us, purpose) VALUES (?,?,?,?,?,'pending',?,?,?,?)")
            .bind(1, request.id)
            .bind(2, request.client_id)
            .bind(3, request.signer_id)
            .bind(4, request.display_text)
            .bind(5, request.callback_url)
            .bind(6, request.nonce)
            .bind(7, to_microseconds(request.created_at))
            .bind(8, to_microseconds(expires_at))
            .bind(9, purpose_name(request.purpose))
            .run();
        for (const auto& document : request.documents)
            database
                .prepare("INSERT INTO request_documents (request_id, idx, title, type, sha256, digest_algorithm, digest, "
                         "preparation) VALUES (?,?,?,?,?,?,?,?)")
                .bind(1, request.id)
                .bind(2, int64_t{document.index})
                .bind(3, document.title)
                .bind(4, document.type)
                .bind(5, document.sha256)
                .bind(6, document.digest_algorithm)
                .bind(7, document.digest)
                .bind(8, document.preparation)
                .run();
        if (in_same_write) in_same_write(database);
    });
}

std::optional<SignatureRequest> SignatureRequestStore::find(const std::string& id) const {
    return find_on(queue_.reader(), id);
}

std::vector<SignatureRequest> SignatureRequestStore::pending_for_signer(const std::string& signer_id,
                                                                        std::chrono::system_clock::time_point now) const {
    // Activated requests are left out: the phone has approved them already.
    const auto& database = queue_.reader();
    auto query = database.prepare(std::string("SELECT ") + columns +
                                  " FROM signature_requests WHERE signer_id = ? AND state = 'pending' AND "
                                  "expires_at_us > ? ORDER BY created_at_us DESC, id DESC");
    query.bind(1, signer_id).bind(2, to_microseconds(now));
    std::vector<SignatureRequest> requests;
    while (query.step()) requests.push_back(read_request(query));
    for (auto& request : requests) read_documents(database, request, Preparation::skip);
    return requests;
}

void SignatureRequestStore::activate(const std::string& id, const std::string& device_id,
                                     const std::vector<uint8_t>& approval_sha256, std::chrono::system_clock::time_point now,
                                     const std::function<void(const Connection&)>& in_same_write) {
    queue_.run([&](const Connection& database) {
        auto seen = database.prepare("SELECT 1 FROM signature_requests WHERE approval_sha256 = ?");
        seen.bind(1, approval_sha256);
        if (seen.step()) throw not_pending(id);
        database
            .prepare("UPDATE signature_requests SET state = 'activated', device_id = ?, approval_sha256 = ? "
                     "WHERE id = ? AND state = 'pending' AND expires_at_us > ?")
            .bind(1, device_id)
            .bind(2, approval_sha256)
            .bind(3, id)
            .bind(4, to_microseconds(now))
            .run();
        if (database.changes() != 1) {
            Current current = current_on(database, id);
            if (current.state != RequestState::pending) throw not_pending(id);
            throw expired(id);
        }
        if (in_same_write) in_same_write(database);
    });
}

void SignatureRequestStore::finish(const std::string& id, RequestState outcome, std::chrono::system_clock::time_point now,
                                   const std::optional<std::string>& error_code,
                                   const std::optional<std::string>& error_detail,
                                   const std::function<void(const Connection&)>& in_same_write) {
    if (outcome != RequestState::approved && outcome != RequestState::failed)
        throw Error(ErrorKind::internal, "invalid_outcome", "an activated request finishes approved or failed");
    queue_.run([&](const Connection& database) {
        database
            .prepare("UPDATE signature_requests SET state = ?, completed_at_us = ?, error_code = ?, error_detail = ? "
                     "WHERE id = ? AND state = 'activated'")
            .bind(1, stored_name(outcome))
            .bind(2, to_microseconds(now))
            .bind(3, outcome == RequestState::failed ? error_code : std::nullopt)
            .bind(4, outcome == RequestState::failed ? error_detail : std::nullopt)
            .bind(5, id)
            .run();
        if (database.changes() != 1) {
            current_on(database, id);
            throw Error(ErrorKind::conflict, "request_not_activated", "signature request '" + id + "' is not activated");
        }
        if (in_same_write) in_same_write(database);
    });
}

void SignatureRequestStore::decide(const std::string& id, RequestState outcome, std::chrono::system_clock::time_point now,
                                   const std::optional<std::string>& device_id,
                                   const std::function<void(const Connection&)>& in_same_write) {
    if (outcome != RequestState::rejected && outcome != RequestState::cancelled && outcome != RequestState::expired)
        throw Error(ErrorKind::internal, "invalid_outcome", "a pending request is decided rejected, cancelled or expired");
    bool expiring = outcome == RequestState::expired;
    queue_.run([&](const Connection& database) {
        database
            .prepare(std::string("UPDATE signature_requests SET state = ?, completed_at_us = ?, device_id = ? "
                                 "WHERE id = ? AND state = 'pending' AND expires_at_us ") +
                     (expiring ? "<= ?" : "> ?"))
            .bind(1, stored_name(outcome))
            .bind(2, to_microseconds(now))
            .bind(3, outcome == RequestState::rejected ? device_id : std::nullopt)
            .bind(4, id)
            .bind(5, to_microseconds(now))
            .run();
        if (database.changes() != 1) {
            Current current = current_on(database, id);
            if (current.state != RequestState::pending) throw not_pending(id);
            if (!expiring) throw expired(id);
            throw Error(ErrorKind::conflict, "request_not_expired", "signature request '" + id + "' has not expired yet");
        }
        if (in_same_write) in_same_write(database);
    });
}

void SignatureRequestStore::hand_out_sad(const Connection& db, const std::string& id, const std::string& client_id,
                                        std::chrono::system_clock::time_point now) {
    // The condition is the guard: of two racing handouts, only the first changes the row.
    db.prepare("UPDATE signature_requests SET sad_issued_at_us = ? WHERE id = ? AND client_id = ? AND "
               "state = 'approved' AND purpose = 'csc_authorization' AND sad_issued_at_us IS NULL")
        .bind(1, to_microseconds(now))
        .bind(2, id)
        .bind(3, client_id)
        .run();
    if (db.changes() != 1)
        throw Error(ErrorKind::conflict, "sad_already_issued", "the SAD of signature request '" + id + "' was issued already");
}

std::vector<std::string> SignatureRequestStore::due_for_expiry(std::chrono::system_clock::time_point now) const {
    auto query = queue_.reader().prepare(
        "SELECT id FROM signature_requests WHERE state = 'pending' AND expires_at_us <= ? ORDER BY expires_at_us, id");
    query.bind(1, to_microseconds(now));
    return ids_of(query);
}

std::vector<std::string> SignatureRequestStore::activated() const {
    auto query = queue_.reader().prepare(
        "SELECT id FROM signature_requests WHERE state = 'activated' ORDER BY created_at_us, id");
    return ids_of(query);
}

std::vector<std::string> SignatureRequestStore::files_due_for_removal(std::chrono::system_clock::time_point now,
                                                                     std::chrono::system_clock::duration retention,
                                                                     std::size_t limit) const {
    // completed_at_us is set by every final state, so it orders both kinds; pending and activated
    // requests still need their files and are never due.
    auto query = queue_.reader().prepare(
        "SELECT id FROM signature_requests WHERE files_removed_at_us IS NULL AND "
        "(state IN ('rejected', 'cancelled', 'expired', 'failed') OR (state = 'approved' AND completed_at_us < ?)) "
        "ORDER BY completed_at_us, id LIMIT ?");
    query.bind(1, to_microseconds(now - retention)).bind(2, static_cast<int64_t>(limit));
    return ids_of(query);
}

void SignatureRequestStore::mark_files_removed(const std::string& id, std::chrono::system_clock::time_point now) {
    queue_.run([&](const Connection& database) {
        database.prepare("UPDATE signature_requests SET files_removed_at_us = ? WHERE id = ? AND files_removed_at_us IS NULL")
            .bind(1, to_microseconds(now))
            .bind(2, id)
            .run();
        if (database.changes() != 1) current_on(database, id);
    });
}

}  // namespace sign::store
