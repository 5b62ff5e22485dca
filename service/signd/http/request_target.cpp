#include "http/request_target.h"

namespace sign::signd {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

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

std::optional<std::string> percent_decode(const std::string& text, bool plus_is_space) {
    std::string decoded;
    decoded.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
            int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if (high < 0 || low < 0) return std::nullopt;
            decoded += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            decoded += ' ';
        } else {
            decoded += c;
        }
    }
    return decoded;
}

std::optional<RequestTarget> parse_request_target(const std::string& target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    RequestTarget parsed;
    size_t question = target.find('?');
    auto path = percent_decode(target.substr(0, question), false);
    if (!path || path->find('\0') != std::string::npos) return std::nullopt;
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
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = percent_decode(equals == std::string::npos ? "" : pair.substr(equals + 1), true);
        if (!name || !value) return std::nullopt;
        parsed.query[*name] = *value;
    }
    return parsed;
}

}  // namespace sign::signd
