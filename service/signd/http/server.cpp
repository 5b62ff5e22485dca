#include "http/server.h"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdint>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "http/error_catalogue.h"
#include "http/request_log.h"
#include "http/request_target.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/openssl_ptr.h"
#include "sign/serial_number.h"

namespace sign::signd {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

/// One JSON line on stderr for an exception that was stopped before it could end the process.
void log_contained_exception(const char* where, const char* what) noexcept {
    try {
        std::string text =
            nlohmann::json{{"event", "exception_contained"}, {"where", where}, {"error", what}}.dump(
                -1, ' ', false, nlohmann::json::error_handler_t::replace) +
            "\n";
        std::fwrite(text.data(), 1, text.size(), stderr);
    } catch (...) {
        std::fputs("{\"event\":\"exception_contained\"}\n", stderr);
    }
}

}  // namespace

struct Server::State {
    ServerOptions options;
    const Router& router;
    Metrics& metrics;
    RejectionHook on_rejection;

    std::atomic<long> in_flight{0};  ///< requests holding a slot: from header to handler's answer
    std::atomic<long> busy{0};       ///< the same until their answer is written; the drain waits for these
    std::atomic<bool> stopping{false};

    net::ssl::context tls{net::ssl::context::tls_server};
    net::thread_pool workers;
    // Last: destroyed first, so that connections still queued in it go before what they borrow.
    net::io_context io;
    tcp::acceptor acceptor{io};
    net::signal_set signals{io, SIGTERM, SIGINT};
    // Serialises the drain bookkeeping, which the signal, the timer and finishing requests all touch.
    net::strand<net::io_context::executor_type> control{io.get_executor()};
    net::steady_timer drain_timer{control};
    Clock::time_point drain_deadline;

    State(ServerOptions opts, const Router& r, Metrics& m, RejectionHook hook)
        : options(std::move(opts)),
          router(r),
          metrics(m),
          on_rejection(std::move(hook)),
          workers(std::max(1u, options.worker_threads)) {}

    void accept();
    void begin_drain();
    void check_drained();

    /// Takes a request slot; false when max_concurrent_requests are already taken.
    bool admit() {
        long now = ++in_flight;
        if (now > static_cast<long>(options.max_concurrent_requests)) {
            --in_flight;
            return false;
        }
        ++busy;
        metrics.set_in_flight(now);
        return true;
    }
    /// Gives the slot back. Done before the answer is written, so that a client that has its
    /// answer never finds its own slot still taken.
    void release() { metrics.set_in_flight(--in_flight); }
    /// The answer is written (or will never be): the drain need not wait for it any more.
    void done() {
        --busy;
        if (stopping) net::post(control, [this] { check_drained(); });
    }

    void reject(const HttpRequest& request, const std::string& code) {
        if (!on_rejection) return;
        try {
            on_rejection(request, code);
        } catch (const std::exception& error) {
            // The refusal stands either way; losing its record is worth a log line, not a crash.
            log_contained_exception("rejection_hook", error.what());
        }
    }
};

namespace {

std::string new_request_id() {
    std::uint8_t bytes[12];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error(ErrorKind::internal, "no_randomness", "RAND_bytes failed");
    return to_hex(bytes);
}

// What a connection knows about a request once its header is in.
struct Exchange {
    HttpRequest request;
    const Router::Route* route = nullptr;
    Clock::time_point started = Clock::now();
    std::size_t bytes_in = 0;
    bool admitted = false;     ///< holds a slot (State::release pending)
    bool busy = false;         ///< counted by the drain (State::done pending)
    unsigned version = 11;     ///< of the request, answered in kind
    bool keep_alive = false;   ///< what the client asked for; the parser forgets it once the body is taken
};

/// One connection, plain or TLS, from its first request to its close.
template <class Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
public:
    HttpConnection(Server::State& state, Stream stream, beast::flat_buffer buffer, std::string remote,
               std::optional<std::string> client_serial)
        : state_(state),
          stream_(std::move(stream)),
          buffer_(std::move(buffer)),
          remote_(std::move(remote)),
          client_serial_(std::move(client_serial)) {}

