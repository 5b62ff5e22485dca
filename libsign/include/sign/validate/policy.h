#pragma once
// The validation policy as data (docs/validation.md): for each constraint the
// process checks, what a failure means (FAIL / WARN / INFORM / IGNORE), and
// which algorithms are acceptable until when. The default, compiled in from
// config/validation-policy.toml, follows Circular 15/2025/TT-BKHCN: SHA-2 and
// SHA-3 digests, RSA of 2048 bits or more (PKCS#1 v1.5 or PSS), ECDSA of 256
// bits or more; SHA-1 and RSA below 2048 refused; revocation status required.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

namespace sign::validate {

/// What the process does when a constraint is not met.
enum class ConstraintLevel {
    fail,    ///< the signature does not pass (sub-indication per EN 319 102-1)
    warn,    ///< it may pass, with a warning in the report
    inform,  ///< it may pass, with a note in the report
    ignore,  ///< not checked
};

/// "FAIL", "WARN", "INFORM", "IGNORE".
std::string to_string(ConstraintLevel level);

/// One acceptable digest ("sha256", "sha3-384", ...), until `until` when set (exclusive).
struct DigestRule {
    std::string name;
    std::optional<std::chrono::system_clock::time_point> until;
};

/// One acceptable public-key family ("rsa" or "ec") from `min_bits`, until `until` when set.
struct KeyRule {
    std::string type;
    int min_bits = 0;
    std::optional<std::chrono::system_clock::time_point> until;
};

struct ValidationPolicy {
    std::string name;
    /// The text cited after a refusal ("Thông tư 15/2025/TT-BKHCN"); may be empty.
    std::string reference;

    /// Signed attributes: signing-certificate(-v2) must be present (a mismatch always fails).
    ConstraintLevel signing_certificate_attribute = ConstraintLevel::fail;
    /// The claimed signing-time attribute should be present.
    ConstraintLevel signing_time_attribute = ConstraintLevel::inform;
    /// A signature time-stamp should be present (B-T or higher).
    ConstraintLevel signature_timestamp = ConstraintLevel::inform;
    /// Every certificate of the chain (but the trust anchor) needs known revocation status.
    ConstraintLevel revocation_status = ConstraintLevel::fail;
    /// The signer's certificate should allow digitalSignature or nonRepudiation.
    ConstraintLevel signer_key_usage = ConstraintLevel::warn;
    /// Digests, key sizes and padding schemes must be in the lists below at the signing time.
    ConstraintLevel cryptographic = ConstraintLevel::fail;
    /// The claimed signing time must not be after the time-stamp's time.
    ConstraintLevel timestamp_order = ConstraintLevel::warn;
    /// A signer revoked after a proven signing time: FAIL refuses it (REVOKED_NO_POE); otherwise it
    /// passes at its signing time, as EN 319 102-1 validation with time does, with a note of this level.
    ConstraintLevel revoked_after_signing = ConstraintLevel::warn;

    /// Revocation data without nextUpdate stays fresh this long after its thisUpdate; with
    /// nextUpdate, until then.
    std::chrono::seconds revocation_max_age{std::chrono::hours(24)};
    /// Clock skew tolerated between the signer, the TSA, the responders and us.
    std::chrono::seconds clock_skew{std::chrono::minutes(5)};

    std::vector<DigestRule> digests;
    std::vector<KeyRule> keys;
    /// Accepted signature schemes: "rsa-pkcs1", "rsa-pss", "ecdsa".
    std::vector<std::string> signature_schemes;

    /// The compiled-in default (config/validation-policy.toml).
    static const ValidationPolicy& default_policy();
    /// Parses a policy file's text; `origin` names it in errors. Constraints left out keep the
    /// default's level; algorithm lists left out keep the default's lists. Throws invalid_input
    /// `invalid_validation_policy` naming the key at fault (bad TOML, unknown key, bad level, ...).
    static ValidationPolicy parse(std::string_view toml_text, std::string_view origin = "validation policy");
    /// Reads and parses a file; throws not_found `file_not_found` or as parse().
    static ValidationPolicy load(const std::string& path);

    /// The acceptance of a digest (OpenSSL short name, any spelling of sha256/sha3-256/sha1) at `when`:
    /// nullopt when accepted, else the reason in Vietnamese and in English.
    struct Refusal {
        std::string vi;
        std::string en;
    };
    std::optional<Refusal> check_digest(std::string_view digest_name, std::chrono::system_clock::time_point when) const;
    /// The acceptance of a public key (type and size) at `when`.
    std::optional<Refusal> check_key(const EVP_PKEY* key, std::chrono::system_clock::time_point when) const;
    /// The acceptance of a signature scheme ("rsa-pkcs1", "rsa-pss", "ecdsa").
    std::optional<Refusal> check_scheme(std::string_view scheme) const;
};

}  // namespace sign::validate
