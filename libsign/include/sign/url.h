#pragma once
// Absolute http and https URLs from clients (callback URLs), parsed and brought to one normal
// form (RFC 3986 section 6.2.2) before they are compared or used. A check on the raw text is
// not enough: "https://h/cb/../admin" starts with "https://h/cb/" but is a request for /admin.
// Forms that servers read differently from RFC 3986 are refused rather than guessed at.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sign {

/// An absolute http or https URL in normal form: scheme and host lower-case, percent-escapes
/// upper-case and only where needed (unreserved characters decoded), dot segments removed
/// (RFC 3986 section 5.2.4), an empty path made "/", the default port dropped.
class HttpUrl {
public:
    /// The URL in `text`, normalised. Throws sign::Error(invalid_input, "invalid_url") with the
    /// reason when it is longer than `max_length`; is not ASCII printable; has another scheme, user
    /// information, a fragment, a backslash, an empty path segment ("//"), an encoded '/' or '\\',
    /// an escape that decodes to a control character or to invalid UTF-8, a segment that is "."
    /// or ".." followed by ";parameters"; a host that is empty, not a DNS name, a dotted IPv4
    /// address in another spelling (octal, hex, fewer parts), or an IPv6 address with a zone;
    /// or a port outside 1..65535.
    static HttpUrl parse(std::string_view text, std::size_t max_length = 2048);
    /// As parse(), null instead of throwing.
    static std::optional<HttpUrl> try_parse(std::string_view text, std::size_t max_length = 2048) noexcept;

    /// "http" or "https".
    const std::string& scheme() const { return scheme_; }
    /// A lower-case DNS name, a dotted-quad IPv4 address, or an IPv6 address in brackets in its
    /// RFC 5952 form ("[2001:db8::1]").
    const std::string& host() const { return host_; }
    /// The port, the scheme's default when none was given.
    std::uint16_t port() const { return port_; }
    /// The path, starting with '/'.
    const std::string& path() const { return path_; }
    /// The query without its '?', if there is one.
    const std::optional<std::string>& query() const { return query_; }

    /// The normal form as text; parse(to_string()) gives the same URL.
    std::string to_string() const;

    /// Whether this URL is allowed by `allowed`: the same URL, or, when `allowed` has no query and
    /// its path ends with '/', any URL with the same scheme, host and port whose path starts
    /// with that path. Comparing whole segments means "/cb/" never admits "/cbx".
    bool is_allowed_by(const HttpUrl& allowed) const;
    /// Whether any of `allowed` (URL texts; those that do not parse allow nothing) allows it.
    bool is_allowed_by_any(const std::vector<std::string>& allowed) const;

    friend bool operator==(const HttpUrl&, const HttpUrl&) = default;

private:
    HttpUrl() = default;

    std::string scheme_;
    std::string host_;
    std::uint16_t port_ = 0;
    std::string path_;
    std::optional<std::string> query_;
};

/// RFC 3986 section 5.2.4: `path` with its "." and ".." segments resolved.
std::string remove_dot_segments(std::string_view path);

}  // namespace sign
