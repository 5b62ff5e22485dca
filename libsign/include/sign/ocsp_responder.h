#pragma once
// An RFC 6960 OCSP responder for one issuing CA: answers from the registry,
// signs with the CA key itself or with a delegated responder certificate
// (EKU OCSPSigning, issued by that CA). Transport (HTTP) is the service's job.

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "sign/certificate.h"
#include "sign/certificate_registry.h"
#include "sign/signing_key.h"

namespace sign {

class OcspResponder {
public:
    /// Checks that `responder_key` belongs to `responder_certificate` and that the responder is the
    /// issuer itself or is authorised by it (issued by it, EKU OCSPSigning). `responder_key` and
    /// `registry` are borrowed and must outlive this object.
    OcspResponder(Certificate issuer, Certificate responder_certificate, const SigningKey& responder_key,
                  const CertificateRegistry& registry,
                  std::chrono::seconds validity = std::chrono::hours(4));

    /// Answers a DER OCSPRequest with a DER OCSPResponse, SHA-256 signed, thisUpdate `now`,
    /// nextUpdate `now` + validity, nonce echoed, responder certificate included. Each serial is
    /// good, revoked (time and reason) or unknown; unknown also when the request names another
    /// issuer. Malformed requests get a malformedRequest response rather than an exception;
    /// only a failing signing key throws.
    std::vector<std::uint8_t> respond(std::span<const std::uint8_t> der_request,
                                      std::chrono::system_clock::time_point now) const;

private:
    Certificate issuer_;
    Certificate responder_certificate_;
    const SigningKey& responder_key_;
    const CertificateRegistry& registry_;
    std::chrono::seconds validity_;
};

}  // namespace sign
