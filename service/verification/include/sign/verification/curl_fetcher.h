#pragma once
// The validator's HTTP client over libcurl (sign::validate::Fetcher): GET for
// AIA caIssuers and CRLs, POST for OCSP, http and https only, no redirects,
// a hard timeout and a body size cap. HTTPS uses the system's CA store.

#include "sign/validate/fetcher.h"

namespace sign::verification {

class CurlFetcher final : public validate::Fetcher {
public:
    /// Initialises libcurl (once per process).
    CurlFetcher();

    /// Throws invalid_input `url_refused` for another scheme, `response_too_large` past the size
    /// cap; not_found `fetch_failed` for timeouts, unreachable hosts and HTTP statuses but 200.
    std::vector<std::uint8_t> get(const std::string& url, const validate::FetchLimits& limits) override;
    std::vector<std::uint8_t> post(const std::string& url, std::string_view content_type,
                                   std::span<const std::uint8_t> body, const validate::FetchLimits& limits) override;

private:
    std::vector<std::uint8_t> perform(const std::string& url, const std::string* content_type,
                                      std::span<const std::uint8_t> body, const validate::FetchLimits& limits);
};

}  // namespace sign::verification
