#pragma once
// Percent-encoding (RFC 3986 section 2.1): PKCS#11 URIs, file names written as URI
// references in signatures, and HTTP request targets.

#include <optional>
#include <string>
#include <string_view>

namespace sign {

/// `text` with every byte percent-encoded (upper-case hex) except the RFC 3986 unreserved
/// characters (letters, digits, "-._~") and those in `also_unescaped`.
std::string percent_encode(std::string_view text, std::string_view also_unescaped = {});

struct PercentDecodeOptions {
    bool plus_is_space = false;  ///< '+' stands for a space (HTML form encoding, query strings)
};

/// `text` with every %XX escape decoded (either case of hex); null when an escape is truncated
/// or not hexadecimal. The result may hold any byte, NUL and invalid UTF-8 included: callers
/// that need text check it (sign/utf8.h).
std::optional<std::string> percent_decode(std::string_view text, PercentDecodeOptions options = {});

}  // namespace sign
