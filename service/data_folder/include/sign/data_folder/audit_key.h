#pragma once
// The key that signs the audit log's checkpoints: a P-256 key on the token
// under its own label, generated there on first need like every key of the
// project (sensitive, never extractable, sign-only, so `signctl token check`
// finds nothing to say about it). Its public half verifies the checkpoints.

#include <optional>

#include "sign/hsm/private_key.h"
#include "sign/hsm/token.h"

namespace sign::data_folder {

/// The token label of the audit key.
inline constexpr const char* audit_key_label = "audit-checkpoint";

/// The audit key when the token has one.
std::optional<hsm::PrivateKey> find_audit_key(const hsm::Token& token);
/// The audit key, generated now when the token has none (another process generating it at the
/// same moment is fine: its key is then used).
hsm::PrivateKey audit_key(hsm::Token& token);

}  // namespace sign::data_folder
