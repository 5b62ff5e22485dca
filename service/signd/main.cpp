// signd: the city's HTTPS signing service. Serves the trust-service endpoints
// (CRL, CA certificates, OCSP, TSA), operations (/healthz, /metrics), the
// document-system and CSC APIs and the signers' web app (/app) from one port.
// docs/architecture.md describes it.

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>

#include <CLI/CLI.hpp>

#include "app/audit_upkeep.h"
#include "app/callback_key.h"
#include "app/operations_routes.h"
#include "app/signd_config.h"
#include "app/composition.h"
#include "app/tls_material.h"
#include "app/token_secret.h"
#include "app/trust_routes.h"
#include "app/webapp_routes.h"
#include "http/server.h"
#include "sign/clock.h"
#include "sign/data_folder/audit_key.h"
#include "sign/data_folder/data_folder.h"
#include "sign/data_folder/demo_pki.h"
#include "sign/data_folder/local_timestamps.h"
#include "sign/error.h"
#include "sign/isolation/worker_pdfs.h"
#include "sign/mobile/callback_sender.h"
#include "sign/mobile/expiry_sweeper.h"
#include "sign/verification/curl_fetcher.h"

using namespace sign;
using namespace sign::signd;

namespace {

struct Flags {
    std::optional<std::string> data;
    std::optional<std::string> config;
    std::optional<std::string> listen;
    std::optional<unsigned short> port;
    std::optional<unsigned> threads;
    std::optional<unsigned> workers;
    std::optional<std::size_t> body_limit;
    std::optional<unsigned> max_concurrent;
    std::optional<long> header_timeout_ms;
    std::optional<long> idle_timeout_ms;
    std::optional<long> body_timeout_ms;
    std::optional<long> shutdown_grace_ms;
    std::optional<unsigned> sad_lifetime_s;
    std::optional<unsigned> request_expiry_s;
    std::optional<unsigned> request_max_expiry_s;
    std::optional<unsigned> result_retention_h;
    bool demo = false;
};

// Defaults, then the config file, then flags; --demo changes the defaults only.
SigndConfig resolve_config(const Flags& flags) {
    SigndConfig config;
    if (flags.demo) {
        config.data = "var";
        config.server.address = "127.0.0.1";
        config.server.port = 8443;
    }
    if (flags.data) config.data = *flags.data;
    std::string file = flags.config.value_or(config.data + "/signd.toml");
    if (flags.config || std::filesystem::exists(file)) {
        apply_config_file(config, file);
        if (flags.data) config.data = *flags.data;
    }
    auto& server = config.server;
    if (flags.listen) server.address = *flags.listen;
    if (flags.port) server.port = *flags.port;
    if (flags.threads) server.threads = *flags.threads;
    if (flags.workers) server.worker_threads = *flags.workers;
    if (flags.body_limit) server.body_limit = *flags.body_limit;
    if (flags.max_concurrent) server.max_concurrent_requests = *flags.max_concurrent;
    if (flags.header_timeout_ms) server.header_timeout = std::chrono::milliseconds(*flags.header_timeout_ms);
    if (flags.idle_timeout_ms) server.idle_timeout = std::chrono::milliseconds(*flags.idle_timeout_ms);
    if (flags.body_timeout_ms) server.body_timeout = std::chrono::milliseconds(*flags.body_timeout_ms);
    if (flags.shutdown_grace_ms) server.shutdown_grace = std::chrono::milliseconds(*flags.shutdown_grace_ms);
    if (flags.sad_lifetime_s) config.sad_lifetime_s = *flags.sad_lifetime_s;
    if (flags.request_expiry_s) config.signature_request_expiry_s = *flags.request_expiry_s;
    if (flags.request_max_expiry_s) config.signature_request_max_expiry_s = *flags.request_max_expiry_s;
    if (flags.result_retention_h) config.signature_result_retention_h = *flags.result_retention_h;
    check_request_expiry(config, "signd flags");
    return config;
}

int serve(const Flags& flags) {
    SigndConfig config = resolve_config(flags);
    data_folder::DataFolder data(config.data);
    if (flags.demo) {
        data_folder::ensure_demo_pki(data, {.actor = "signd --demo"},
                                     [](const std::string& step) { std::cerr << "signd demo: " << step << "\n"; });
    } else if (!data.initialized()) {
        throw Error(ErrorKind::not_found, "no_data_folder",
                    "no data folder at " + config.data + ": create one with `signctl init` (or run `signd --demo`)");
    }
    // Open the token, the database and the CA now, on one thread: handlers then share them.
    hsm::Token& token = data.token();
    // A folder older than the PIN verifier key gets it here, before any handler checks a PIN.
    data.pin_verifier_key();
    store::Database& database = data.database();
    audit::AuditLog& audit = data.audit();
    ca::CaService& ca = data.ca();
    SystemClock clock;
    data_folder::LocalTimestamps timestamps(token, database.certificates(), ca, clock);
    config.server.tls = find_tls_material(data, clock.now());

    // Refusals anyone can cause, and the public responders' answers, are counted per minute.
    audit::AuditTally refusals(audit, clock);
    audit::AuditTally responder_answers(audit, clock, {.first_at_once = false});
    AttemptLimits limits(clock, config.rate_limits, refusals);
    audit::AuditCheckpoints checkpoints(database.write_queue(), audit);
    hsm::PrivateKey checkpoint_key = data_folder::audit_key(token);
    AuditUpkeep audit_upkeep({&refusals, &responder_answers}, checkpoints, audit, checkpoint_key, timestamps.client(), clock,
                             std::chrono::seconds(config.audit_checkpoint_interval_s));

    Metrics metrics;
    Router router;
    std::mutex ca_mutex;
    TrustRouteServices trust{.ca = ca,
                             .crl_folder = data.path("crl"),
                             .timestamps = timestamps.authority(),
                             .clock = clock,
                             .ca_mutex = ca_mutex,
                             .answers = responder_answers,
                             .limits = limits};
    add_trust_routes(router, trust);
    add_operations_routes(router, {.token = token, .certificates = database.certificates(), .metrics = metrics, .ca_mutex = ca_mutex});
    isolation::WorkerPdfs untrusted_pdfs(
        isolation::WorkerProcess(isolation::program_beside_executable(), config.document_worker));
    // Verifications fetch what our own certificates point at from the CA itself, the rest over HTTP.
    verification::CurlFetcher network;
    OwnAuthorityFetcher own_authority_only(trust, data.settings().base_url, nullptr);
    OwnAuthorityFetcher own_authority_then_network(trust, data.settings().base_url, &network);
    Composition services({.token = token,
                          .database = database,
                          .audit = audit,
                          .refusals = refusals,
                          .limits = limits,
                          .ca = ca,
                          .tsa = timestamps.authority(),
                          .timestamps = timestamps.client(),
                          .clock = clock,
                          .metrics = metrics,
                          .current_crls = [&trust] { return current_crls(trust); },
                          .untrusted_pdfs = untrusted_pdfs,
                          .verification_fetchers = {.offline = &own_authority_only, .online = &own_authority_then_network}},
                         {.seal_images = data.path("images"),
                          .signer_images = data.path("images/signers"),
                          .signature_requests = data.path("signature-requests"),
                          .data_root = data.root()},
                         {.max_base64_document = config.max_base64_document,
                          .sad_lifetime = std::chrono::seconds(config.sad_lifetime_s),
                          .signature_requests = {.default_expiry = std::chrono::seconds(config.signature_request_expiry_s),
                                                 .max_expiry = std::chrono::seconds(config.signature_request_max_expiry_s),
                                                 .result_retention = std::chrono::hours(config.signature_result_retention_h)},
                          .long_poll_waiters = std::max(1u, config.server.worker_threads / 4),
                          .seal_schemes = config.seal_schemes},
                         load_or_create_token_secret(data), config.server.tls.certificate_pem);
    services.add_routes(router);
    add_webapp_routes(router);

    // Mobile signing: a crash while signing left requests activated; they fail, never sign twice.
    if (auto interrupted = services.signature_requests().recover_interrupted())
        std::cerr << "signd: " << interrupted << " signature request(s) interrupted by a stop were marked failed\n";
    CallbackKey callback_key = callback_key_for(data, config.server.tls);
    signing::KeyCache callback_keys(token);
    mobile::CallbackSender callbacks(database.callbacks(), clock, callback_keys.key(callback_key.key_uri),
                                     callback_key.certificate_serial, ca.root().pem);
    mobile::ExpirySweeper sweeper(services.signature_requests());
    callbacks.start();
    sweeper.start();
    audit_upkeep.start();

    // Refusals before any handler are attempts too. Overload and shutdown refusals are left
    // out: recording each would make a flood cost a disk sync per request.
    RejectionHook on_rejection = [&refusals](const HttpRequest& request, const std::string& code) {
        if (code == "overloaded" || code == "shutting_down") return;
        try {
            refusals.count({.action = "request.rejected",
                            .actor = "anonymous",
                            .client_address = request.client_address,
                            .subject = request.method + " " + request.path,
                            .document_hash = "",
                            .result = code});
        } catch (const std::exception& error) {
            std::cerr << "signd: cannot audit a rejected request: " << error.what() << "\n";
        }
    };

    // Long polls answer at once when the drain starts rather than hold it for up to 25 s.
    config.server.on_drain = [&services] { services.request_events().close(); };
    Server server(config.server, router, metrics, on_rejection);
    std::cout << "signd listening on https://" << config.server.address << ":" << server.port() << std::endl;
    server.run();
    audit_upkeep.stop();  // writes the counts still held
    sweeper.stop();
    callbacks.stop();
    std::cerr << "signd: stopped" << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // A client that hangs up mid-response must cost an error code, not the process.
    signal(SIGPIPE, SIG_IGN);

    CLI::App app{"signd: the city's HTTPS signing service (trust-service endpoints, document-system and CSC APIs)"};
    Flags flags;
    app.add_option("--data", flags.data, "Data folder (default: ./var)");
    app.add_option("--config", flags.config, "TOML settings (default: <data>/signd.toml when present)");
    app.add_option("--listen", flags.listen, "Address to listen on (default: 127.0.0.1)");
    app.add_option("--port", flags.port, "Port for HTTPS and plain HTTP (default: 8443; 0 picks a free one)");
    app.add_option("--threads", flags.threads, "I/O threads (default: 2)")->check(CLI::Range(1, 256));
    app.add_option("--workers", flags.workers,
                   "Handler threads, where signing and long polls wait; a quarter of them may long-poll (default: 16)")
        ->check(CLI::Range(1, 1024));
    app.add_option("--body-limit", flags.body_limit, "Largest request body in bytes (default: 64 MiB)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 34));
    app.add_option("--max-concurrent", flags.max_concurrent, "Requests in progress before 503 (default: 64)")
        ->check(CLI::Range(1, 100000));
    app.add_option("--header-timeout-ms", flags.header_timeout_ms, "Time allowed for a request header (default: 10000)")
        ->check(CLI::Range(1L, 86400000L));
    app.add_option("--idle-timeout-ms", flags.idle_timeout_ms, "Idle kept-alive connections close after (default: 30000)")
        ->check(CLI::Range(1L, 86400000L));
    app.add_option("--body-timeout-ms", flags.body_timeout_ms, "Time allowed for a request body (default: 60000)")
        ->check(CLI::Range(1L, 86400000L));
    app.add_option("--shutdown-grace-ms", flags.shutdown_grace_ms, "How long SIGTERM waits for requests in flight "
                                                                   "(default: 30000)")
        ->check(CLI::Range(0L, 86400000L));
    app.add_option("--sad-lifetime-s", flags.sad_lifetime_s, "How long a CSC SAD stays usable, in seconds (default: 300)")
        ->check(CLI::Range(1u, 300u));
    app.add_option("--signature-request-expiry-s", flags.request_expiry_s,
                   "Default life of a mobile signature request, in seconds (default: 300)")
        ->check(CLI::Range(30u, 86400u));
    app.add_option("--signature-request-max-expiry-s", flags.request_max_expiry_s,
                   "Longest life a client may ask for, in seconds (default: 900)")
        ->check(CLI::Range(30u, 86400u));
    app.add_option("--signature-result-retention-h", flags.result_retention_h,
                   "How long signed results of mobile signature requests are kept, in hours (default: 168)")
        ->check(CLI::Range(1u, 8760u));
    app.add_flag("--demo", flags.demo, "Demo mode: data folder ./var, 127.0.0.1:8443, demo PKI created when missing");

    try {
        app.parse(argc, argv);
        return serve(flags);
    } catch (const CLI::ParseError& error) {
        return app.exit(error) == 0 ? 0 : 2;
    } catch (const Error& error) {
        std::cerr << "signd: " << error.what() << " (" << error.code() << ")\n";
        return 1;
    } catch (const std::exception& error) {
        std::cerr << "signd: unexpected failure: " << error.what() << "\n";
        return 1;
    }
}
