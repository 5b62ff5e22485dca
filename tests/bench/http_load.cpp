#include "http_load.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sign::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Steady = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) return 0;
    auto index = static_cast<size_t>(fraction * static_cast<double>(sorted.size() - 1));
    return sorted[index];
}

}  // namespace

struct KeptAliveConnection::State {
    explicit State(const HttpTarget& target) : tls(asio::ssl::context::tls_client), stream(io, tls), host(target.host) {
        tls.load_verify_file(target.ca_file);
        tls.set_verify_mode(asio::ssl::verify_peer);
        asio::ip::tcp::resolver resolver(io);
        beast::get_lowest_layer(stream).connect(resolver.resolve(target.host, std::to_string(target.port)));
        stream.handshake(asio::ssl::stream_base::client);
    }

    asio::io_context io;
    asio::ssl::context tls;
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    std::string host;
};

KeptAliveConnection::KeptAliveConnection(const HttpTarget& target) : state_(std::make_unique<State>(target)) {}

KeptAliveConnection::~KeptAliveConnection() = default;

LoadReply KeptAliveConnection::send(LoadRequest request) {
    http::request<http::string_body> message{http::string_to_verb(request.method), request.path, 11};
    message.set(http::field::host, state_->host);
    if (!request.content_type.empty()) message.set(http::field::content_type, request.content_type);
    for (const auto& [name, value] : request.headers) message.set(name, value);
    message.body() = std::move(request.body);
    message.prepare_payload();
    http::write(state_->stream, message);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);
    http::read(state_->stream, state_->buffer, parser);
    return LoadReply{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
}

LoadResult run_load(const HttpTarget& target, int connections, std::chrono::duration<double> duration,
                    const std::function<bool(int, long, LoadRequest&)>& next) {
    std::mutex mutex;
    LoadResult result;
    std::vector<double> latencies;
    std::atomic<bool> stop{false};
    std::atomic<int> finished{0};
    auto start = Steady::now();

    auto client = [&](int connection) {
        std::vector<double> mine;
        long failures = 0;
        std::string first_failure;
        try {
            KeptAliveConnection kept(target);
            for (long index = 0; !stop; ++index) {
                LoadRequest request;
                if (!next(connection, index, request)) break;
                auto sent = Steady::now();
                LoadReply reply = kept.send(std::move(request));
                if (reply.status != 200) {
                    // A failing client stops: its fast errors would pass for throughput.
                    ++failures;
                    first_failure = std::to_string(reply.status) + " " + reply.body.substr(0, 300);
                    break;
                }
                mine.push_back(std::chrono::duration<double, std::milli>(Steady::now() - sent).count());
            }
        } catch (const std::exception& error) {
            ++failures;
            if (first_failure.empty()) first_failure = error.what();
        }
        ++finished;
        std::lock_guard lock(mutex);
        result.requests += static_cast<long>(mine.size());
        result.failures += failures;
        if (result.first_failure.empty()) result.first_failure = first_failure;
        latencies.insert(latencies.end(), mine.begin(), mine.end());
    };

    std::vector<std::thread> clients;
    for (int i = 0; i < connections; ++i) clients.emplace_back(client, i);
    // Until the time is up or every client has run out of requests.
    while (Steady::now() - start < duration && finished < connections) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
    for (auto& thread : clients) thread.join();
    result.seconds = std::chrono::duration<double>(Steady::now() - start).count();
    std::sort(latencies.begin(), latencies.end());
    result.p50_ms = percentile(latencies, 0.50);
    result.p99_ms = percentile(latencies, 0.99);
    return result;
}

}  // namespace sign::bench
