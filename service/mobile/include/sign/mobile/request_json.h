#pragma once
// A signature request as every endpoint and callback shows it
// (docs/mobile-signing.md): hex digests, UTC times, and the public state, in
// which a pending request past its expiry already reads "expired".

#include <chrono>

#include <nlohmann/json.hpp>

#include "sign/store/signature_request_store.h"

namespace sign::mobile {

/// The public state at `now`: "pending", "approved", ...; "expired" for a pending request past expiry.
std::string public_state(const store::SignatureRequest& request, std::chrono::system_clock::time_point now);

/// The request's JSON at `now`, without the approval nonce or anything of its preparation.
nlohmann::json request_json(const store::SignatureRequest& request, std::chrono::system_clock::time_point now);

}  // namespace sign::mobile
