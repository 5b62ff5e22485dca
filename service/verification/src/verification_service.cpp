#include "sign/verification/verification_service.h"

#include <openssl/evp.h>

#include "sign/error.h"
#include "sign/key_policy.h"

namespace sign::verification {

namespace {

// A hash-only request names a digest this project accepts (policy `weak_digest` for SHA-1, MD5,
// ...) and gives a value of its length.
void check_document_digest(const validate::DocumentDigest& digest) {
    const EVP_MD* md = check_digest(digest.algorithm);
    if (digest.value.size() != static_cast<std::size_t>(EVP_MD_get_size(md)))
        throw Error(ErrorKind::invalid_input, "invalid_document_digest",
                    "a " + digest.algorithm + " digest is " + std::to_string(EVP_MD_get_size(md)) + " bytes, not " +
                        std::to_string(digest.value.size()));
}

}  // namespace

VerificationService::VerificationService(const TrustAnchorSource& anchors, Fetchers fetchers, const Clock& clock,
                                         EvidenceStore* evidence, LocalData local_data, validate::DocumentLimits limits)
    : anchors_(anchors),
      fetchers_(fetchers),
      clock_(clock),
      evidence_(evidence),
      local_data_(std::move(local_data)),
      limits_(limits) {}

VerificationOutcome VerificationService::verify(const VerificationRequest& request) const {
    if (request.document_digest) check_document_digest(*request.document_digest);
    validate::ValidationOptions options;
    options.validation_time = request.at.value_or(clock_.now());
    options.policy = request.policy;
    options.trust = anchors_.trust_settings();
    if (local_data_) options.extra = local_data_();
    options.fetcher = request.offline || !fetchers_.online ? fetchers_.offline : fetchers_.online;

    validate::DocumentInput input;
    input.signed_file = request.signed_file;
    if (request.document) input.detached_document = std::span<const std::uint8_t>(*request.document);
    input.document_digest = request.document_digest;

    VerificationOutcome outcome;
    outcome.format = validate::detect_format(request.signed_file);
    outcome.report = validate::validate_document(input, options, limits_);
    // A local-only fetcher still fetches (from this service itself), yet nothing left the machine.
    if (request.offline) outcome.report.offline = true;
    if (evidence_) outcome.evidence_id = evidence_->keep(request, outcome);
    return outcome;
}

}  // namespace sign::verification
