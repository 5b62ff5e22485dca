#include "http/error_catalogue.h"

#include <array>

#include "http/token_buckets.h"

namespace sign::signd {

namespace {

struct Entry {
    std::string_view code;
    int status;                  ///< 0: the kind's
    int mobile_status;           ///< on the mobile contract's routes; 0: as `status`
    std::string_view csc_error;  ///< empty: the kind's
    int csc_status;              ///< 0: the kind's
};

// Codes whose answer differs from their kind's. Scope refusals are 403 everywhere; upload limits
// have statuses of their own; the mobile contract (docs/mobile-signing.md) answers a missing field
// or image in the document a client sent as a bad request, a deleted result as gone and a signer
// locked while approving as 423 Locked; CSC names PIN problems itself. A detached document sent
// with a file that carries its own content is well-formed but unusable: 422.
constexpr std::array entries{
    Entry{"verify_only_client", 403, 0, "access_denied", 403},
    Entry{"seal_not_granted", 403, 0, "access_denied", 403},
    Entry{"signer_not_allowed", 403, 0, "access_denied", 403},
    Entry{"callback_url_not_allowed", 403, 0, "access_denied", 403},
    Entry{"device_not_for_signer", 403, 0, "access_denied", 403},
    Entry{"base64_document_too_large", 413, 0, "", 0},
    Entry{"unsupported_media_type", 415, 0, "", 0},
    Entry{"document_not_applicable", 422, 0, "", 0},
    Entry{"field_not_found", 0, 400, "", 0},
    Entry{"signature_image_missing", 0, 400, "", 0},
    Entry{"image_unreadable", 0, 400, "", 0},
    Entry{"result_removed", 0, 410, "", 0},
    Entry{"signer_locked", 409, 0, "access_denied", 400},
    Entry{"wrong_pin", 0, 0, "invalid_pin", 400},
    // A client's document that its parser could not finish within the worker's limits is
    // unprocessable; a worker that ran out of time may succeed later.
    Entry{"document_unprocessable", 422, 0, "", 0},
    Entry{"document_processing_timeout", 503, 0, "temporarily_unavailable", 503},
    Entry{"rate_limited", 429, 0, "temporarily_unavailable", 429},
    // The database server restarting or failing over, or a write that lost a lock conflict: nothing
    // was done, and the same request may succeed in a moment.
    Entry{"database_unavailable", 503, 0, "temporarily_unavailable", 503},
    Entry{"database_busy", 503, 0, "temporarily_unavailable", 503},
};

struct Alias {
    std::string_view alias;
    std::string_view code;
};

// One failure was published under two names; the older name is kept as an alias of the code.
constexpr std::array aliases{
    Alias{"malformed_json", "invalid_json"},
    Alias{"bad_time", "invalid_time"},
};

int status_of_kind(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid_input: return 400;
        case ErrorKind::authentication: return 401;
        case ErrorKind::not_found: return 404;
        case ErrorKind::conflict: return 409;
        case ErrorKind::policy: return 422;
        case ErrorKind::token: return 503;
        case ErrorKind::internal: return 500;
    }
    return 500;
}

// The CSC specification answers nearly every refusal with 400 invalid_request.
std::pair<int, std::string_view> csc_of_kind(ErrorKind kind, bool login) {
    switch (kind) {
        case ErrorKind::authentication: return {401, login ? "invalid_client" : "invalid_token"};
        case ErrorKind::token: return {503, "temporarily_unavailable"};
        case ErrorKind::internal: return {500, "server_error"};
        case ErrorKind::not_found:
        case ErrorKind::conflict:
        case ErrorKind::invalid_input:
        case ErrorKind::policy: return {400, "invalid_request"};
    }
    return {500, "server_error"};
}

}  // namespace

ErrorAnswer answer_for(const Error& error, ErrorSurface surface, bool login) {
    std::string_view code = canonical_code(error.code());
    auto [csc_status, csc_error] = csc_of_kind(error.kind(), login);
    ErrorAnswer answer{status_of_kind(error.kind()), csc_status, std::string(csc_error)};
    for (const auto& entry : entries) {
        if (entry.code != code) continue;
        if (entry.status) answer.status = entry.status;
        if (entry.mobile_status && surface != ErrorSurface::api) answer.status = entry.mobile_status;
        if (!entry.csc_error.empty()) answer.csc_error = entry.csc_error;
        if (entry.csc_status) answer.csc_status = entry.csc_status;
    }
    // The one status that depends on the step: a locked signer cannot create (409) nor approve (423).
    if (code == "signer_locked" && surface == ErrorSurface::approval) answer.status = 423;
    return answer;
}

std::string_view canonical_code(std::string_view code) {
    for (const auto& alias : aliases)
        if (alias.alias == code) return alias.code;
    return code;
}

std::vector<std::string_view> aliases_of(std::string_view code) {
    std::vector<std::string_view> found;
    for (const auto& alias : aliases)
        if (alias.code == code) found.push_back(alias.alias);
    return found;
}

HttpResponse problem_response(const Error& error, ErrorSurface surface, const std::string& realm_scheme,
                              nlohmann::json extensions) {
    std::string code(canonical_code(error.code()));
    nlohmann::json published = nlohmann::json::array();
    for (auto alias : aliases_of(code)) published.push_back(std::string(alias));
    if (!published.empty()) extensions["aliases"] = published;
    int status = answer_for(error, surface).status;
    auto response = HttpResponse::problem(status, code, error.what(), extensions);
    if (status == 401) response.headers.emplace_back("WWW-Authenticate", realm_scheme + " realm=\"signd\"");
    add_retry_after(error, response);
    return response;
}

void add_retry_after(const Error& error, HttpResponse& response) {
    if (auto* limited = dynamic_cast<const RateLimited*>(&error))
        response.headers.emplace_back("Retry-After", std::to_string(limited->retry_after().count()));
}

HttpResponse unexpected_failure_response() {
    return HttpResponse::problem(500, "internal_error", "the service failed unexpectedly; the request was not completed");
}

}  // namespace sign::signd
