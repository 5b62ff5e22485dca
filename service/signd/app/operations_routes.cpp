#include "app/operations_routes.h"

#include <nlohmann/json.hpp>

namespace sign::signd {

namespace {

// True when the module still sees our token, initialised and not locked.
bool token_answers(data_folder::DataFolder& data) {
    try {
        auto& token = data.token();
        auto slot = token.module().find_token(token.label());
        return slot.token_present && slot.token_initialized && !slot.user_pin_locked;
    } catch (const std::exception&) {
        return false;
    }
}

bool database_answers(data_folder::DataFolder& data, std::mutex& ca_mutex) {
    try {
        std::lock_guard lock(ca_mutex);
        data.store().setting("issuing_ca");
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

void add_operations_routes(Router& router, data_folder::DataFolder& data, Metrics& metrics, std::mutex& ca_mutex) {
    router.add("GET", "/healthz", "healthz", Transport::plain_or_tls, [&data, &metrics, &ca_mutex](const HttpRequest&) {
        bool token = token_answers(data);
        bool database = database_answers(data, ca_mutex);
        if (!token) metrics.count_token_error();
        bool healthy = token && database;
        return HttpResponse::json(healthy ? 200 : 503, {{"status", healthy ? "ok" : "degraded"},
                                                        {"token", token ? "ok" : "error"},
                                                        {"database", database ? "ok" : "error"}});
    });
    router.add("GET", "/metrics", "metrics", Transport::plain_or_tls, [&metrics](const HttpRequest&) {
        return HttpResponse::bytes(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
    });
}

}  // namespace sign::signd
