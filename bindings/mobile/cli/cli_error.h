#pragma once
// The CLI's failures and its documented exit codes (bindings/README.md). Scripts branch on these.

#include <stdexcept>
#include <string>

#include "signmobile.h"

namespace signmobile::cli {

enum ExitCode : int {
    exit_ok = 0,
    exit_internal = 1,         ///< a bug or an unexpected failure
    exit_usage = 2,            ///< bad command line, or no way to ask for the PIN
    exit_invalid_input = 3,    ///< a local file or profile is wrong, or the server refused the input
    exit_network = 4,          ///< the server cannot be reached or its certificate is not trusted
    exit_not_found = 5,        ///< no such request or preview
    exit_conflict = 6,         ///< the request is no longer pending or expired; the profile is enrolled already
    exit_pin = 7,              ///< wrong PIN, or the signer is locked
    exit_device_refused = 8,   ///< the server does not accept this device (unknown or revoked)
    exit_untrusted = 9,        ///< the server's answer breaks the contract (challenge mismatch)
    exit_server = 10,          ///< the server failed, or the signing failed after approval
};

class CliError : public std::runtime_error {
public:
    CliError(int exit_code, std::string code, const std::string& message)
        : std::runtime_error(message), exit_code_(exit_code), code_(std::move(code)) {}
    int exit_code() const noexcept { return exit_code_; }
    const std::string& code() const noexcept { return code_; }

private:
    int exit_code_;
    std::string code_;
};

/// Throws a CliError for an SDK failure, with the SDK's message and the server's problem code.
[[noreturn]] void throw_sdk_failure(sm_status status, const std::string& doing);

/// Calls throw_sdk_failure unless `status` is SM_OK.
inline void check(sm_status status, const std::string& doing) {
    if (status != SM_OK) throw_sdk_failure(status, doing);
}

}  // namespace signmobile::cli
