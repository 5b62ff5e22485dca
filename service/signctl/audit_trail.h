#pragma once
// Every signctl command that changes something leaves a record in the audit
// log: "ok" once the change is made, or the error code when it is refused.

#include <functional>
#include <string>

#include "commands.h"

namespace sign::signctl {

/// Runs `change` and appends its outcome (actor "signctl") under `action`. `change` returns the
/// subject to record (e.g. the serial it issued), or "" to keep `subject`. A refusal is recorded
/// with its error code and rethrown; a wrong or locked PIN is also recorded as a failed
/// authentication.
void audited(Cli& cli, const std::string& action, const std::string& subject, const std::function<std::string()>& change);

}  // namespace sign::signctl
