#include "sign/validate/fetcher.h"

#include <cctype>

#include "sign/error.h"

namespace sign::validate {

bool is_fetchable_url(std::string_view url) {
    std::string lower;
    for (char c : url.substr(0, 8)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view rest;
    if (lower.rfind("http://", 0) == 0)
        rest = url.substr(7);
    else if (lower.rfind("https://", 0) == 0)
        rest = url.substr(8);
    else
        return false;
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') return false;
    // Control characters and spaces would let a certificate smuggle headers or a second request.
    for (char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
    return true;
}

FetchSession::FetchSession(Fetcher* fetcher, FetchLimits limits) : fetcher_(fetcher), limits_(limits) {}

std::optional<std::vector<std::uint8_t>> FetchSession::get(const std::string& url, std::string* failure) {
    return fetch("GET", url, {}, {}, failure);
}

std::optional<std::vector<std::uint8_t>> FetchSession::post(const std::string& url, std::string_view content_type,
                                                            std::span<const std::uint8_t> body, std::string* failure) {
    return fetch("POST", url, content_type, body, failure);
}

std::optional<std::vector<std::uint8_t>> FetchSession::fetch(const std::string& method, const std::string& url,
                                                             std::string_view content_type,
                                                             std::span<const std::uint8_t> body, std::string* failure) {
    std::string key = method + " " + url + " " + std::string(body.begin(), body.end());
    if (auto found = cache_.find(key); found != cache_.end()) {
        if (failure) *failure = found->second.failure;
        return found->second.body;
    }
    Attempt attempt{method, url, false, 0, {}};
    Cached result;
    if (!is_fetchable_url(url)) {
        result.failure = "not an http or https URL";
    } else if (!fetcher_) {
        result.failure = "offline";
    } else if (fetches_ >= limits_.max_fetches) {
        result.failure = "fetch limit of " + std::to_string(limits_.max_fetches) + " requests per validation reached";
    } else {
        ++fetches_;
        try {
            result.body = method == "GET" ? fetcher_->get(url, limits_) : fetcher_->post(url, content_type, body, limits_);
            attempt.succeeded = true;
            attempt.bytes = result.body->size();
        } catch (const Error& error) {
            result.failure = error.what();
        }
    }
    attempt.failure = result.failure;
    attempts_.push_back(attempt);
    if (failure) *failure = result.failure;
    return cache_.emplace(key, std::move(result)).first->second.body;
}

}  // namespace sign::validate
