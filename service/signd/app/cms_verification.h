#pragma once
// Checks a detached CMS (CAdES) signature over a document for someone who
// received both, and says what it found in Vietnamese, as the person reading
// the report speaks it: whether the document is unchanged, who signed, whether
// that certificate chains to the city root and was not revoked at the time
// that counts, and when it was signed and time-stamped.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sign/ca/ca_service.h"
#include "sign/store/certificate_store.h"

namespace sign::signd {

/// What was found about one signer.
struct SignerVerification {
    std::string signer;               ///< subject (RFC 4514), empty when the certificate is missing
    std::string certificate_serial;   ///< lower-case hex
    std::string issuer;
    bool integrity = false;           ///< the signature covers exactly this document
    bool certificate_trusted = false; ///< chains to the city root at the time of validation
    std::string revocation;           ///< "good", "revoked" or "unknown" (not a certificate of our CA)
    std::optional<std::string> signing_time;    ///< the signingTime attribute, ISO 8601 UTC (claimed by the signer)
    std::optional<std::string> timestamp_time;  ///< genTime of a signature time-stamp that verified
    std::optional<bool> timestamp_valid;        ///< absent when there is no time-stamp
    bool valid = false;
    std::vector<std::string> messages;  ///< in Vietnamese, one finding each
};

struct CmsVerification {
    bool valid = false;  ///< every signer valid, and at least one
    std::string summary; ///< in Vietnamese
    std::vector<SignerVerification> signers;

    /// The report as the API returns it (docs/openapi.yaml, VerificationReport).
    nlohmann::json to_json() const;
};

/// Verifies `signature` (DER or PEM CMS SignedData, detached) over `document`, trusting only the
/// CA's root. Revocation comes from the CA database, as of the time-stamp's genTime when
/// one verifies, else as of `now`. Throws invalid_input `not_a_cms_signature` when the signature
/// does not parse or is not detached SignedData; a signature that parses but fails is a report,
/// not an error.
CmsVerification verify_cms(const ca::CaService& ca, const store::CertificateStore& certificates,
                           std::span<const std::uint8_t> signature,
                           std::span<const std::uint8_t> document, std::chrono::system_clock::time_point now);

}  // namespace sign::signd
