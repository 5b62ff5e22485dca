#pragma once
// Identifiers nobody can guess: request, device, event and response ids.

#include <string>

namespace sign {

/// 128 random bits from OpenSSL's generator as 22 base64url characters, never starting with '-', so
/// that an id typed after a command (`signmobile request approve <id>`) is not read as an option.
std::string random_id();

}  // namespace sign
