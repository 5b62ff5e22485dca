#pragma once
// Percent-encoding (RFC 3986 section 2.1), for PKCS#11 URIs and for file names
// written as URI references in signatures.

#include <string>
#include <string_view>

namespace sign {

/// `text` with every byte percent-encoded (upper-case hex) except the RFC 3986 unreserved
/// characters (letters, digits, "-._~") and those in `also_unescaped`.
std::string percent_encode(std::string_view text, std::string_view also_unescaped = {});

}  // namespace sign
