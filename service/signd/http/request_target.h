#pragma once
// The request target of an HTTP request line, decoded once for routing and
// for the path-traversal check.

#include <map>
#include <optional>
#include <string>

namespace sign::signd {

struct RequestTarget {
    std::string path;                           ///< percent-decoded, valid UTF-8
    std::map<std::string, std::string> query;   ///< percent-decoded, '+' as space, valid UTF-8
    bool traversal = false;                     ///< a ".." segment, in the decoded path ('/' or '\' separated)
};

/// Splits and decodes an origin-form target ("/a/b?x=1"); null when it is not one, when an escape
/// is malformed, when the decoded path holds a NUL byte, or when the decoded path, a query name or
/// a query value is not valid UTF-8: no route or parameter of ours is anything else, and text that
/// is not UTF-8 must not reach the handlers, the logs or the audit records.
std::optional<RequestTarget> parse_request_target(const std::string& target);

}  // namespace sign::signd
