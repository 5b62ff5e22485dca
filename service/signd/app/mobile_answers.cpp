#include "app/mobile_answers.h"

#include <charconv>

#include "app/client_auth.h"
#include "sign/store/wrong_pin.h"

namespace sign::signd {

int mobile_status(const Error& error, bool approving) {
    const std::string& code = error.code();
    if (dynamic_cast<const Forbidden*>(&error) || code == "signer_not_allowed" || code == "callback_url_not_allowed" ||
        code == "device_not_for_signer")
        return 403;
    if (code == "signer_locked") return approving ? 423 : 409;
    if (code == "field_not_found" || code == "signature_image_missing" || code == "image_unreadable") return 400;
    if (code == "base64_document_too_large") return 413;
    if (code == "result_removed") return 410;
    return status_for(error);
}

HttpResponse mobile_answer(ServiceContext& context, MobileCaller kind, bool approving,
                           const std::function<HttpResponse(std::string& caller)>& work) {
    std::string caller;
    HttpResponse response;
    try {
        response = work(caller);
    } catch (const Error& error) {
        if (error.kind() == ErrorKind::token) context.metrics.count_token_error();
        int status = mobile_status(error, approving);
        nlohmann::json extensions = nlohmann::json::object();
        if (auto* wrong_pin = dynamic_cast<const store::WrongPin*>(&error))
            extensions["attemptsLeft"] = wrong_pin->attempts_left();
        response = HttpResponse::problem(status, error.code(), error.what(), extensions);
        if (status == 401)
            response.headers.emplace_back("WWW-Authenticate",
                                          kind == MobileCaller::device ? "Device realm=\"signd\"" : "Bearer realm=\"signd\"");
    } catch (const std::exception&) {
        response = HttpResponse::problem(500, "internal_error", "the service failed unexpectedly; the request was not completed");
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

bool long_poll(ServiceContext& context, int seconds, std::optional<std::chrono::system_clock::time_point> until,
               const std::function<bool()>& keep_waiting) {
    if (!keep_waiting()) return true;
    auto slot = context.request_events.try_slot();
    if (!slot) return false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    if (until) {
        auto left = *until - context.clock.now();
        if (left <= std::chrono::system_clock::duration::zero()) return true;
        deadline = std::min(deadline, std::chrono::steady_clock::now() +
                                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(left));
    }
    while (true) {
        // The version is read before the state, so a change between the two still wakes the wait.
        auto seen = context.request_events.version();
        if (!keep_waiting()) return true;
        if (!slot.wait(seen, deadline)) return true;
    }
}

void retry_after(HttpResponse& response) { response.headers.emplace_back("Retry-After", "2"); }

}  // namespace sign::signd
