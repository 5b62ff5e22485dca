#include "sign/mobile/request_json.h"

#include "sign/hex.h"
#include "sign/utc_time.h"

namespace sign::mobile {

std::string public_state(const store::SignatureRequest& request, std::chrono::system_clock::time_point now) {
    bool open = request.state == store::RequestState::pending;
    if (open && now >= request.expires_at) return "expired";
    return store::public_name(request.state);
}

nlohmann::json request_json(const store::SignatureRequest& request, std::chrono::system_clock::time_point now) {
    nlohmann::json documents = nlohmann::json::array();
    for (const auto& document : request.documents)
        documents.push_back({{"index", document.index},
                             {"title", document.title},
                             {"type", document.type},
                             {"sha256", to_hex(document.sha256)},
                             {"digestAlgorithm", document.digest_algorithm},
                             {"digest", to_hex(document.digest)}});
    nlohmann::json error = nullptr;
    if (request.error_code) error = {{"code", *request.error_code}, {"detail", request.error_detail.value_or("")}};
    std::string state = public_state(request, now);
    nlohmann::json completed = nullptr;
    if (request.completed_at) completed = format_utc(*request.completed_at);
    else if (state == "expired") completed = format_utc(request.expires_at);
    nlohmann::json files_removed = nullptr;
    if (request.files_removed_at) files_removed = format_utc(*request.files_removed_at);
    return {{"id", request.id},
            {"state", state},
            {"signer", request.signer_id},
            {"displayText", request.display_text},
            {"createdAt", format_utc(request.created_at)},
            {"expiresAt", format_utc(request.expires_at)},
            {"completedAt", completed},
            {"error", error},
            {"filesRemovedAt", files_removed},
            {"documents", documents}};
}

}  // namespace sign::mobile
