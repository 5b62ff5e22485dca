// SDK statuses to exit codes: one place, so the README's table stays true.

#include "cli_error.h"

#include <algorithm>
#include <cctype>

namespace signmobile::cli {

void throw_sdk_failure(sm_status status, const std::string& doing) {
    std::string code = sm_last_problem_code();
    if (code.empty()) {
        // SM_ERR_WRONG_PIN -> wrong_pin: a stable code for --json even without a server problem.
        code = sm_status_name(status);
        if (code.rfind("SM_ERR_", 0) == 0) code = code.substr(7);
        std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return std::tolower(c); });
    }
    int exit_code = exit_internal;
    switch (status) {
    case SM_OK: break;  // not a failure; callers use check(), which never passes SM_OK here
    case SM_ERR_INVALID_ARGUMENT:
    case SM_ERR_IO:
    case SM_ERR_CRYPTO:
    case SM_ERR_REFUSED: exit_code = exit_invalid_input; break;
    case SM_ERR_NETWORK: exit_code = exit_network; break;
    case SM_ERR_NOT_FOUND: exit_code = exit_not_found; break;
    case SM_ERR_CONFLICT: exit_code = exit_conflict; break;
    case SM_ERR_WRONG_PIN:
    case SM_ERR_LOCKED: exit_code = exit_pin; break;
    case SM_ERR_UNAUTHORIZED: exit_code = exit_device_refused; break;
    case SM_ERR_CHALLENGE_MISMATCH:
    case SM_ERR_PROTOCOL: exit_code = exit_untrusted; break;
    case SM_ERR_SERVER: exit_code = exit_server; break;
    case SM_ERR_SIGNER:
    case SM_ERR_NO_MEMORY: exit_code = exit_internal; break;
    }
    throw CliError(exit_code, code, doing + ": " + sm_last_error());
}

}  // namespace signmobile::cli
