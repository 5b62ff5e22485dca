#include "http/router.h"

#include <algorithm>
#include <string_view>

#include "sign/error.h"

namespace sign::signd {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> parts;
    size_t start = path.empty() || path.front() != '/' ? 0 : 1;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

bool is_parameter(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool is_rest_parameter(std::string_view segment) {
    return is_parameter(segment) && segment[segment.size() - 2] == '*';
}

// Matches `path` against `pattern`; fills `params` only on success.
bool matches(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
    auto want = segments(pattern);
    auto have = segments(path);
    std::map<std::string, std::string> found;
    size_t i = 0;
    for (; i < want.size(); ++i) {
        if (is_rest_parameter(want[i])) {
            // Everything from here on, slashes included; it must not be empty.
            if (i >= have.size()) return false;
            std::string rest;
            for (size_t j = i; j < have.size(); ++j) rest += (j == i ? "" : "/") + std::string(have[j]);
            if (rest.empty()) return false;
            found[std::string(want[i].substr(1, want[i].size() - 3))] = std::move(rest);
            params = std::move(found);
            return true;
        }
        if (i >= have.size()) return false;
        if (is_parameter(want[i])) {
            if (have[i].empty()) return false;
            found[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(have[i]);
        } else if (want[i] != have[i]) {
            return false;
        }
    }
    if (i != have.size()) return false;
    params = std::move(found);
    return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, std::string name, Transport transport, Handler handler) {
    if (pattern.empty() || pattern.front() != '/')
        throw Error(ErrorKind::internal, "invalid_route", "route pattern must start with '/': " + pattern);
    routes_.push_back(Route{std::move(method), std::move(pattern), std::move(name), transport, std::move(handler)});
}

const Router::Route* Router::match(const std::string& method, const std::string& path,
                                   std::map<std::string, std::string>& params, bool& path_matched) const {
    path_matched = false;
    for (const auto& route : routes_) {
        std::map<std::string, std::string> candidate;
        if (!matches(route.pattern, path, candidate)) continue;
        if (route.method != method) {
            path_matched = true;
            continue;
        }
        params = std::move(candidate);
        return &route;
    }
    return nullptr;
}

std::vector<std::string> Router::allowed_methods(const std::string& path) const {
    std::vector<std::string> methods;
    for (const auto& route : routes_) {
        std::map<std::string, std::string> ignored;
        if (matches(route.pattern, path, ignored) &&
            std::find(methods.begin(), methods.end(), route.method) == methods.end())
            methods.push_back(route.method);
    }
    return methods;
}

}  // namespace sign::signd
