#include "http/metrics.h"

#include <array>
#include <sstream>

namespace sign::signd {

namespace {

// Upper bounds in seconds: from a cached CRL (milliseconds) to an RSA-4096 seal on a slow token.
constexpr std::array<double, 11> bucket_bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// Label values are our own route names and formats, but escape them as the format asks anyway.
std::string label(const std::string& value) {
    std::string escaped;
    for (char c : value) {
        if (c == '\\' || c == '"') escaped += '\\';
        if (c == '\n') {
            escaped += "\\n";
            continue;
        }
        escaped += c;
    }
    return '"' + escaped + '"';
}

std::string number(double value) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << value;
    return out.str();
}

}  // namespace

void Metrics::observe_request(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, method, status}];
    auto& histogram = durations_[route];
    if (histogram.buckets.empty()) histogram.buckets.assign(bucket_bounds.size(), 0);
    for (size_t i = 0; i < bucket_bounds.size(); ++i)
        if (seconds <= bucket_bounds[i]) ++histogram.buckets[i];
    ++histogram.count;
    histogram.sum += seconds;
}

void Metrics::count_signature(const std::string& format, const std::string& key, unsigned count) {
    std::lock_guard lock(mutex_);
    signatures_[{format, key}] += count;
}

void Metrics::count_token_error() { ++token_errors_; }

std::string Metrics::render() const {
    std::lock_guard lock(mutex_);
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << "# HELP signd_requests_total HTTP requests answered, by route, method and status.\n"
           "# TYPE signd_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        const auto& [route, method, status] = key;
        out << "signd_requests_total{route=" << label(route) << ",method=" << label(method) << ",status=\""
            << status << "\"} " << count << "\n";
    }
    out << "# HELP signd_request_duration_seconds Time from a complete request to its response, by route.\n"
           "# TYPE signd_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : durations_) {
        for (size_t i = 0; i < bucket_bounds.size(); ++i)
            out << "signd_request_duration_seconds_bucket{route=" << label(route) << ",le=\"" << number(bucket_bounds[i])
                << "\"} " << histogram.buckets[i] << "\n";
        out << "signd_request_duration_seconds_bucket{route=" << label(route) << ",le=\"+Inf\"} " << histogram.count
            << "\n";
        out << "signd_request_duration_seconds_sum{route=" << label(route) << "} " << number(histogram.sum) << "\n";
        out << "signd_request_duration_seconds_count{route=" << label(route) << "} " << histogram.count << "\n";
    }
    out << "# HELP signd_signatures_total Signatures made, by format and key type.\n"
           "# TYPE signd_signatures_total counter\n";
    for (const auto& [key, count] : signatures_)
        out << "signd_signatures_total{format=" << label(key.first) << ",key=" << label(key.second) << "} " << count
            << "\n";
    out << "# HELP signd_token_errors_total Failed PKCS#11 token operations.\n"
           "# TYPE signd_token_errors_total counter\n"
           "signd_token_errors_total "
        << token_errors_.load() << "\n";
    out << "# HELP signd_requests_in_flight Requests being handled now.\n"
           "# TYPE signd_requests_in_flight gauge\n"
           "signd_requests_in_flight "
        << in_flight_.load() << "\n";
    return out.str();
}

}  // namespace sign::signd
