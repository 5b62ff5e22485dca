#pragma once
// Base64 as the APIs carry it: the standard alphabet with padding for
// documents, hashes and certificates (RFC 4648 section 4), and the URL-safe
// alphabet without padding for tokens (section 5). Decoding is strict: a
// character outside the alphabet, wrong padding or a stray line break is an
// error, never silently skipped, so two spellings never mean the same bytes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sign {

/// Standard base64 with '=' padding.
std::string encode_base64(std::span<const std::uint8_t> bytes);
/// URL-safe base64 without padding.
std::string encode_base64url(std::span<const std::uint8_t> bytes);

/// How strict decoding is.
struct Base64Options {
    /// Skip spaces, tabs and line breaks anywhere, as XML (xs:base64Binary) and PEM wrap their
    /// base64; every other character must still be in the alphabet.
    bool ignore_whitespace = false;
};

/// The bytes of standard, padded base64; nullopt when `text` is not exactly that.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text, Base64Options options = {});
/// The bytes of URL-safe, unpadded base64; nullopt when `text` is not exactly that.
std::optional<std::vector<std::uint8_t>> decode_base64url(std::string_view text);

/// The length of the standard base64 of `byte_count` bytes, to refuse large input before decoding it.
constexpr std::size_t base64_length_of(std::size_t byte_count) { return 4 * ((byte_count + 2) / 3); }

}  // namespace sign
