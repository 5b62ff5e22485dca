#pragma once
// The document-system side of mobile signing under /api/v1
// (docs/mobile-signing.md): create a signature request, read it (with
// long-polling), fetch a signed document, cancel; and the certificate that
// signs callbacks. Client credentials as for the rest of /api/v1.

#include <cstddef>
#include <string>

#include "app/client_auth.h"
#include "app/mobile_answers.h"
#include "http/router.h"
#include "sign/audit/audit_log.h"
#include "sign/mobile/signature_request_service.h"

namespace sign::signd {

/// Adds the routes, all TLS-only. `context` must outlive the router.
/// What the signature-request routes use; the references are borrowed and must outlive the router.
struct SignatureRequestRouteServices {
    const ClientAuthenticator& auth;
    mobile::SignatureRequestService& requests;
    MobileEdge& edge;
    audit::AuditLog& audit;           ///< for requests refused before they reach the service
    std::size_t max_base64_document;  ///< largest document accepted as base64 inside JSON
    std::string callback_certificate_pem;  ///< the certificate whose key signs callbacks
};

void add_signature_request_routes(Router& router, const SignatureRequestRouteServices& services);

}  // namespace sign::signd
