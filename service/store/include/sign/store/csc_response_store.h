#pragma once
// The results of asynchronous CSC signHash calls (operationMode "A"): a row is
// written with the SAD's use, before anything is signed, and holds the
// signatures or the error once the background signing ends, until the
// validity period the client asked for is over. Only the client that asked
// may read it.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/write_queue.h"

namespace sign::store {

enum class CscResponseState { running, done, failed };

/// A CSC error as a synchronous signHash would have answered it.
struct CscStoredError {
    int status = 500;
    std::string error;        ///< the specification's name, "invalid_request", ...
    std::string code;         ///< our stable code
    std::string description;
};

struct CscResponse {
    std::string response_id;
    std::string client_id;
    std::string credential_id;
    CscResponseState state = CscResponseState::running;
    std::vector<std::string> signatures;  ///< done: base64, in the order of the hashes
    std::optional<CscStoredError> error;  ///< failed
    std::chrono::system_clock::time_point created_at;
    std::chrono::system_clock::time_point expires_at;
};

class CscResponseStore {
public:
    explicit CscResponseStore(WriteQueue& queue) : queue_(queue) {}

    /// On the writer's connection `db` (the write that spends the SAD): records a running response.
    static void start(const Connection& db, const CscResponse& response);

    /// running → done with `signatures`. Throws conflict `response_not_running`.
    void complete(const std::string& response_id, const std::vector<std::string>& signatures);
    /// running → failed with `error`. Throws conflict `response_not_running`.
    void fail(const std::string& response_id, const CscStoredError& error);

    /// The response, or nothing (also when it expired at or before `now`).
    std::optional<CscResponse> find(const std::string& response_id, std::chrono::system_clock::time_point now) const;

    /// At start-up: responses left running by a stop fail with `interrupted` (nothing was
    /// returned for them; their SAD stays spent). Expired rows are deleted. Returns how many failed.
    std::size_t recover(std::chrono::system_clock::time_point now);

private:
    void finish(const std::string& response_id, CscResponseState state, const std::vector<std::string>& signatures,
                const std::optional<CscStoredError>& error);

    WriteQueue& queue_;
};

}  // namespace sign::store
