#pragma once
// signd's HTTP server: one port for HTTPS and plain HTTP (told apart by the
// first bytes), every request bounded in size and time, handlers run on a
// worker pool apart from the I/O threads, and a drain on SIGTERM.
//
// What is refused before a handler runs, and how:
//   header over header_limit           431, then close
//   Content-Length over body_limit     413 `body_too_large` at once, body unread, then close
//   chunked body crossing body_limit   413 `body_too_large`, then close
//   more than max_concurrent_requests  503 `overloaded`, Retry-After: 1
//   a ".." path segment (decoded)      400 `path_traversal`
//   unparsable request                 400 `malformed_request`
//   TLS-only route over plain HTTP     403 `https_required`
//   no route                           404 `not_found`; 405 `method_not_allowed` with Allow
//   while shutting down                503 `shutting_down`, Connection: close
// Header, body and idle timeouts close the connection without an answer.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <openssl/evp.h>

#include "http/http_request.h"
#include "http/metrics.h"
#include "http/router.h"

namespace sign::signd {

/// The server's certificate and key, and whom it accepts client certificates from.
struct TlsMaterial {
    std::string certificate_pem;        ///< the tls-server certificate
    std::string chain_pem;              ///< CA certificates sent after it (the issuing CA)
    std::shared_ptr<EVP_PKEY> key;      ///< its key; a token-backed key (hsm::PrivateKey::long_lived_evp_pkey)
    std::string client_trust_pem;       ///< root and issuing CA: client certificates must chain to them
};

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8443;                    ///< 0 picks a free port (see Server::port())
    unsigned threads = 2;                          ///< I/O threads: accept, TLS, parse, write
    unsigned worker_threads = 16;                  ///< handler threads; slow signing waits here
    std::size_t body_limit = 64u << 20;
    std::size_t header_limit = 16u << 10;
    std::chrono::milliseconds header_timeout{10'000};  ///< from connection or first byte to end of header
    std::chrono::milliseconds idle_timeout{30'000};    ///< kept-alive connection with no new request
    std::chrono::milliseconds body_timeout{60'000};    ///< from end of header to end of body
    unsigned max_concurrent_requests = 64;
    std::chrono::milliseconds shutdown_grace{30'000};
    TlsMaterial tls;
    /// Called once when the drain starts (SIGTERM, SIGINT or stop()), so that handlers waiting on
    /// something, such as long polls, can answer now instead of holding the drain.
    std::function<void()> on_drain;
};

/// Called for each request refused before any handler ran, with the reason code (path_traversal,
/// body_too_large, overloaded, https_required, malformed_request, header_too_large,
/// shutting_down), so the audit log can record the attempt; also for a TLS handshake refused
/// over a client certificate our CA does not vouch for (client_certificate_refused: only
/// client_address and request_id are set). May be called from any I/O thread.
using RejectionHook = std::function<void(const HttpRequest& request, const std::string& code)>;

class Server {
public:
    /// Binds the port and prepares TLS; throws sign::Error (invalid_input `invalid_tls_material`,
    /// internal `cannot_listen`) when either fails. `router` and `metrics` are borrowed.
    Server(ServerOptions options, const Router& router, Metrics& metrics, RejectionHook on_rejection = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// The port bound (useful with port 0).
    unsigned short port() const;

    /// Serves until SIGTERM or SIGINT (or stop()), then stops accepting, lets requests in flight
    /// finish for up to shutdown_grace, and returns.
    void run();
    /// Starts the same drain as SIGTERM; safe from any thread.
    void stop();

    /// What the connections share; defined in server.cpp.
    struct State;

private:
    std::unique_ptr<State> state_;
};

}  // namespace sign::signd
