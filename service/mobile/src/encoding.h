#pragma once
// Random nonces and digests for the mobile service (ids are sign/random_id.h,
// base64 sign/base64.h).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sign::mobile {

/// `count` random bytes from OpenSSL's generator.
std::vector<std::uint8_t> random_bytes(std::size_t count);
/// SHA-256 of bytes.
std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> bytes);

}  // namespace sign::mobile