    // A connection dropped by an exception that escaped one of its handlers (run() contains it)
    // still gives back the slot it held, so the server does not fill up with ghosts.
    // (Not done(): this may run while the io_context itself is being torn down; the drain's
    // timer bounds its wait without the early wake-up.)
    ~HttpConnection() {
        if (exchange_.admitted) state_.release();
        if (exchange_.busy) --state_.busy;
    }

    void start() { read_header(true); }

private:
    static constexpr bool secure = !std::is_same_v<Stream, beast::tcp_stream>;

    beast::tcp_stream& socket() { return beast::get_lowest_layer(stream_); }

    void read_header(bool first) {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(state_.options.header_limit));
        // The body limit is applied after the header, so an oversized Content-Length gets our 413.
        parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
        if (first || buffer_.size() > 0) {
            // The first request's clock started at accept (detection and handshake count too).
            if (!first) socket().expires_after(state_.options.header_timeout);
            http::async_read_header(stream_, buffer_, *parser_,
                                    [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                        self->on_header(ec, n);
                                    });
            return;
        }
        // A kept-alive connection: wait (idle timeout) for the next request's first byte, then
        // give the header its own timeout, so a trickle of bytes cannot hold it open.
        socket().expires_after(state_.options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec) return self->close();
                                    self->buffer_.commit(n);
                                    self->read_header(false);
                                });
    }

    HttpRequest partial_request() const {
        HttpRequest request;
        request.client_address = remote_;
        request.secure = secure;
        request.client_certificate_serial = client_serial_;
        request.request_id = new_request_id();
        return request;
    }

    void on_header(beast::error_code ec, std::size_t bytes) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
            ec == net::error::eof || ec == net::ssl::error::stream_truncated || ec == net::error::connection_reset)
            return close();
        exchange_ = Exchange{};
        exchange_.bytes_in = bytes;
        if (ec == http::error::header_limit) {
            exchange_.request = partial_request();
            return refuse(431, "header_too_large", "the request header is larger than the server accepts", true);
        }
        if (ec) {
            exchange_.request = partial_request();
            return refuse(400, "malformed_request", "the request is not valid HTTP/1.1", true);
        }
        auto& header = parser_->get();
        exchange_.version = header.version();
        exchange_.keep_alive = header.keep_alive();
        HttpRequest& request = exchange_.request;
        request = partial_request();
        request.method = std::string(header.method_string());
        for (const auto& field : header) {
            std::string name(field.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value(field.value());
            auto [it, inserted] = request.headers.emplace(name, value);
            if (!inserted) it->second += ", " + value;
        }
        bool has_body = parser_->content_length().value_or(0) > 0 || parser_->chunked();

        // RFC 9112 section 6.1: Transfer-Encoding in HTTP/1.0 is faulty framing, the classic way to
        // smuggle a second request past a proxy; answer 400 and close whatever follows.
        if (header.version() < 11 && header.count(http::field::transfer_encoding) > 0)
            return refuse(400, "malformed_request", "Transfer-Encoding is not allowed in HTTP/1.0", true);
        // RFC 9112 section 3.2: an HTTP/1.1 request has exactly one Host; HTTP/1.0 at most one.
        auto hosts = header.count(http::field::host);
        if (hosts > 1 || (hosts == 0 && header.version() >= 11))
            return refuse(400, "malformed_request", "an HTTP/1.1 request needs exactly one Host header", true);

        request.target = std::string(header.target());
        auto target = parse_request_target(request.target);
        if (!target)
            return refuse(400, "malformed_request",
                          "the request target is not a valid path: malformed %-escape, NUL byte or not UTF-8", true);
        request.path = std::move(target->path);
        request.query = std::move(target->query);
        if (target->traversal)
            return refuse(400, "path_traversal", "the path contains a '..' segment", has_body);

        if (state_.stopping)
            return refuse(503, "shutting_down", "the server is shutting down; retry on a new connection", true);
        if (parser_->content_length() && *parser_->content_length() > state_.options.body_limit)
            return refuse(413, "body_too_large",
                          "the body is larger than " + std::to_string(state_.options.body_limit) + " bytes", true);

        bool path_matched = false;
        exchange_.route = state_.router.match(request.method, request.path, request.params, path_matched);
        if (exchange_.route == nullptr) {
            if (path_matched) {
                std::string allow;
                for (const auto& method : state_.router.allowed_methods(request.path))
                    allow += (allow.empty() ? "" : ", ") + method;
                auto response = HttpResponse::problem(405, "method_not_allowed",
                                                      request.method + " is not allowed on " + request.path);
                response.headers.emplace_back("Allow", allow);
                return respond(std::move(response), has_body);
            }
            return respond(HttpResponse::problem(404, "not_found", "no resource at " + request.path), has_body);
        }
        if (!secure && exchange_.route->transport == Transport::tls_only)
            return refuse(403, "https_required", "this resource is served over HTTPS only", has_body);

        if (!state_.admit()) {
            auto response = HttpResponse::problem(503, "overloaded", "too many requests in progress; retry shortly");
            response.headers.emplace_back("Retry-After", "1");
            state_.reject(request, "overloaded");
            return respond(std::move(response), true);
        }
        exchange_.admitted = true;
        exchange_.busy = true;
        parser_->body_limit(state_.options.body_limit);

        if (!has_body || parser_->is_done()) return dispatch();
        if (beast::iequals(header[http::field::expect], "100-continue")) {
            // Tell a waiting client to send the body now that it will be read.
            auto continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
            socket().expires_after(state_.options.body_timeout);
            return http::async_write(stream_, *continue_,
                                     [self = this->shared_from_this(), continue_](beast::error_code ec, std::size_t) {
                                         if (ec) return self->abandon();
                                         self->read_body();
                                     });
        }
        read_body();
    }

    void read_body() {
        socket().expires_after(state_.options.body_timeout);
        http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
            self->exchange_.bytes_in += n;
            if (ec == http::error::body_limit)
                return self->refuse(413, "body_too_large",
                                    "the body is larger than " + std::to_string(self->state_.options.body_limit) +
                                        " bytes",
                                    true);
            if (ec == beast::error::timeout || ec == net::error::eof || ec == http::error::end_of_stream ||
                ec == http::error::partial_message || ec == net::error::connection_reset ||
                ec == net::ssl::error::stream_truncated)
                return self->abandon();
            if (ec) return self->refuse(400, "malformed_request", "the request body is not valid HTTP/1.1", true);
            self->dispatch();
        });
    }

    // Runs the handler on the worker pool; the answer comes back to this connection's strand.
    void dispatch() {
        exchange_.request.body = parser_->release().body();
        net::post(state_.workers, [self = this->shared_from_this()] {
            // An exception leaving a pool thread would end the process; run_handler catches the
            // handler's, so only the hand-over itself (memory) is left to contain here.
            try {
                HttpResponse response = self->run_handler();
                net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
                    self->respond(std::move(response), false);
                });
            } catch (const std::exception& error) {
                log_contained_exception("dispatch", error.what());
            }
        });
    }

    HttpResponse run_handler() {
        const HttpRequest& request = exchange_.request;
        try {
            return exchange_.route->handler(request);
        } catch (const Error& error) {
            if (error.kind() == ErrorKind::token) state_.metrics.count_token_error();
            if (error.kind() == ErrorKind::internal) internal_error_ = error.code() + ": " + error.what();
            return problem_response(error);
        } catch (const std::exception& error) {
            internal_error_ = error.what();
        } catch (...) {
            internal_error_ = "a non-standard exception";
        }
        return HttpResponse::problem(500, "internal_error",
                                     "the server failed on this request; quote request id " + request.request_id);
    }

    void refuse(int status, const std::string& code, const std::string& detail, bool close_after) {
        state_.reject(exchange_.request, code);
        respond(HttpResponse::problem(status, code, detail), close_after);
    }

    void respond(HttpResponse answer, bool close_after) {
        unsigned version = exchange_.version;
        bool keep_alive = !close_after && !state_.stopping && exchange_.keep_alive;
        response_.emplace();
        auto& response = *response_;
        response.version(version);
        response.result(static_cast<unsigned>(answer.status));
        if (!answer.content_type.empty()) response.set(http::field::content_type, answer.content_type);
        for (const auto& [name, value] : answer.headers) response.insert(name, value);
        response.set("X-Request-Id", exchange_.request.request_id);
        if (secure) response.set(http::field::strict_transport_security, "max-age=31536000");
        response.body() = std::move(answer.body);
        response.keep_alive(keep_alive);
        response.prepare_payload();
        client_id_ = std::move(answer.client_id);
        if (exchange_.admitted) {
            exchange_.admitted = false;
            state_.release();
        }

        socket().expires_after(state_.options.idle_timeout);
        http::async_write(stream_, response, [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t n) {
            self->finish(n, ec);
            if (ec) return self->close();
            if (!keep_alive) return self->body_unread() ? self->linger_then_close() : self->close();
            self->read_header(false);
        });
    }

    void finish(std::size_t bytes_out, beast::error_code write_error) {
        double seconds = std::chrono::duration<double>(Clock::now() - exchange_.started).count();
        const auto& request = exchange_.request;
        std::string route = exchange_.route ? exchange_.route->name : "-";
        int status = static_cast<int>(response_->result_int());
        state_.metrics.observe_request(route, request.method.empty() ? "-" : request.method, status, seconds);
        RequestLogLine line;
        line.request_id = request.request_id;
        line.remote = remote_;
        line.method = request.method;
        line.path = request.path;
        line.route = route;
        line.status = status;
        line.duration_ms = seconds * 1000;
        line.bytes_in = exchange_.bytes_in;
        line.bytes_out = bytes_out;
        line.client = client_id_;
        line.client_certificate_serial = request.client_certificate_serial.value_or("");
        line.error = internal_error_;
        if (write_error) line.error += (line.error.empty() ? "" : "; ") + ("response not delivered: " + write_error.message());
        write_request_log(line);
        internal_error_.clear();
        if (exchange_.busy) {
            exchange_.busy = false;
            state_.done();
        }
    }

    // The client went away or was too slow mid-request: nothing to answer, but free the slot.
    void abandon() {
        if (exchange_.admitted) {
            exchange_.admitted = false;
            state_.release();
        }
        if (exchange_.busy) {
            exchange_.busy = false;
            state_.done();
        }
        close();
    }

    // True when the request's body has not been read: a refusal answered from the header alone.
    bool body_unread() const { return parser_ && !parser_->is_done(); }

    // Closing a socket whose receive buffer still holds unread bytes makes the kernel send a reset,
    // which can destroy the answer before a client that is still uploading has read it. So stop
    // sending, then read and discard what the client still sends, for a bounded time, and close.
    // (TLS ends here without close_notify: the answer's Content-Length already delimits it.)
    void linger_then_close() {
        beast::error_code ignored;
        socket().socket().shutdown(tcp::socket::shutdown_send, ignored);
        socket().expires_after(std::chrono::seconds(2));
        discard_rest();
    }

    void discard_rest() {
        socket().async_read_some(net::buffer(discard_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->socket().close();
            self->discard_rest();
        });
    }

    void close() {
        if (exchange_.admitted || exchange_.busy) return abandon();
        beast::error_code ignored;
        if constexpr (secure) {
            // A bounded close_notify; a peer that does not answer must not hold the connection.
            socket().expires_after(std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::error_code ignored_too;
                self->socket().socket().shutdown(tcp::socket::shutdown_both, ignored_too);
                self->socket().close();
            });
        } else {
            socket().socket().shutdown(tcp::socket::shutdown_send, ignored);
            socket().close();
        }
    }

    Server::State& state_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::string remote_;
    std::optional<std::string> client_serial_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::string_body>> response_;
    std::array<char, 16384> discard_;
    Exchange exchange_;
    std::string client_id_;
    std::string internal_error_;
};

