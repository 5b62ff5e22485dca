#pragma once
// The text a device signs to approve or reject a signature request
// (docs/mobile-signing.md, "The approval challenge"). The server rebuilds it
// from the stored request, so a signature made for another request, another
// decision or another list of digests does not verify.

#include <string>

#include "sign/store/signature_request_store.h"

namespace sign::mobile {

enum class Decision { approve, reject };

/// "approve" or "reject".
std::string to_string(Decision decision);

/// The canonical challenge: UTF-8 lines, each ending in '\n', hex in lower case.
std::string approval_challenge(const store::SignatureRequest& request, Decision decision);

}  // namespace sign::mobile
