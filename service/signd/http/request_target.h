#pragma once
// The request target of an HTTP request line, decoded once for routing and
// for the path-traversal check.

#include <map>
#include <optional>
#include <string>

namespace sign::signd {

struct RequestTarget {
    std::string path;                           ///< percent-decoded
    std::map<std::string, std::string> query;   ///< percent-decoded, '+' as space
    bool traversal = false;                     ///< a ".." segment, in the decoded path ('/' or '\' separated)
};

/// Splits and decodes an origin-form target ("/a/b?x=1"); null when it is not one, when an escape
/// is malformed, or when the decoded path holds a NUL byte.
std::optional<RequestTarget> parse_request_target(const std::string& target);

/// Decodes %XX escapes (and '+' as space when `plus_is_space`); null on a malformed escape.
std::optional<std::string> percent_decode(const std::string& text, bool plus_is_space);

}  // namespace sign::signd
