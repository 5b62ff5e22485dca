#pragma once
// Every signctl command that changes something leaves a record in the audit
// log: "ok" once the change is made, or the error code when it is refused.

#include <functional>
#include <string>

#include "commands.h"
#include "sign/error.h"

namespace sign::signctl {

/// What one audited action concerns.
struct AuditedSubject {
    std::string subject;        ///< e.g. the serial, the signer, the key URI
    std::string document_hash;  ///< hex SHA-256 of the document signed, if any
    /// Named in the failed-authentication record of a wrong or locked PIN: the token by default,
    /// "signer:<id>" when it was a signer's PIN.
    std::string authenticated;
};

/// Runs `change` and appends its outcome (actor "signctl") under `action`. `change` returns the
/// subject to record (e.g. the serial it issued), or "" to keep `subject`. A refusal is recorded
/// with its error code and rethrown; a wrong or locked PIN is also recorded as a failed
/// authentication.
void audited(Cli& cli, const std::string& action, const std::string& subject, const std::function<std::string()>& change);
/// The same, with the document hash and the authenticated party of `subject`.
void audited(Cli& cli, const std::string& action, const AuditedSubject& subject, const std::function<std::string()>& change);

/// Records that `action` was refused with `refusal`, as audited() does; never throws (a log that
/// cannot be written is reported on stderr beside the refusal).
void record_refusal(Cli& cli, const std::string& action, const AuditedSubject& subject, const Error& refusal);

}  // namespace sign::signctl
