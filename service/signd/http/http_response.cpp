#include "http/http_response.h"

#include "sign/error.h"

namespace sign::signd {

std::string to_json_text(const nlohmann::json& value) {
    // A string that is not UTF-8 (a client's bytes echoed in a message) would make dump() throw;
    // replacing it with U+FFFD keeps the answer, which is the right trade for a response.
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse HttpResponse::json(int status, const nlohmann::json& value) {
    return bytes(status, "application/json", to_json_text(value));
}

HttpResponse HttpResponse::bytes(int status, std::string content_type, std::string body) {
    HttpResponse response;
    response.status = status;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    return response;
}

namespace {

std::string reason_phrase(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Content";
        case 423: return "Locked";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        default: return "Error";
    }
}

}  // namespace

HttpResponse HttpResponse::problem(int status, const std::string& code, const std::string& detail,
                                   const nlohmann::json& extensions) {
    nlohmann::json body = extensions;
    body.update({{"type", "https://city-sign.invalid/problems/" + code},
                 {"title", reason_phrase(status)},
                 {"status", status},
                 {"detail", detail},
                 {"code", code}});
    return bytes(status, "application/problem+json", to_json_text(body));
}

}  // namespace sign::signd
