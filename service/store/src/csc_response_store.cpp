#include "sign/store/csc_response_store.h"

#include <nlohmann/json.hpp>

#include "row_values.h"
#include "sign/error.h"

namespace sign::store {

namespace {

const char* const state_names[] = {"running", "done", "failed"};

CscResponseState parse_state(const std::string& name) {
    for (int i = 0; i < 3; ++i)
        if (name == state_names[i]) return static_cast<CscResponseState>(i);
    throw Error(ErrorKind::internal, "invalid_response_state", "a stored CSC response has the state '" + name + "'");
}

}  // namespace

void CscResponseStore::start(const Connection& db, const CscResponse& response) {
    db.prepare("INSERT INTO csc_async_responses (response_id, client_id, credential_id, state, created_at_us, expires_at_us) "
               "VALUES (?,?,?,'running',?,?)")
        .bind(1, response.response_id)
        .bind(2, response.client_id)
        .bind(3, response.credential_id)
        .bind(4, to_microseconds(response.created_at))
        .bind(5, to_microseconds(response.expires_at))
        .run();
}

void CscResponseStore::finish(const std::string& response_id, CscResponseState state,
                              const std::vector<std::string>& signatures, const std::optional<CscStoredError>& error) {
    queue_.run([&](const Connection& db) {
        db.prepare("UPDATE csc_async_responses SET state = ?, signatures = ?, error_status = ?, error = ?, error_code = ?, "
                   "error_description = ? WHERE response_id = ? AND state = 'running'")
            .bind(1, std::string(state_names[static_cast<int>(state)]))
            .bind(2, state == CscResponseState::done ? std::optional<std::string>(nlohmann::json(signatures).dump())
                                                     : std::nullopt)
            .bind(3, error ? std::optional<int64_t>(error->status) : std::nullopt)
            .bind(4, error ? std::optional<std::string>(error->error) : std::nullopt)
            .bind(5, error ? std::optional<std::string>(error->code) : std::nullopt)
            .bind(6, error ? std::optional<std::string>(error->description) : std::nullopt)
            .bind(7, response_id)
            .run();
        if (db.changes() != 1)
            throw Error(ErrorKind::conflict, "response_not_running", "CSC response '" + response_id + "' is not running");
    });
}

void CscResponseStore::complete(const std::string& response_id, const std::vector<std::string>& signatures) {
    finish(response_id, CscResponseState::done, signatures, std::nullopt);
}

void CscResponseStore::fail(const std::string& response_id, const CscStoredError& error) {
    finish(response_id, CscResponseState::failed, {}, error);
}

std::optional<CscResponse> CscResponseStore::find(const std::string& response_id,
                                                  std::chrono::system_clock::time_point now) const {
    auto query = queue_.reader().prepare(
        "SELECT response_id, client_id, credential_id, state, signatures, error_status, error, error_code, "
        "error_description, created_at_us, expires_at_us FROM csc_async_responses WHERE response_id = ? AND expires_at_us > ?");
    query.bind(1, response_id).bind(2, to_microseconds(now));
    if (!query.step()) return std::nullopt;
    CscResponse response;
    response.response_id = query.text(0);
    response.client_id = query.text(1);
    response.credential_id = query.text(2);
    response.state = parse_state(query.text(3));
    if (!query.is_null(4)) response.signatures = nlohmann::json::parse(query.text(4)).get<std::vector<std::string>>();
    if (!query.is_null(5))
        response.error = CscStoredError{static_cast<int>(query.integer(5)), query.text(6), query.text(7), query.text(8)};
    response.created_at = from_microseconds(query.integer(9));
    response.expires_at = from_microseconds(query.integer(10));
    return response;
}

std::size_t CscResponseStore::recover(std::chrono::system_clock::time_point now) {
    std::size_t failed = 0;
    queue_.run([&](const Connection& db) {
        db.prepare("DELETE FROM csc_async_responses WHERE expires_at_us <= ?").bind(1, to_microseconds(now)).run();
        db.prepare("UPDATE csc_async_responses SET state = 'failed', error_status = 500, error = 'server_error', "
                   "error_code = 'interrupted', error_description = 'signd stopped while signing; nothing was returned' "
                   "WHERE state = 'running'")
            .run();
        failed = static_cast<std::size_t>(db.changes());
    });
    return failed;
}

}  // namespace sign::store
