#include "sign/verification/curl_fetcher.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>

#include "sign/error.h"

namespace sign::verification {
namespace {

struct Download {
    std::vector<std::uint8_t> body;
    std::size_t max_bytes = 0;
    bool too_large = false;
};

// Stops the transfer (by taking fewer bytes than offered) as soon as the body would pass the cap,
// so a hostile server cannot make us hold more than the limit.
std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    auto* download = static_cast<Download*>(user);
    std::size_t bytes = size * count;
    if (download->body.size() + bytes > download->max_bytes) {
        download->too_large = true;
        return 0;
    }
    download->body.insert(download->body.end(), data, data + bytes);
    return bytes;
}

struct CurlCleanup {
    void operator()(CURL* curl) const noexcept { curl_easy_cleanup(curl); }
};
struct SlistCleanup {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

}  // namespace

CurlFetcher::CurlFetcher() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::vector<std::uint8_t> CurlFetcher::get(const std::string& url, const validate::FetchLimits& limits) {
    return perform(url, nullptr, {}, limits);
}

std::vector<std::uint8_t> CurlFetcher::post(const std::string& url, std::string_view content_type,
                                            std::span<const std::uint8_t> body, const validate::FetchLimits& limits) {
    std::string type(content_type);
    return perform(url, &type, body, limits);
}

std::vector<std::uint8_t> CurlFetcher::perform(const std::string& url, const std::string* content_type,
                                               std::span<const std::uint8_t> body, const validate::FetchLimits& limits) {
    if (!validate::is_fetchable_url(url))
        throw Error(ErrorKind::invalid_input, "url_refused", "only http and https URLs are fetched, not '" + url + "'");
    std::unique_ptr<CURL, CurlCleanup> curl(curl_easy_init());
    if (!curl) throw Error(ErrorKind::internal, "curl_failure", "libcurl failed to start");
    Download download;
    download.max_bytes = limits.max_bytes;
    char error_text[CURL_ERROR_SIZE] = {};
    std::unique_ptr<curl_slist, SlistCleanup> headers;
    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &download);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "city-sign validator");
    if (content_type) {
        headers.reset(curl_slist_append(nullptr, ("Content-Type: " + *content_type).c_str()));
        curl_slist_append(headers.get(), "Expect:");
        curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(handle, CURLOPT_POST, 1L);
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    CURLcode code = curl_easy_perform(handle);
    if (download.too_large || code == CURLE_FILESIZE_EXCEEDED)
        throw Error(ErrorKind::invalid_input, "response_too_large",
                    url + " answered with more than " + std::to_string(limits.max_bytes) + " bytes");
    if (code != CURLE_OK)
        throw Error(ErrorKind::not_found, "fetch_failed", url + ": " + (error_text[0] ? error_text : curl_easy_strerror(code)));
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) throw Error(ErrorKind::not_found, "fetch_failed", url + " answered HTTP " + std::to_string(status));
    return std::move(download.body);
}

}  // namespace sign::verification
