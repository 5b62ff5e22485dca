#pragma once
// Checks what a phone signed with its device key: ECDSA P-256 with SHA-256,
// the signature raw (r‖s, 64 bytes, IEEE P1363) as WebCrypto makes it.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sign::mobile {

/// True when `signature` (64 bytes r‖s) verifies over the UTF-8 `text` with the P-256 key whose
/// DER SubjectPublicKeyInfo is `public_key_spki`. Anything malformed is false, never an exception.
bool verify_device_signature(std::span<const std::uint8_t> public_key_spki, std::string_view text,
                             std::span<const std::uint8_t> signature);

}  // namespace sign::mobile

namespace sign::mobile {

/// What a device signs for `Authorization: Device <id>.<ms>.<signature>`:
/// "signd-device-auth-v1\n<id>\n<ms>\n<METHOD>\n<path and query as sent>\n".
std::string device_auth_text(const std::string& device_id, const std::string& unix_millis, const std::string& method,
                             const std::string& target);

}  // namespace sign::mobile
