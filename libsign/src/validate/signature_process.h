#pragma once
// The EN 319 102-1 steps every signature format shares, done exactly as the CAdES validator does
// them (cms_validator.cpp), for the other formats' validators (XAdES): one validation context
// (policy, validation time, fetch session, the caller's data) and, per signature, its data pool,
// its verdict, time-stamp validation, then signature acceptance, the chain, validity periods and
// revocation with validation with time. Internal.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sign/openssl_ptr.h"
#include "sign/validate/cms_validator.h"
#include "sign/validate/report.h"
#include "validation_pool.h"

namespace sign::validate::detail {

/// One validation context, shared by every signature validated through it.
class SharedValidation {
public:
    /// `options` is borrowed and must outlive this object.
    explicit SharedValidation(const ValidationOptions& options);
    ~SharedValidation();
    SharedValidation(const SharedValidation&) = delete;
    SharedValidation& operator=(const SharedValidation&) = delete;

    const ValidationOptions& options() const;
    const ValidationPolicy& policy() const;
    std::chrono::system_clock::time_point validation_time() const;
    /// The whole report: `signatures`, the context's findings and the fetch log.
    ValidationReport report(std::vector<SignatureReport> signatures) const;

private:
    friend class SignatureProcess;
    std::unique_ptr<CmsValidator::State> state_;
};

/// One signature's validation: its pool (its own data first, so the report names the signature as
/// the source of what is also supplied), its verdict (the first failure wins over any indeterminate).
class SignatureProcess {
public:
    explicit SignatureProcess(SharedValidation& shared);
    ~SignatureProcess();
    SignatureProcess(const SignatureProcess&) = delete;
    SignatureProcess& operator=(const SignatureProcess&) = delete;

    /// Data carried in the signature itself.
    void add_signature_certificate(X509Ptr certificate);
    void add_signature_crl(X509CrlPtr crl);
    void add_signature_ocsp(OcspBasicResponsePtr response);
    /// Then the context's data (supplied pool, local intermediates).
    void add_supplied_data();
    const ValidationPool& pool() const;

    void raise(SubIndication sub);
    void raise(MainIndication main, SubIndication sub);
    /// A constraint of the policy: `found` at the constraint's level, and `sub` when it is FAIL.
    void constrain(SignatureReport& report, ConstraintLevel level, SubIndication sub, Finding found);

    /// An RFC 3161 token (DER ContentInfo) over `covered`, its TSA chain and revocation at its time;
    /// `type` names it in the report ("signature-time-stamp", "archive-time-stamp").
    TimestampReport validate_timestamp(std::span<const std::uint8_t> token, std::span<const std::uint8_t> covered,
                                       SignatureReport& report, const char* type = "signature-time-stamp");
    /// Signature acceptance, chain, validity periods, revocation; then the verdict into `report`.
    /// `scheme` is "rsa-pkcs1", "rsa-pss" or "ecdsa".
    SignatureReport accept_and_validate_path(X509* signer, const std::string& scheme,
                                             std::chrono::system_clock::time_point best_time, bool proven,
                                             SignatureReport report);
    /// The verdict so far into `report` (for a process that stops early).
    SignatureReport finish(SignatureReport report) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The helpers of the CAdES validator, for the same wording in every format's report.
SignerIdentity signer_identity(const X509* certificate);
std::string name_text_of(const X509_NAME* name);
std::optional<std::chrono::system_clock::time_point> time_of_asn1(const ASN1_TIME* time);
/// "sha256", "sha3-256", "sha1": the digest as the policy names it.
std::string policy_digest_name_of(const EVP_MD* md);
Finding make_finding(Finding::Severity severity, std::string code, std::string vi, std::string en);

}  // namespace sign::validate::detail
