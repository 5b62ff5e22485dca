#pragma once
// The one table from an error's stable code to how each of signd's APIs
// answers it: the HTTP status of RFC 9457 problems (REST and mobile APIs) and
// the status and error name of the CSC API. A code not listed answers as its
// kind does. Routes never compare code strings to choose a status.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http_response.h"
#include "sign/error.h"

namespace sign::signd {

/// Where an error is answered: the mobile contract (docs/mobile-signing.md) published a few
/// statuses of its own.
enum class ErrorSurface {
    api,       ///< the document-system API (/api/v1 seals and verifications)
    mobile,    ///< signature requests and the devices' API
    approval,  ///< a signer approving on a phone: as mobile, and a locked signer is 423 Locked
};

/// How the APIs answer one error.
struct ErrorAnswer {
    int status = 500;        ///< REST and mobile APIs
    int csc_status = 500;    ///< CSC API
    std::string csc_error;   ///< CSC error name: invalid_request, invalid_pin, access_denied, ...
};

/// The answer for `error`, on `surface`. `login` is CSC auth/login, where a bad credential is
/// the client's (invalid_client), not the token's (invalid_token).
ErrorAnswer answer_for(const Error& error, ErrorSurface surface = ErrorSurface::api, bool login = false);

/// The code `code` is the published alias of (`malformed_json` → `invalid_json`), or `code` itself.
std::string_view canonical_code(std::string_view code);
/// The older codes clients may still compare with, for `code` (empty for most).
std::vector<std::string_view> aliases_of(std::string_view code);

/// An RFC 9457 problem for `error`, with the status from the table, `aliases` when the code has
/// any, and `extensions` (e.g. attemptsLeft). A 401 carries WWW-Authenticate with `realm_scheme`
/// ("Bearer" or "Device").
HttpResponse problem_response(const Error& error, ErrorSurface surface = ErrorSurface::api,
                              const std::string& realm_scheme = "Bearer",
                              nlohmann::json extensions = nlohmann::json::object());

/// Adds `Retry-After` to the answer of a RateLimited error (nothing for others).
void add_retry_after(const Error& error, HttpResponse& response);

/// The problem answered for anything that is not a sign::Error: a bug, said as no more than that.
HttpResponse unexpected_failure_response();

}  // namespace sign::signd
