#pragma once
// What a validation found, per signature, in a form for machines (to_json) and
// for people (to_text: Vietnamese by default, English on request). The text
// report carries the seven fields Circular 15/2025/TT-BKHCN Article 2.4 asks
// for: issuing CA, signer, managing unit, signing time and time-stamp,
// integrity, validity at signing time, certificate validity period.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sign/validate/indication.h"

namespace sign::validate {

enum class Language { vietnamese, english };

/// One finding, in both languages so one report serves either rendering.
struct Finding {
    enum class Severity { error, warning, info };
    Severity severity = Severity::info;
    std::string code;  ///< stable snake_case identifier, e.g. "digest_refused"
    std::string vi;
    std::string en;
};

/// Where a piece of validation data came from.
enum class DataSource {
    signature,     ///< inside the CMS SignedData (certificates, RevocationInfoChoices)
    supplied,      ///< the caller's extra pool (e.g. a PDF's /DSS)
    local,         ///< the caller's trust anchors and local intermediates
    fetched,       ///< over HTTP (the URL is recorded)
};
std::string to_string(DataSource source);

/// One revocation datum the process used.
struct RevocationEvidence {
    std::string kind;               ///< "ocsp" or "crl"
    DataSource source = DataSource::signature;
    std::string url;                ///< when fetched
    std::string issuer;             ///< the responder's or CRL issuer's name
    std::string certificate_serial; ///< the certificate it speaks about
    std::string status;             ///< "good", "revoked", "unknown"
    std::chrono::system_clock::time_point this_update{};
    std::optional<std::chrono::system_clock::time_point> next_update;
    std::optional<std::chrono::system_clock::time_point> revocation_time;
    std::string revocation_reason;
};

/// One certificate of the chain, signer first, trust anchor last.
struct ChainCertificate {
    std::string subject;
    std::string issuer;
    std::string serial_hex;
    std::string fingerprint_sha256;
    std::chrono::system_clock::time_point not_before{};
    std::chrono::system_clock::time_point not_after{};
    DataSource source = DataSource::signature;
    std::string url;                ///< when fetched (AIA caIssuers)
    bool trust_anchor = false;
    std::string revocation_status;  ///< "good", "revoked", "unknown", "not-checked" (anchor, ocsp-nocheck)
};

/// The signer as people name them: Circular 15 field 2 and 3.
struct SignerIdentity {
    std::string subject;             ///< RFC 4514
    std::string common_name;
    std::vector<std::string> identifiers;  ///< UID / serialNumber values: "CCCD:001099012345", "MST:0401234567"
    std::string title;
    std::string organization;
    std::string organizational_unit;
    std::string locality;
};

/// The result of one time-stamp token.
struct TimestampReport {
    std::string type;  ///< "signature-time-stamp"
    bool valid = false;
    std::optional<std::chrono::system_clock::time_point> generation_time;
    std::string tsa;   ///< the TSA certificate's subject
    std::string digest_algorithm;
    std::vector<Finding> findings;
};

struct SignatureReport {
    std::string id;                  ///< "S1", "S2", ... in the order of the SignerInfos
    MainIndication indication = MainIndication::indeterminate;
    std::optional<SubIndication> sub_indication;
    std::string format;              ///< "CAdES" or "CMS"
    std::string level;               ///< "CAdES-BASELINE-B", "-T", "-LT", "-LTA", or "" when not CAdES
    std::string digest_algorithm;    ///< of the content and the signed attributes
    std::string signature_algorithm; ///< "rsa-pkcs1", "rsa-pss", "ecdsa" with key size
    bool signer_certificate_found = false;
    SignerIdentity signer;
    std::string issuer;              ///< the signer certificate's issuer (Circular 15 field 1)
    std::optional<std::chrono::system_clock::time_point> certificate_not_before;
    std::optional<std::chrono::system_clock::time_point> certificate_not_after;
    std::optional<std::chrono::system_clock::time_point> claimed_signing_time;
    std::optional<std::chrono::system_clock::time_point> best_signature_time;  ///< proven by a time-stamp, else the validation time
    bool best_signature_time_proven = false;   ///< true when it comes from a valid time-stamp
    std::optional<bool> integrity;             ///< message digest matched; nullopt when not reached
    std::optional<bool> signature_value_valid; ///< the signature over the signed attributes verified
    std::vector<ChainCertificate> chain;
    std::vector<RevocationEvidence> revocation;
    std::vector<TimestampReport> timestamps;
    std::vector<Finding> findings;
};

/// A fetch the validation made (or skipped, offline).
struct FetchRecord {
    std::string method;
    std::string url;
    bool succeeded = false;
    std::string failure;
};

struct ValidationReport {
    std::chrono::system_clock::time_point validation_time{};
    std::string policy;
    bool offline = false;
    std::vector<SignatureReport> signatures;
    std::vector<Finding> findings;   ///< about the file as a whole (e.g. FORMAT_FAILURE before any signer)
    std::vector<FetchRecord> fetches;

    /// TOTAL-PASSED when every signature passed (and there is one), TOTAL-FAILED when one failed,
    /// else INDETERMINATE.
    MainIndication overall() const;
    /// Machine-readable, times in UTC (format_utc), indications with EN 319 102-1 spellings.
    nlohmann::json to_json() const;
    /// The report for people: the verdict ("hợp lệ" / "không hợp lệ" / "không xác định") then the
    /// seven fields per signature, times in +07:00.
    std::string to_text(Language language = Language::vietnamese) const;
};

}  // namespace sign::validate
