#pragma once
// Random ids and nonces, and digests, for the mobile service (base64 itself is
// sign/base64.h).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sign::mobile {

/// `count` random bytes from OpenSSL's generator.
std::vector<std::uint8_t> random_bytes(std::size_t count);
/// 128 random bits as 22 base64url characters: request and event ids.
std::string random_id();
/// SHA-256 of bytes.
std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> bytes);

}  // namespace sign::mobile
