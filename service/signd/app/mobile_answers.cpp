#include "app/mobile_answers.h"

#include <charconv>

#include "http/error_catalogue.h"
#include "sign/store/wrong_pin.h"

namespace sign::signd {

HttpResponse mobile_answer(MobileEdge& edge, MobileCaller kind, bool approving,
                           const std::function<HttpResponse(std::string& caller)>& work) {
    std::string caller;
    HttpResponse response;
    try {
        response = work(caller);
    } catch (const Error& error) {
        if (error.kind() == ErrorKind::token) edge.metrics.count_token_error();
        nlohmann::json extensions = nlohmann::json::object();
        if (auto* wrong_pin = dynamic_cast<const store::WrongPin*>(&error))
            extensions["attemptsLeft"] = wrong_pin->attempts_left();
        response = problem_response(error, approving ? ErrorSurface::approval : ErrorSurface::mobile,
                                    kind == MobileCaller::device ? "Device" : "Bearer", extensions);
    } catch (const std::exception&) {
        response = unexpected_failure_response();
    }
    response.client_id = caller;
    return response;
}

nlohmann::json json_object_body(const HttpRequest& request) {
    auto json = nlohmann::json::parse(request.body, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw Error(ErrorKind::invalid_input, "invalid_json", "the request body is not a JSON object");
    return json;
}

std::optional<int> wait_seconds(const HttpRequest& request) {
    auto found = request.query.find("wait");
    if (found == request.query.end()) return std::nullopt;
    const std::string& text = found->second;
    int seconds = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error != std::errc() || end != text.data() + text.size() || seconds < 1 || seconds > 25)
        throw Error(ErrorKind::invalid_input, "invalid_parameter", "query parameter 'wait': 1 to 25 seconds");
    return seconds;
}

bool long_poll(MobileEdge& edge, int seconds, std::optional<std::chrono::system_clock::time_point> until,
               const std::function<bool()>& keep_waiting) {
    if (!keep_waiting()) return true;
    auto slot = edge.events.try_slot();
    if (!slot) return false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    if (until) {
        auto left = *until - edge.clock.now();
        if (left <= std::chrono::system_clock::duration::zero()) return true;
        deadline = std::min(deadline, std::chrono::steady_clock::now() +
                                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(left));
    }
    while (true) {
        // The version is read before the state, so a change between the two still wakes the wait.
        auto seen = edge.events.version();
        if (!keep_waiting()) return true;
        if (!slot.wait(seen, deadline)) return true;
    }
}

void retry_after(HttpResponse& response) { response.headers.emplace_back("Retry-After", "2"); }

}  // namespace sign::signd
