#pragma once
// Validation of CMS SignedData signatures (CAdES, and plain CMS from other
// tools) by the ETSI EN 319 102-1 process, see docs/validation.md:
// format checks, signing certificate identification, chain building (the
// signature's certificates, the supplied pool, local intermediates, AIA over
// a Fetcher), path validation at the right time, revocation (embedded first,
// then OCSP, then CRL), cryptographic verification, signature acceptance under
// the policy, time-stamp validation and validation with time.
//
// A PAdES validator calls CmsValidator::validate_signature() with the CMS from
// /Contents, SignedContent::digester over the ByteRange and the /DSS as
// ValidationData, one CmsValidator per document so the fetch budget and cache
// are shared.
//
//     sign::validate::ValidationOptions options;
//     options.trust.trust_anchors.push_back(root.copy());
//     auto report = sign::validate::validate_cms(p7s, sign::validate::SignedContent::detached(document), options);
//     std::cout << report.to_text();

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sign/validate/fetcher.h"
#include "sign/validate/policy.h"
#include "sign/validate/report.h"
#include "sign/validate/validation_data.h"

namespace sign::validate {

/// What the signature signs, when it is not inside it.
class SignedContent {
public:
    /// The content is inside the SignedData (a .p7m); SIGNED_DATA_NOT_FOUND when it is not.
    static SignedContent attached();
    /// A detached signature's document (borrowed: must outlive the validation).
    static SignedContent detached(std::span<const std::uint8_t> document);
    /// Only the document's digest, made with `digest_name` ("sha256", "sha3-256", ...); the
    /// signer's digest algorithm must be that one.
    static SignedContent digest(std::string digest_name, std::vector<std::uint8_t> value);
    /// A function that hashes the content with the digest it is given (an OpenSSL EVP_MD name such
    /// as "SHA256"); for content in pieces, such as a PDF ByteRange. It may throw sign::Error.
    using Digester = std::function<std::vector<std::uint8_t>(const std::string& digest_name)>;
    static SignedContent digester(Digester digester);

    enum class Kind { attached, detached, digest, digester };
    Kind kind() const noexcept { return kind_; }
    std::span<const std::uint8_t> document() const noexcept { return document_; }
    const std::string& digest_name() const noexcept { return digest_name_; }
    const std::vector<std::uint8_t>& digest_value() const noexcept { return digest_value_; }
    const Digester& digest_function() const noexcept { return digester_; }

private:
    Kind kind_ = Kind::attached;
    std::span<const std::uint8_t> document_;
    std::string digest_name_;
    std::vector<std::uint8_t> digest_value_;
    Digester digester_;
};

/// Bounds that keep hostile input cheap: beyond them the signature is a FORMAT_FAILURE.
struct InputLimits {
    std::size_t max_signature_bytes = 64 * 1024 * 1024;  ///< the CMS (attached content included)
    int max_signers = 32;
    int max_certificates = 100;       ///< in the SignedData, and in the supplied pool
    int max_revocation_items = 100;   ///< CRLs plus OCSP responses, in the SignedData and the pool
    int max_chain_length = 10;
    int max_timestamps = 8;           ///< signature time-stamp tokens looked at per signer; the rest are ignored
};

struct ValidationOptions {
    /// The time the validation speaks for (EN 319 102-1 "current time"); default: now.
    std::optional<std::chrono::system_clock::time_point> validation_time;
    /// Default: ValidationPolicy::default_policy().
    std::optional<ValidationPolicy> policy;
    TrustSettings trust;
    ValidationData extra;
    /// Null: offline (nothing fetched; revocation and missing issuers come from the data at hand).
    Fetcher* fetcher = nullptr;
    FetchLimits fetch_limits;
    InputLimits input_limits;
};

/// One validation context: the options, the fetch session (limits and cache) and the parsed
/// supplied data, shared by every signature validated through it.
class CmsValidator {
public:
    /// `options` is borrowed and must outlive the validator.
    explicit CmsValidator(const ValidationOptions& options);
    ~CmsValidator();
    CmsValidator(const CmsValidator&) = delete;
    CmsValidator& operator=(const CmsValidator&) = delete;

    /// Validates every SignerInfo of one SignedData (DER or PEM "CMS"/"PKCS7"). Malformed input
    /// gives one TOTAL-FAILED/FORMAT_FAILURE entry, never an exception; only a bug or exhausted
    /// memory throws.
    std::vector<SignatureReport> validate_signature(std::span<const std::uint8_t> cms, const SignedContent& content);

    /// Validates an RFC 3161 time-stamp token (DER) over the content `digester` hashes, as a PDF
    /// document time-stamp: the imprint, the TSA's signature and chain at genTime, the TSA's
    /// revocation status then. `type` names it in the report ("document-time-stamp"); revocation
    /// evidence goes to `evidence_to`. Never throws for a bad token: it is reported invalid.
    TimestampReport validate_timestamp(std::span<const std::uint8_t> token, const SignedContent::Digester& digester,
                                       const std::string& type, SignatureReport& evidence_to);

    /// The whole report for what was validated so far through this object.
    ValidationReport report(std::vector<SignatureReport> signatures) const;

    /// The validation time in use.
    std::chrono::system_clock::time_point validation_time() const;

    struct State;

private:
    std::unique_ptr<State> state_;
};

/// One call: a CmsValidator over `options`, one SignedData, the full report.
ValidationReport validate_cms(std::span<const std::uint8_t> cms, const SignedContent& content,
                              const ValidationOptions& options);

}  // namespace sign::validate
