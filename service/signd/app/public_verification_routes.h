#pragma once
// The verification the public page /app/verify calls, for citizens and clerks who
// hold no API key (docs/openapi.yaml, /app/api/verifications):
//   POST /app/api/verifications   the body as /api/v1/verifications takes it
// It answers what /api/v1/verifications answers plus `pdfReport`, the printable
// report (base64), so one validation serves both the screen and the download.
// Anyone may call it, so it is bounded: a token of the caller's address per call
// ([rate_limits] anonymous_verification), the body limits of the API, and a
// VerificationService that fetches nothing over the network. The URLs in an
// uploaded file's certificates are the uploader's choice; only our own CA's,
// answered in-process, are followed.

#include <cstddef>

#include "app/attempt_limits.h"
#include "http/router.h"
#include "sign/verification/verification_service.h"

namespace sign::signd {

/// What the public verification uses; all borrowed, and they must outlive the router.
struct PublicVerificationServices {
    /// Built with no online fetcher: revocation from the file and our own CA only.
    const verification::VerificationService& verifications;
    AttemptLimits& limits;
    std::size_t max_base64_document;  ///< largest document accepted as base64 inside JSON
};

/// Registers POST /app/api/verifications, TLS only.
void add_public_verification_routes(Router& router, const PublicVerificationServices& services);

}  // namespace sign::signd
