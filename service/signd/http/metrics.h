#pragma once
// Counters and latency histograms in the Prometheus text format (0.0.4):
//   signd_requests_total{route,method,status}
//   signd_request_duration_seconds{route} (histogram)
//   signd_signatures_total{format,key}   format: pades|xades|cades|hash, key: rsa-2048|p-256|...
//   signd_token_errors_total
//   signd_requests_in_flight
// Thread-safe; cheap enough to call on every request.

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace sign::signd {

class Metrics {
public:
    void observe_request(const std::string& route, const std::string& method, int status, double seconds);
    void count_signature(const std::string& format, const std::string& key, unsigned count = 1);
    void count_token_error();
    void set_in_flight(long value) { in_flight_ = value; }

    /// The exposition text for GET /metrics.
    std::string render() const;

private:
    struct Histogram {
        std::vector<unsigned long> buckets;  ///< cumulative counts per upper bound
        unsigned long count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, unsigned long> requests_;
    std::map<std::string, Histogram> durations_;
    std::map<std::pair<std::string, std::string>, unsigned long> signatures_;
    std::atomic<unsigned long> token_errors_{0};
    std::atomic<long> in_flight_{0};
};

}  // namespace sign::signd
