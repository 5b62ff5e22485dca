#pragma once
// The one structured line signd writes to stderr per answered request: JSON,
// so log collectors need no parser of their own.

#include <cstddef>
#include <string>

namespace sign::signd {

struct RequestLogLine {
    std::string request_id;
    std::string remote;
    std::string method;
    std::string path;
    std::string route;                       ///< route name, "-" when none matched
    int status = 0;
    double duration_ms = 0;
    std::size_t bytes_in = 0;
    std::size_t bytes_out = 0;
    std::string client;                      ///< set by the handler (HttpResponse::client_id); omitted when empty
    std::string client_certificate_serial;   ///< verified mTLS certificate; omitted when empty
    std::string error;                       ///< internal failure detail, never sent to the client
};

/// Writes `line` as one JSON object on one line of stderr, with "time" in UTC ISO 8601
/// (millisecond precision). Lines from concurrent requests never interleave.
void write_request_log(const RequestLogLine& line);

}  // namespace sign::signd