/// A fresh connection: is it TLS? Then handshake; either way, hand over to HttpConnection.
class Detector : public std::enable_shared_from_this<Detector> {
public:
    Detector(Server::State& state, tcp::socket socket) : state_(state), stream_(std::move(socket)) {}

    void start() {
        beast::error_code ec;
        auto endpoint = stream_.socket().remote_endpoint(ec);
        remote_ = ec ? "" : endpoint.address().to_string();
        stream_.expires_after(state_.options.header_timeout);
        beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](beast::error_code ec, bool tls) {
            if (ec) return;
            if (!tls) {
                std::make_shared<HttpConnection<beast::tcp_stream>>(self->state_, std::move(self->stream_),
                                                                std::move(self->buffer_), self->remote_, std::nullopt)
                    ->start();
                return;
            }
            self->handshake();
        });
    }

private:
    void handshake() {
        auto tls = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(std::move(stream_), state_.tls);
        tls->async_handshake(net::ssl::stream_base::server, buffer_.data(),
                             [self = shared_from_this(), tls](beast::error_code ec, std::size_t used) {
                                 if (ec) return self->handshake_failed(tls->native_handle(), ec);
                                 self->buffer_.consume(used);
                                 std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(
                                     self->state_, std::move(*tls), std::move(self->buffer_), self->remote_,
                                     verified_client_serial(tls->native_handle()))
                                     ->start();
                             });
    }

    // A client certificate our CA does not vouch for is a failed authentication: the audit log
    // hears of it. Other failed handshakes (scanners, old TLS versions) only reach the log.
    void handshake_failed(SSL* ssl, const beast::error_code& ec) {
        // On the server side, a failed certificate verification can only be the client's.
        bool refused_certificate = ec.category() == net::error::get_ssl_category() &&
                                   ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
        nlohmann::json line{{"event", "tls_handshake_failed"}, {"remote", remote_}, {"error", ec.message()}};
        if (refused_certificate) {
            line["client_certificate"] = X509_verify_cert_error_string(SSL_get_verify_result(ssl));
            HttpRequest request;
            request.client_address = remote_;
            request.secure = true;
            request.request_id = new_request_id();
            state_.reject(request, "client_certificate_refused");
        }
        std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stderr);
    }

    static std::optional<std::string> verified_client_serial(SSL* ssl) {
        X509* peer = SSL_get0_peer_certificate(ssl);
        if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
        return serial_to_hex(X509_get0_serialNumber(peer));
    }

    Server::State& state_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string remote_;
};

