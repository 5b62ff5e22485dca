#pragma once
// The exact texts a device signs (contract: "Device authentication" and "The
// approval challenge") and the encodings around them. A field that could change
// the meaning of a line (a line break, upper-case hex) is refused rather than
// passed through, so no request can make two different challenges look alike.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace signmobile {

/// The approval challenge for `decision` ("approve" or "reject") from a device request's fields.
/// Throws Failure SM_ERR_INVALID_ARGUMENT naming the malformed field.
std::string approval_challenge(const nlohmann::json& request, const std::string& decision);

/// "signd-device-auth-v1\n<deviceId>\n<ms>\n<METHOD>\n<path and query>\n".
std::string device_auth_text(const std::string& device_id, int64_t unix_ms, const std::string& method,
                             const std::string& path_and_query);

/// base64url without padding.
std::string base64url_encode(const std::string& bytes);
/// base64url with optional padding; throws SM_ERR_INVALID_ARGUMENT on any other character.
std::string base64url_decode(const std::string& text);
/// Standard base64 with padding (RFC 4648 section 4), as enrolment sends the public key.
std::string base64_encode(const std::string& bytes);

}  // namespace signmobile
