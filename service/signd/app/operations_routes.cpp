#include "app/operations_routes.h"

#include <nlohmann/json.hpp>

namespace sign::signd {

namespace {

// True when the module still sees our token, initialised and not locked.
bool token_answers(hsm::Token& token) {
    try {
        auto slot = token.module().find_token(token.label());
        return slot.token_present && slot.token_initialized && !slot.user_pin_locked;
    } catch (const std::exception&) {
        return false;
    }
}

bool database_answers(const store::CertificateStore& certificates, std::mutex& ca_mutex) {
    try {
        std::lock_guard lock(ca_mutex);
        certificates.setting("issuing_ca");
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

void add_operations_routes(Router& router, const OperationsServices& services) {
    router.add("GET", "/healthz", "healthz", Transport::plain_or_tls, [services](const HttpRequest&) {
        bool token = token_answers(services.token);
        bool database = database_answers(services.certificates, services.ca_mutex);
        if (!token) services.metrics.count_token_error();
        bool healthy = token && database;
        return HttpResponse::json(healthy ? 200 : 503, {{"status", healthy ? "ok" : "degraded"},
                                                        {"token", token ? "ok" : "error"},
                                                        {"database", database ? "ok" : "error"}});
    });
    router.add("GET", "/metrics", "metrics", Transport::plain_or_tls, [&metrics = services.metrics](const HttpRequest&) {
        return HttpResponse::bytes(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
    });
}

}  // namespace sign::signd
