#pragma once
// signctl's documented exit codes (docs/signctl.md). Scripts branch on these.

#include "sign/error.h"

namespace sign::signctl {

enum ExitCode : int {
    exit_ok = 0,
    exit_internal = 1,        ///< a bug or an unexpected failure
    exit_usage = 2,           ///< bad command line
    exit_invalid_input = 3,   ///< a file, name, subject or CSR is malformed
    exit_policy = 4,          ///< refused by policy: weak key or digest, validity, revoked or expired CA
    exit_not_found = 5,       ///< no such certificate, key, profile, token or CA
    exit_conflict = 6,        ///< it exists already: serial, label, token, CA
    exit_authentication = 7,  ///< wrong or locked PIN
    exit_token = 8,           ///< the token failed or is unreachable
    exit_audit_broken = 9,    ///< `audit verify` found edited, removed, reordered or truncated records, or a forged checkpoint
    exit_key_usage = 10,      ///< `token check` left keys that may do more than sign or verify
    exit_signature_invalid = 11,        ///< `verify`: a signature is invalid (TOTAL-FAILED)
    exit_signature_indeterminate = 12,  ///< `verify`: not enough to say (INDETERMINATE: unknown trust, no revocation data...)
    exit_owner_required = 13,           ///< a personal key without its owner: no --signer, or no way to ask the signer's PIN
};

/// The exit code for a failure of this kind.
inline int exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::invalid_input: return exit_invalid_input;
    case ErrorKind::policy: return exit_policy;
    case ErrorKind::not_found: return exit_not_found;
    case ErrorKind::conflict: return exit_conflict;
    case ErrorKind::authentication: return exit_authentication;
    case ErrorKind::token: return exit_token;
    case ErrorKind::internal: return exit_internal;
    }
    return exit_internal;
}

/// The exit code for `error`: its kind's, except the refusals scripts must tell apart.
inline int exit_code_for(const Error& error) {
    if (error.code() == "signer_required" || error.code() == "signer_pin_required") return exit_owner_required;
    if (error.code() == "audit_broken") return exit_audit_broken;
    return exit_code_for(error.kind());
}

}  // namespace sign::signctl
