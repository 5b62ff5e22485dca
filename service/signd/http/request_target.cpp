#include "http/request_target.h"

#include "sign/percent_encoding.h"
#include "sign/utf8.h"

namespace sign::signd {

namespace {

bool has_dot_dot_segment(const std::string& path) {
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find_first_of("/\\", start);
        if (end == std::string::npos) end = path.size();
        if (path.compare(start, end - start, "..") == 0 && end - start == 2) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace

std::optional<RequestTarget> parse_request_target(const std::string& target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    RequestTarget parsed;
    size_t question = target.find('?');
    auto path = percent_decode(std::string_view(target).substr(0, question));
    if (!path || path->find('\0') != std::string::npos || !is_valid_utf8(*path)) return std::nullopt;
    parsed.path = std::move(*path);
    parsed.traversal = has_dot_dot_segment(parsed.path);
    if (question == std::string::npos) return parsed;
    std::string query = target.substr(question + 1);
    size_t start = 0;
    while (start <= query.size()) {
        size_t end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        std::string pair = query.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;
        size_t equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), {.plus_is_space = true});
        auto value = percent_decode(equals == std::string::npos ? "" : pair.substr(equals + 1), {.plus_is_space = true});
        if (!name || !value || !is_valid_utf8(*name) || !is_valid_utf8(*value)) return std::nullopt;
        parsed.query[*name] = *value;
    }
    return parsed;
}

}  // namespace sign::signd
