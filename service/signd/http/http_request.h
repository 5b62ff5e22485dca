#pragma once
// One HTTP request as signd's handlers see it: read whole (within the body
// limit), with the peer's address and, over mutual TLS, the serial of the
// client certificate our root vouched for.

#include <map>
#include <optional>
#include <string>

namespace sign::signd {

struct HttpRequest {
    std::string method;                          ///< "GET", "POST", ...
    std::string path;                            ///< percent-decoded, without the query
    std::string target;                          ///< path and query exactly as sent (signed device requests cover it)
    std::map<std::string, std::string> query;    ///< percent-decoded query parameters
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::map<std::string, std::string> params;   ///< path parameters matched by the route ("{name}")
    std::string body;
    std::string client_address;                  ///< remote IP
    bool secure = false;                         ///< arrived over TLS
    /// Canonical hex serial of the verified mTLS client certificate, if one was presented.
    std::optional<std::string> client_certificate_serial;
    std::string request_id;                      ///< unique per request; echoed as X-Request-Id

    /// A header by lower-case name.
    std::optional<std::string> header(const std::string& lower_case_name) const {
        auto it = headers.find(lower_case_name);
        if (it == headers.end()) return std::nullopt;
        return it->second;
    }
};

}  // namespace sign::signd
