#include "sign/mobile/approval_challenge.h"

#include "encoding.h"
#include "sign/base64.h"
#include "sign/hex.h"
#include "sign/utc_time.h"

namespace sign::mobile {

std::string to_string(Decision decision) { return decision == Decision::approve ? "approve" : "reject"; }

std::string approval_challenge(const store::SignatureRequest& request, Decision decision) {
    std::string text = "signd-approval-v1\n";
    text += "decision:" + to_string(decision) + "\n";
    text += "request:" + request.id + "\n";
    text += "signer:" + request.signer_id + "\n";
    text += "expires:" + format_utc(request.expires_at) + "\n";
    text += "nonce:" + encode_base64url(request.nonce) + "\n";
    text += "documents:" + std::to_string(request.documents.size()) + "\n";
    for (const auto& document : request.documents)
        text += std::to_string(document.index) + " " + document.digest_algorithm + " " + to_hex(document.digest) + " " +
                to_hex(document.sha256) + "\n";
    return text;
}

}  // namespace sign::mobile
