#pragma once
// What the mobile-signing routes share: the contract's HTTP status for each
// error code (docs/mobile-signing.md), the problem answer, the JSON body, and
// long-polling on request changes.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "http/http_request.h"
#include "http/http_response.h"
#include "http/metrics.h"
#include "sign/clock.h"
#include "sign/mobile/request_events.h"
#include "sign/error.h"

namespace sign::signd {

/// Who the caller of a mobile route proves to be.
enum class MobileCaller { client, device };

/// What every mobile route's edge uses: metrics, the wake-ups of long polls and the clock.
struct MobileEdge {
    Metrics& metrics;
    mobile::RequestEvents& events;
    const Clock& clock;
};

/// Runs `work`, turning what it throws into an RFC 9457 problem (statuses from the error
/// catalogue; a signer locked while approving is 423); `caller` is filled by the work for the
/// request log.
HttpResponse mobile_answer(MobileEdge& edge, MobileCaller kind, bool approving,
                           const std::function<HttpResponse(std::string& caller)>& work);

/// The request body as a JSON object; invalid_input `invalid_json` otherwise.
nlohmann::json json_object_body(const HttpRequest& request);

/// The `wait` query parameter, 1 to 25 seconds; invalid_input `invalid_parameter` otherwise.
std::optional<int> wait_seconds(const HttpRequest& request);

/// Blocks while `keep_waiting()` holds, for at most `seconds` and never past `until`, waking on
/// each request change. Each wait holds a handler thread, so only a quarter of them may wait at
/// once: beyond that it returns false at once, and the caller adds `Retry-After` (retry_after())
/// so that clients pause instead of polling in a tight loop.
bool long_poll(MobileEdge& edge, int seconds, std::optional<std::chrono::system_clock::time_point> until,
               const std::function<bool()>& keep_waiting);

/// Adds `Retry-After: 2` to a long-poll answer that could not wait.
void retry_after(HttpResponse& response);

}  // namespace sign::signd
