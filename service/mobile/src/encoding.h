#pragma once
// Text forms of bytes the mobile API carries: base64 (documents, signatures),
// base64url without padding (ids, nonces), and random ids.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sign::mobile {

/// Standard base64 with '=' padding.
std::string to_base64(std::span<const std::uint8_t> bytes);
/// URL-safe base64 without padding.
std::string to_base64url(std::span<const std::uint8_t> bytes);
/// The bytes of URL-safe, unpadded base64; nullopt for anything else.
std::optional<std::vector<std::uint8_t>> from_base64url(std::string_view text);
/// `count` random bytes from OpenSSL's generator.
std::vector<std::uint8_t> random_bytes(std::size_t count);
/// 128 random bits as 22 base64url characters: request and event ids.
std::string random_id();
/// SHA-256 of bytes.
std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> bytes);

}  // namespace sign::mobile
