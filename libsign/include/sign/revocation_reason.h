#pragma once
// Text names of RFC 5280 revocation reasons, as administrators type them and
// as the CLI and REST API print them.

#include <string_view>

#include "sign/certificate_registry.h"

namespace sign {

/// The RFC 5280 name: "keyCompromise", "superseded", ...
std::string_view to_string(RevocationReason reason);

/// Reads an RFC 5280 name (case-insensitive, '-' and '_' ignored, so "key-compromise" works);
/// throws invalid_input `unknown_revocation_reason` listing the accepted names.
RevocationReason parse_revocation_reason(std::string_view name);

}  // namespace sign
