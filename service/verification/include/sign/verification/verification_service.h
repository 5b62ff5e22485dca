#pragma once
// The use case "verify what I received": a signed file of any format (PDF, CMS
// with its document, its digest or attached content, XML) validated by the EN
// 319 102-1 process against the data folder's trust anchors, online through a
// fetcher unless asked offline, and, where the service keeps evidence, the
// inputs' hashes and the report stored for later proof (Circular 15).
//
// The validation itself is one function of (input bytes, options) →
// report, validate::validate_document(), so that it can run in a child
// process; this class only chooses its options and keeps its evidence.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sign/clock.h"
#include "sign/validate/document_validator.h"
#include "sign/verification/trust_anchors.h"

namespace sign::verification {

struct VerificationRequest {
    std::vector<std::uint8_t> signed_file;
    std::optional<std::vector<std::uint8_t>> document;        ///< a detached signature's document
    std::optional<validate::DocumentDigest> document_digest;  ///< or only its digest
    bool offline = false;  ///< no network: revocation and issuers from the data at hand only
    /// The time the validation speaks for; default: the clock's now.
    std::optional<std::chrono::system_clock::time_point> at;
    /// Default: the compiled-in policy.
    std::optional<validate::ValidationPolicy> policy;
    /// Who asked, as the evidence records it: an API client's id, or "anonymous" for the public page.
    std::string requested_by;
    /// The caller's network address, when it came over the network.
    std::string client_address;
};

struct VerificationOutcome {
    validate::DocumentFormat format = validate::DocumentFormat::unknown;
    validate::ValidationReport report;
    std::string evidence_id;  ///< empty where no evidence is kept
};

/// Keeps what a validation saw and concluded.
class EvidenceStore {
public:
    virtual ~EvidenceStore() = default;
    /// Stores the evidence of one validation and returns its id. Throws sign::Error when it
    /// cannot: a validation without its evidence is not answered.
    virtual std::string keep(const VerificationRequest& request, const VerificationOutcome& outcome) = 0;
};

class VerificationService {
public:
    /// Where revocation data and missing issuers come from. `offline` answers without the network
    /// (null: nothing is fetched); `online` may use it (null: always offline).
    struct Fetchers {
        validate::Fetcher* offline = nullptr;
        validate::Fetcher* online = nullptr;
    };
    /// Validation data known locally (e.g. the CRLs the data folder published), read at each call.
    using LocalData = std::function<validate::ValidationData()>;

    /// All borrowed; they must outlive the service. `evidence` may be null (nothing kept).
    VerificationService(const TrustAnchorSource& anchors, Fetchers fetchers, const Clock& clock,
                        EvidenceStore* evidence = nullptr, LocalData local_data = {}, validate::DocumentLimits limits = {});

    /// Validates `request`; a file that is no valid signature is a report, not an error. Throws
    /// invalid_input for a request that means nothing (validate_document() says which;
    /// `invalid_document_digest` for a digest of the wrong length), policy `weak_digest` or
    /// `unsupported_digest` for a digest algorithm not accepted, and what the evidence store throws.
    VerificationOutcome verify(const VerificationRequest& request) const;

private:
    const TrustAnchorSource& anchors_;
    Fetchers fetchers_;
    const Clock& clock_;
    EvidenceStore* evidence_;
    LocalData local_data_;
    validate::DocumentLimits limits_;
};

}  // namespace sign::verification
