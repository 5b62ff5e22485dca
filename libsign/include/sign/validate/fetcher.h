#pragma once
// Outgoing HTTP for validation (AIA caIssuers, CRL distribution points, OCSP),
// behind a narrow interface: libsign does no networking itself; the service
// hands in an implementation (sign::verification::CurlFetcher). A FetchSession
// wraps it for one validation with limits, a cache and an offline switch.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sign::validate {

/// Bounds on what one validation may fetch.
struct FetchLimits {
    std::chrono::milliseconds timeout{5000};   ///< per request, connection included
    std::size_t max_bytes = 2 * 1024 * 1024;   ///< per response body
    int max_fetches = 16;                      ///< requests per validation (cache hits are free)
};

/// An HTTP client. Implementations follow no redirect to another scheme, refuse any scheme but
/// http and https, stop reading past `limits.max_bytes`, give up after `limits.timeout`, and treat
/// any status but 200 as a failure. Failures throw sign::Error (kind invalid_input for a refused
/// URL or an oversized body, not_found for HTTP errors and unreachable hosts).
class Fetcher {
public:
    virtual ~Fetcher() = default;
    /// GET `url` (a certificate or CRL).
    virtual std::vector<std::uint8_t> get(const std::string& url, const FetchLimits& limits) = 0;
    /// POST `body` with `content_type` to `url` (an OCSP request).
    virtual std::vector<std::uint8_t> post(const std::string& url, std::string_view content_type,
                                           std::span<const std::uint8_t> body, const FetchLimits& limits) = 0;
};

/// True for an absolute http:// or https:// URL with a host; what every fetch must be.
bool is_fetchable_url(std::string_view url);

/// One validation's use of a Fetcher: checks the URL, counts requests against the limit, caches
/// answers (and failures) by method, URL and body, and keeps a log for the report. With a null
/// fetcher it is offline: nothing is fetched and every attempt is logged as skipped.
class FetchSession {
public:
    /// `fetcher` is borrowed (null: offline).
    FetchSession(Fetcher* fetcher, FetchLimits limits);

    struct Attempt {
        std::string method;   ///< "GET" or "POST"
        std::string url;
        bool succeeded = false;
        std::size_t bytes = 0;
        std::string failure;  ///< why not, when it failed or was skipped
    };

    /// The body, or nullopt when offline, refused, over the limit or failed (the reason is logged
    /// and returned in `failure`). Never throws for network problems.
    std::optional<std::vector<std::uint8_t>> get(const std::string& url, std::string* failure = nullptr);
    std::optional<std::vector<std::uint8_t>> post(const std::string& url, std::string_view content_type,
                                                  std::span<const std::uint8_t> body, std::string* failure = nullptr);

    bool offline() const noexcept { return fetcher_ == nullptr; }
    /// Every request asked for, in order, including cache hits only once.
    const std::vector<Attempt>& attempts() const noexcept { return attempts_; }

private:
    std::optional<std::vector<std::uint8_t>> fetch(const std::string& method, const std::string& url,
                                                   std::string_view content_type, std::span<const std::uint8_t> body,
                                                   std::string* failure);

    Fetcher* fetcher_;
    FetchLimits limits_;
    int fetches_ = 0;
    struct Cached {
        std::optional<std::vector<std::uint8_t>> body;
        std::string failure;
    };
    std::map<std::string, Cached> cache_;
    std::vector<Attempt> attempts_;
};

}  // namespace sign::validate
