#include "sign/url.h"

#include <arpa/inet.h>

#include <algorithm>

#include "sign/error.h"
#include "sign/utf8.h"

namespace sign {

namespace {

[[noreturn]] void refuse(const std::string& reason) {
    throw Error(ErrorKind::invalid_input, "invalid_url", "not an acceptable http or https URL: " + reason);
}

bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_unreserved(unsigned char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_sub_delim(unsigned char c) { return std::string_view("!$&'()*+,;=").find(static_cast<char>(c)) != std::string_view::npos; }

int hex_value(unsigned char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A path or query with escapes in one form: unreserved characters decoded (RFC 3986 6.2.2.2),
// every other escape upper-case (6.2.2.1). What the escapes decode to must be text: an escaped
// control character or invalid UTF-8 is refused, and so is an escaped '/' or '\' in a path, which
// servers disagree on (a segment boundary for some, a character for others).
std::string normalise_escapes(std::string_view text, bool is_query) {
    static const char hex_digits[] = "0123456789ABCDEF";
    std::string out;
    std::string decoded;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c != '%') {
            bool allowed = is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/' || (is_query && c == '?');
            if (!allowed) refuse(std::string("the character '") + static_cast<char>(c) + "' must be percent-encoded");
            out += static_cast<char>(c);
            decoded += static_cast<char>(c);
            continue;
        }
        if (i + 2 >= text.size()) refuse("a truncated percent-escape");
        int high = hex_value(static_cast<unsigned char>(text[i + 1]));
        int low = hex_value(static_cast<unsigned char>(text[i + 2]));
        if (high < 0 || low < 0) refuse("a percent-escape that is not hexadecimal");
        auto byte = static_cast<unsigned char>(high * 16 + low);
        if (byte < 0x20 || byte == 0x7f) refuse("an escaped control character");
        if (!is_query && (byte == '/' || byte == '\\')) refuse("an escaped '/' or '\\' in the path");
        decoded += static_cast<char>(byte);
        if (is_unreserved(byte)) {
            out += static_cast<char>(byte);
        } else {
            out += '%';
            out += hex_digits[byte >> 4];
            out += hex_digits[byte & 0x0f];
        }
        i += 2;
    }
    if (!is_valid_utf8(decoded)) refuse("percent-escapes that are not UTF-8");
    return out;
}

// A dotted-quad IPv4 address with no part spelled in octal, hex or with leading zeros.
bool is_canonical_ipv4(const std::string& host) {
    int parts = 0;
    std::size_t start = 0;
    while (start <= host.size()) {
        std::size_t end = host.find('.', start);
        if (end == std::string::npos) end = host.size();
        std::string_view part(host.data() + start, end - start);
        if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), [](char c) { return is_digit(c); }))
            return false;
        if (part.size() > 1 && part.front() == '0') return false;
        if (std::stoi(std::string(part)) > 255) return false;
        ++parts;
        start = end + 1;
    }
    return parts == 4;
}

// A host as a DNS name (letters, digits, hyphens; labels of 1 to 63) or a dotted-quad IPv4
// address. A name whose last label is numeric is an IPv4 address to URL parsers (WHATWG's
// "ends in a number"), so "127.1", "0x7f.0.0.1" and "2130706433" must be canonical or nothing.
std::string normalise_host(std::string_view authority_host) {
    if (authority_host.empty()) refuse("no host");
    if (authority_host.front() == '[') {
        if (authority_host.back() != ']') refuse("an unclosed IPv6 literal");
        std::string literal(authority_host.substr(1, authority_host.size() - 2));
        if (literal.empty() || literal.front() == 'v' || literal.front() == 'V') refuse("an IPvFuture literal");
        if (literal.find('%') != std::string::npos) refuse("an IPv6 zone identifier");
        in6_addr address{};
        if (inet_pton(AF_INET6, literal.c_str(), &address) != 1) refuse("an invalid IPv6 address");
        char text[INET6_ADDRSTRLEN];
        if (inet_ntop(AF_INET6, &address, text, sizeof text) == nullptr) refuse("an invalid IPv6 address");
        return "[" + std::string(text) + "]";
    }
    if (authority_host.size() > 253) refuse("a host name longer than 253 characters");
    std::string host = lower(authority_host);
    if (host.find('%') != std::string::npos) refuse("percent-escapes in the host");
    std::size_t start = 0;
    std::string_view last_label;
    while (true) {
        std::size_t end = host.find('.', start);
        if (end == std::string::npos) end = host.size();
        std::string_view label(host.data() + start, end - start);
        if (label.empty()) refuse("an empty label in the host name");
        if (label.size() > 63) refuse("a host name label longer than 63 characters");
        for (char c : label)
            if (!is_alpha(c) && !is_digit(c) && c != '-') refuse("a host name with characters other than letters, digits, '-' and '.'");
        if (label.front() == '-' || label.back() == '-') refuse("a host name label that starts or ends with '-'");
        last_label = label;
        if (end == host.size()) break;
        start = end + 1;
    }
    bool numeric_end = std::all_of(last_label.begin(), last_label.end(), [](char c) { return is_digit(c); }) ||
                       (last_label.size() > 1 && last_label.substr(0, 2) == "0x" &&
                        std::all_of(last_label.begin() + 2, last_label.end(), [](char c) { return hex_value(c) >= 0; }));
    if (numeric_end && !is_canonical_ipv4(host)) refuse("an IPv4 address not written as four decimal numbers");
    return host;
}