X509Ptr certificate_from_pem(BIO* bio) { return X509Ptr(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)); }

std::vector<X509Ptr> certificates_from_pem(const std::string& pem) {
    std::vector<X509Ptr> certificates;
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    while (auto certificate = certificate_from_pem(bio.get())) certificates.push_back(std::move(certificate));
    ERR_clear_error();  // the end of the PEM text leaves a "no start line" error behind
    return certificates;
}

[[noreturn]] void bad_tls(const std::string& what) {
    throw Error(ErrorKind::invalid_input, "invalid_tls_material", "cannot set up TLS: " + what);
}

void configure_tls(SSL_CTX* context, const TlsMaterial& material) {
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_NO_TICKET);
    auto certificates = certificates_from_pem(material.certificate_pem);
    if (certificates.size() != 1) bad_tls("expected exactly one server certificate");
    if (SSL_CTX_use_certificate(context, certificates.front().get()) != 1) bad_tls("the server certificate is unusable");
    for (auto& ca : certificates_from_pem(material.chain_pem))
        if (SSL_CTX_add1_chain_cert(context, ca.get()) != 1) bad_tls("a chain certificate is unusable");
    if (!material.key) bad_tls("no private key");
    if (SSL_CTX_use_PrivateKey(context, material.key.get()) != 1 || SSL_CTX_check_private_key(context) != 1)
        bad_tls("the key does not match the server certificate");

    // Mutual TLS is offered, not required: API-key clients present nothing. A certificate that is
    // presented must chain to our CA and be meant for TLS clients, or the handshake fails.
    auto trusted = certificates_from_pem(material.client_trust_pem);
    if (trusted.empty()) bad_tls("no CA certificates to verify clients against");
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    for (auto& ca : trusted) {
        X509_STORE_add_cert(store, ca.get());
        sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca.get())));
    }
    SSL_CTX_set_client_CA_list(context, names);
    SSL_CTX_set_purpose(context, X509_PURPOSE_SSL_CLIENT);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
    // Required once peers are verified: without it OpenSSL refuses to resume sessions.
    static const unsigned char session_context[] = "signd";
    SSL_CTX_set_session_id_context(context, session_context, sizeof session_context - 1);
}

}  // namespace

