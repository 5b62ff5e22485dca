#pragma once
// One HTTP response, and the two JSON shapes signd answers in: plain JSON and
// RFC 9457 problem details with a stable `code`.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sign::signd {

struct HttpResponse {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
    /// Who the handler found the caller to be (API client id, CSC user); written to the request
    /// log line only, never sent.
    std::string client_id;

    /// `value` serialised as application/json.
    static HttpResponse json(int status, const nlohmann::json& value);
    /// Raw bytes of a content type.
    static HttpResponse bytes(int status, std::string content_type, std::string body);
    /// application/problem+json: {"type","title","status","detail","code"}; `type` is
    /// "https://city-sign.invalid/problems/<code>". `extensions` adds members (RFC 9457 section 3.2).
    static HttpResponse problem(int status, const std::string& code, const std::string& detail,
                                const nlohmann::json& extensions = nlohmann::json::object());
};

/// `value` as compact JSON text; strings that are not UTF-8 come out with U+FFFD in place of
/// their bad bytes instead of throwing.
std::string to_json_text(const nlohmann::json& value);

}  // namespace sign::signd