std::uint16_t parse_port(std::string_view text, std::uint16_t default_port) {
    // "host:" is the default port (RFC 3986 section 6.2.3).
    if (text.empty()) return default_port;
    if (text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) { return is_digit(c); }))
        refuse("a port that is not a number from 1 to 65535");
    int port = std::stoi(std::string(text));
    if (port < 1 || port > 65535) refuse("a port that is not a number from 1 to 65535");
    return static_cast<std::uint16_t>(port);
}

// Refuses what resolves differently on different servers: empty segments (merged by some), and
// "..;x" or ".;x", which Java servlet containers treat as ".." and "." after stripping parameters.
void check_segments(std::string_view path) {
    std::size_t start = 1;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view segment = path.substr(start, end - start);
        if (segment.empty() && end != path.size()) refuse("an empty path segment ('//')");
        std::string_view name = segment.substr(0, segment.find(';'));
        if (name.size() != segment.size() && (name == "." || name == ".."))
            refuse("a '.' or '..' segment with parameters");
        start = end + 1;
    }
}

}  // namespace

std::string remove_dot_segments(std::string_view path) {
    std::string input(path);
    std::string output;
    std::size_t at = 0;  // the input buffer is input.substr(at); dropping a prefix only moves `at`
    auto rest = [&] { return std::string_view(input).substr(at); };
    auto pop_last_segment = [&] {
        std::size_t slash = output.rfind('/');
        output.erase(slash == std::string::npos ? 0 : slash);
    };
    while (at < input.size()) {
        std::string_view in = rest();
        if (in.starts_with("../")) {
            at += 3;
        } else if (in.starts_with("./")) {
            at += 2;
        } else if (in.starts_with("/./")) {
            at += 2;
        } else if (in == "/.") {
            input.replace(at, 2, "/");
        } else if (in.starts_with("/../")) {
            at += 3;
            pop_last_segment();
        } else if (in == "/..") {
            input.replace(at, 3, "/");
            pop_last_segment();
        } else if (in == "." || in == "..") {
            at = input.size();
        } else {
            std::size_t end = in.find('/', in.front() == '/' ? 1 : 0);
            if (end == std::string_view::npos) end = in.size();
            output.append(in.substr(0, end));
            at += end;
        }
    }
    return output;
}

HttpUrl HttpUrl::parse(std::string_view text, std::size_t max_length) {
    if (text.size() > max_length) refuse("longer than " + std::to_string(max_length) + " characters");
    for (unsigned char c : text)
        if (c <= 0x20 || c >= 0x7f) refuse("a space, control or non-ASCII character (these must be percent-encoded)");
    if (text.find('\\') != std::string_view::npos) refuse("a backslash");
    if (text.find('#') != std::string_view::npos) refuse("a fragment ('#')");

    HttpUrl url;
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) refuse("no scheme");
    url.scheme_ = lower(text.substr(0, colon));
    if (url.scheme_ != "http" && url.scheme_ != "https") refuse("the scheme is not http or https");
    std::string_view rest = text.substr(colon + 1);
    if (!rest.starts_with("//")) refuse("no '//' and host after the scheme");
    rest.remove_prefix(2);

    std::size_t authority_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authority_end);
    std::string_view after_authority = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) refuse("user information ('@') in the authority");

    std::string_view host_text = authority;
    std::string_view port_text;
    bool has_port = false;
    if (authority.starts_with('[')) {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) refuse("an unclosed IPv6 literal");
        host_text = authority.substr(0, close + 1);
        std::string_view tail = authority.substr(close + 1);
        if (!tail.empty()) {
            if (tail.front() != ':') refuse("characters after the IPv6 literal");
            port_text = tail.substr(1);
            has_port = true;
        }
    } else if (std::size_t port_colon = authority.find(':'); port_colon != std::string_view::npos) {
        host_text = authority.substr(0, port_colon);
        port_text = authority.substr(port_colon + 1);
        has_port = true;
    }
    url.host_ = normalise_host(host_text);
    std::uint16_t default_port = url.scheme_ == "https" ? 443 : 80;
    url.port_ = has_port ? parse_port(port_text, default_port) : default_port;

    std::size_t question = after_authority.find('?');
    std::string_view path_text = after_authority.substr(0, question);
    std::string path = normalise_escapes(path_text, false);
    if (path.empty()) path = "/";
    check_segments(path);
    url.path_ = remove_dot_segments(path);
    if (url.path_.empty()) url.path_ = "/";
    if (question != std::string_view::npos) url.query_ = normalise_escapes(after_authority.substr(question + 1), true);
    return url;
}

std::optional<HttpUrl> HttpUrl::try_parse(std::string_view text, std::size_t max_length) noexcept {
    try {
        return parse(text, max_length);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string HttpUrl::to_string() const {
    std::string text = scheme_ + "://" + host_;
    if (port_ != (scheme_ == "https" ? 443 : 80)) text += ":" + std::to_string(port_);
    text += path_;
    if (query_) text += "?" + *query_;
    return text;
}

bool HttpUrl::is_allowed_by(const HttpUrl& allowed) const {
    if (scheme_ != allowed.scheme_ || host_ != allowed.host_ || port_ != allowed.port_) return false;
    if (*this == allowed) return true;
    if (allowed.query_ || !allowed.path_.ends_with('/')) return false;
    return path_.starts_with(allowed.path_);
}

bool HttpUrl::is_allowed_by_any(const std::vector<std::string>& allowed) const {
    return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& text) {
        auto prefix = try_parse(text);
        return prefix && is_allowed_by(*prefix);
    });
}

}  // namespace sign
