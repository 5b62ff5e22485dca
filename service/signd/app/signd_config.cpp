#include "app/signd_config.h"

#include <set>

#include <toml++/toml.h>

#include "sign/error.h"
#include "sign/signature_scheme.h"

namespace sign::signd {

namespace {

[[noreturn]] void invalid(const std::string& path, const std::string& what) {
    throw Error(ErrorKind::invalid_input, "invalid_config", path + ": " + what);
}

template <class Number>
void read_number(const toml::table& table, const std::string& path, const char* key, Number& into, long long min,
                 long long max) {
    auto node = table[key];
    if (!node) return;
    auto value = node.value<long long>();
    if (!value || !node.is_integer()) invalid(path, std::string(key) + " must be an integer");
    if (*value < min || *value > max)
        invalid(path, std::string(key) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    into = static_cast<Number>(*value);
}

void read_millis(const toml::table& table, const std::string& path, const char* key, std::chrono::milliseconds& into) {
    long long millis = into.count();
    read_number(table, path, key, millis, 1, 24LL * 3600 * 1000);
    into = std::chrono::milliseconds(millis);
}

void read_rule(const toml::table& table, const std::string& path, const char* key, AttemptRule& rule) {
    auto node = table[key];
    if (!node) return;
    std::string where = std::string("rate_limits.") + key;
    if (!node.is_table()) invalid(path, where + " must be a table { burst = N, per_minute = N }");
    for (const auto& [name, value] : *node.as_table())
        if (name.str() != "burst" && name.str() != "per_minute")
            invalid(path, "unknown key '" + where + "." + std::string(name.str()) + "'");
    read_number(*node.as_table(), path + ": " + where, "burst", rule.burst, 1, 1'000'000);
    read_number(*node.as_table(), path + ": " + where, "per_minute", rule.per_minute, 1, 6'000'000);
}

void read_rate_limits(const toml::table& table, const std::string& path, RateLimitSettings& limits) {
    auto node = table["rate_limits"];
    if (!node) return;
    if (!node.is_table()) invalid(path, "rate_limits must be a table");
    const toml::table& section = *node.as_table();
    static const std::set<std::string> known{"enabled", "max_tracked", "client_authentication", "device_authentication",
                                             "activation_code", "anonymous", "anonymous_verification"};
    for (const auto& [key, value] : section)
        if (!known.contains(std::string(key.str()))) invalid(path, "unknown key 'rate_limits." + std::string(key.str()) + "'");
    if (auto enabled = section["enabled"]) {
        if (!enabled.is_boolean()) invalid(path, "rate_limits.enabled must be true or false");
        limits.enabled = *enabled.value<bool>();
    }
    read_number(section, path, "max_tracked", limits.max_tracked, 1, 10'000'000);
    read_rule(section, path, "client_authentication", limits.client_authentication);
    read_rule(section, path, "device_authentication", limits.device_authentication);
    read_rule(section, path, "activation_code", limits.activation_code);
    read_rule(section, path, "anonymous", limits.anonymous);
    read_rule(section, path, "anonymous_verification", limits.anonymous_verification);
}

}  // namespace

void check_request_expiry(const SigndConfig& config, const std::string& origin) {
    if (config.signature_request_expiry_s > config.signature_request_max_expiry_s)
        invalid(origin, "signature_request_expiry_s must not exceed signature_request_max_expiry_s");
}

void apply_config_file(SigndConfig& config, const std::string& path) {
    toml::table table;
    try {
        table = toml::parse_file(path);
    } catch (const toml::parse_error& error) {
        invalid(path, std::string(error.description()));
    }
    static const std::set<std::string> known{"data",           "listen",           "port",          "threads",
                                             "workers",        "body_limit",       "header_limit",  "max_concurrent",
                                             "header_timeout_ms", "idle_timeout_ms", "body_timeout_ms",
                                             "shutdown_grace_ms", "sad_lifetime_s",    "max_base64_document",
                                             "signature_request_expiry_s", "signature_request_max_expiry_s",
                                             "signature_result_retention_h", "seals", "audit_checkpoint_interval_s",
                                             "rate_limits", "document_worker"};
    for (const auto& [key, value] : table)
        if (!known.contains(std::string(key.str()))) invalid(path, "unknown key '" + std::string(key.str()) + "'");
    if (auto data = table["data"]) {
        if (!data.is_string()) invalid(path, "data must be a string");
        config.data = *data.value<std::string>();
    }
    if (auto listen = table["listen"]) {
        if (!listen.is_string()) invalid(path, "listen must be a string");
        config.server.address = *listen.value<std::string>();
    }
    auto& server = config.server;
    read_number(table, path, "port", server.port, 0, 65535);
    read_number(table, path, "threads", server.threads, 1, 256);
    read_number(table, path, "workers", server.worker_threads, 1, 1024);
    read_number(table, path, "body_limit", server.body_limit, 1, 1LL << 34);
    read_number(table, path, "header_limit", server.header_limit, 1024, 1 << 20);
    read_number(table, path, "max_concurrent", server.max_concurrent_requests, 1, 100000);
    read_millis(table, path, "header_timeout_ms", server.header_timeout);
    read_millis(table, path, "idle_timeout_ms", server.idle_timeout);
    read_millis(table, path, "body_timeout_ms", server.body_timeout);
    read_millis(table, path, "shutdown_grace_ms", server.shutdown_grace);
    read_number(table, path, "sad_lifetime_s", config.sad_lifetime_s, 1, 300);
    read_number(table, path, "max_base64_document", config.max_base64_document, 1, 64LL << 20);
    read_number(table, path, "signature_request_expiry_s", config.signature_request_expiry_s, 30, 86400);
    read_number(table, path, "signature_request_max_expiry_s", config.signature_request_max_expiry_s, 30, 86400);
    read_number(table, path, "signature_result_retention_h", config.signature_result_retention_h, 1, 8760);
    read_number(table, path, "audit_checkpoint_interval_s", config.audit_checkpoint_interval_s, 1, 86400);
    read_rate_limits(table, path, config.rate_limits);
    check_request_expiry(config, path);
    if (auto worker = table["document_worker"]) {
        if (!worker.is_table()) invalid(path, "document_worker must be a table");
        const auto& section = *worker.as_table();
        static const std::set<std::string> worker_keys{"memory_mb", "cpu_s", "timeout_ms", "max_concurrent"};
        for (const auto& [key, value] : section)
            if (!worker_keys.contains(std::string(key.str())))
                invalid(path, "unknown key 'document_worker." + std::string(key.str()) + "'");
        auto& limits = config.document_worker;
        std::size_t memory_mb = limits.memory_bytes >> 20;
        read_number(section, path, "memory_mb", memory_mb, 64, 65536);
        limits.memory_bytes = memory_mb << 20;
        read_number(section, path, "cpu_s", limits.cpu_seconds, 1, 3600);
        read_millis(section, path, "timeout_ms", limits.wall_time);
        read_number(section, path, "max_concurrent", limits.max_concurrent, 1, 256);
    }
    if (auto seals = table["seals"]) {
        if (!seals.is_table()) invalid(path, "seals must be a table of [seals.<seal id>] tables");
        for (const auto& [id, entry] : *seals.as_table()) {
            std::string where = "seals." + std::string(id.str());
            if (!entry.is_table()) invalid(path, where + " must be a table");
            for (const auto& [key, value] : *entry.as_table())
                if (key.str() != "scheme") invalid(path, "unknown key '" + where + "." + std::string(key.str()) + "'");
            auto scheme = (*entry.as_table())["scheme"].value<std::string>();
            if (!scheme) invalid(path, where + ".scheme must be a string");
            try {
                config.seal_schemes[std::string(id.str())] = parse_signature_scheme(*scheme);
            } catch (const Error& e) {
                invalid(path, where + ".scheme: " + e.what());
            }
        }
    }
}

}  // namespace sign::signd
