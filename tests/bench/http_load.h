#pragma once
// A closed-loop HTTPS load generator for the benchmarks: N connections, each a
// thread with one kept-alive TLS connection sending its next request as soon
// as the previous answer arrived. Reports throughput and latency percentiles.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sign::bench {

struct HttpTarget {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string ca_file;  ///< PEM trust anchor for the server certificate
};

struct LoadRequest {
    std::string method = "POST";
    std::string path;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct LoadResult {
    long requests = 0;        ///< answered 200
    long failures = 0;        ///< clients stopped by an answer other than 200 or a connection error
    double seconds = 0;
    double p50_ms = 0, p99_ms = 0;  ///< of the requests answered 200
    std::string first_failure;  ///< status and body of the first failure, for the report

    double per_second() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

struct LoadReply {
    int status = 0;
    std::string body;
};

/// One TLS connection to the target, kept alive between requests, as a document system or a
/// phone app holds one: the handshake and the trust store are paid once, not per request.
class KeptAliveConnection {
public:
    /// Connects and completes the handshake, verifying the server against `target.ca_file`.
    explicit KeptAliveConnection(const HttpTarget& target);
    ~KeptAliveConnection();
    KeptAliveConnection(const KeptAliveConnection&) = delete;
    KeptAliveConnection& operator=(const KeptAliveConnection&) = delete;

    /// Sends one request and reads its answer (any status). Throws on a connection error.
    LoadReply send(LoadRequest request);

private:
    struct State;
    std::unique_ptr<State> state_;
};

/// Runs `connections` clients for `duration`. `next(connection, index)` builds each client's next
/// request; it returns false when that client has nothing more to send.
LoadResult run_load(const HttpTarget& target, int connections, std::chrono::duration<double> duration,
                    const std::function<bool(int connection, long index, LoadRequest& request)>& next);

}  // namespace sign::bench