void Server::State::accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
        if (stopping) return;
        if (!ec) std::make_shared<Detector>(*this, std::move(socket))->start();
        accept();
    });
}

void Server::State::begin_drain() {
    if (stopping.exchange(true)) return;
    beast::error_code ignored;
    acceptor.close(ignored);
    if (options.on_drain) options.on_drain();
    drain_deadline = Clock::now() + options.shutdown_grace;
    check_drained();
}

void Server::State::check_drained() {
    if (busy == 0 || Clock::now() >= drain_deadline) {
        io.stop();
        return;
    }
    // Also woken early by each request that completes; the timer bounds the wait by the grace.
    drain_timer.expires_at(drain_deadline);
    drain_timer.async_wait(net::bind_executor(control, [this](beast::error_code ec) {
        if (!ec) check_drained();
    }));
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics, RejectionHook on_rejection)
    : state_(std::make_unique<State>(std::move(options), router, metrics, std::move(on_rejection))) {
    configure_tls(state_->tls.native_handle(), state_->options.tls);
    beast::error_code ec;
    auto address = net::ip::make_address(state_->options.address, ec);
    if (ec) throw Error(ErrorKind::invalid_input, "invalid_listen_address", "not an IP address: " + state_->options.address);
    tcp::endpoint endpoint(address, state_->options.port);
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw Error(ErrorKind::internal, "cannot_listen",
                    "cannot listen on " + state_->options.address + ":" + std::to_string(state_->options.port) + ": " +
                        ec.message());
}

Server::~Server() {
    if (state_) state_->workers.join();
}

unsigned short Server::port() const { return state_->acceptor.local_endpoint().port(); }

void Server::stop() {
    net::post(state_->control, [state = state_.get()] { state->begin_drain(); });
}

void Server::run() {
    auto& state = *state_;
    state.signals.async_wait(net::bind_executor(state.control, [&state](beast::error_code ec, int) {
        if (!ec) state.begin_drain();
    }));
    state.accept();
    // An exception that escapes a completion handler leaves io.run(); the connection it belonged
    // to is dropped (its destructor frees its slot) and the thread goes back to serving the rest.
    auto serve = [&state] {
        for (;;) {
            try {
                state.io.run();
                return;
            } catch (const std::exception& error) {
                log_contained_exception("connection", error.what());
            } catch (...) {
                log_contained_exception("connection", "a non-standard exception");
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < std::max(1u, state.options.threads); ++i) threads.emplace_back(serve);
    serve();
    for (auto& thread : threads) thread.join();
    state.workers.join();
}

}  // namespace sign::signd
