#pragma once
// A small HTTP/1.1 server on a free loopback port for the fetcher tests: each
// path has a handler that returns a body, optionally after a delay, so tests
// can serve real CRLs, OCSP answers and CA certificates, and slow or huge ones.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sign::test {

class HttpServer {
public:
    struct Response {
        int status = 200;
        std::vector<std::uint8_t> body;
        std::chrono::milliseconds delay{0};
    };
    /// Gets the method and the request body.
    using Handler = std::function<Response(const std::string& method, const std::vector<std::uint8_t>& body)>;

    HttpServer();
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Serves `path` (exact match, without query) with `handler`.
    void route(const std::string& path, Handler handler);
    /// "http://127.0.0.1:PORT".
    std::string base_url() const;
    /// How many requests reached `path`.
    int hits(const std::string& path) const;

private:
    void serve();
    void answer(int connection);

    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::map<std::string, Handler> routes_;
    std::map<std::string, int> hits_;
    std::vector<std::thread> workers_;
    std::thread thread_;
};

}  // namespace sign::test
