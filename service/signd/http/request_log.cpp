#include "http/request_log.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>

namespace sign::signd {

namespace {

std::string utc_now() {
    auto now = std::chrono::system_clock::now();
    auto seconds = std::chrono::system_clock::to_time_t(now);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                  parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(millis));
    return text;
}

}  // namespace

void write_request_log(const RequestLogLine& line) {
    nlohmann::json entry{{"time", utc_now()},
                         {"request_id", line.request_id},
                         {"remote", line.remote},
                         {"method", line.method},
                         {"path", line.path},
                         {"route", line.route},
                         {"status", line.status},
                         {"duration_ms", std::round(line.duration_ms * 1000) / 1000},
                         {"bytes_in", line.bytes_in},
                         {"bytes_out", line.bytes_out}};
    if (!line.client.empty()) entry["client"] = line.client;
    if (!line.client_certificate_serial.empty()) entry["client_certificate_serial"] = line.client_certificate_serial;
    if (!line.error.empty()) entry["error"] = line.error;
    // Paths come from the network: replace invalid UTF-8 rather than fail the log line.
    std::string text = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}  // namespace sign::signd
