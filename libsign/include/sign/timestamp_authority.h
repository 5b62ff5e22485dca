#pragma once
// An RFC 3161 time-stamping authority: answers DER TimeStampReq with DER
// TimeStampResp, signed on the token by the TSA key. Transport (HTTP,
// application/timestamp-query) is the service's job; in-process callers reach
// it through TimestampClient::local (timestamp_client.h).

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sign/certificate.h"
#include "sign/clock.h"
#include "sign/signing_key.h"

namespace sign {

/// The policy of the "tsa" profile in config/profiles.toml, under the project's
/// placeholder arc 1.3.6.1.4.1.32473 (IANA's documentation enterprise number)
/// until the city registers its own.
inline constexpr const char* default_tsa_policy = "1.3.6.1.4.1.32473.1.4";

struct TimestampAuthorityOptions {
    std::string policy_oid = default_tsa_policy;  ///< TSTInfo.policy; requests naming another policy are rejected
    std::chrono::milliseconds accuracy{1000};     ///< TSTInfo.accuracy; at least 1 ms, below 1 h
    std::string digest = "sha256";                ///< signs the token and hashes the ESS certificate ID
};

class TimestampAuthority {
public:
    /// Checks before anything is signed that `key` belongs to `certificate`, that the certificate
    /// is fit for time-stamping (EKU exactly timeStamping, critical, as RFC 3161 2.3 asks), and the
    /// options. `chain` holds the issuing CAs sent when a request sets certReq (the root may be
    /// left out). `key` and `clock` are borrowed and must outlive this object.
    /// Throws invalid_input `tsa_key_mismatch`, `tsa_certificate_unfit`, `invalid_policy_oid`,
    /// `invalid_accuracy`, or policy `weak_digest`/`weak_key`.
    TimestampAuthority(Certificate certificate, const SigningKey& key, std::vector<Certificate> chain,
                       const Clock& clock, TimestampAuthorityOptions options = {});

    /// Answers one DER TimeStampReq. Every answer is a TimeStampResp, never an exception, when the
    /// request is at fault: malformed DER gets rejection/badDataFormat, SHA-1 or other weak or
    /// unknown imprint algorithms rejection/badAlg, another policy rejection/unacceptedPolicy.
    /// Granted tokens carry a fresh random 16-byte serial, genTime from the clock, the accuracy,
    /// the request's nonce, and the TSA certificate (plus chain) when certReq is set.
    /// Throws only when the key or OpenSSL fails (sign::Error of kind token or internal).
    /// Note: OpenSSL's PKCS#7 signer adds a signingTime attribute to the token from the system
    /// clock, not from `clock`; genTime, the time that counts, always comes from `clock`.
    std::vector<std::uint8_t> respond(std::span<const std::uint8_t> der_request) const;

    /// The TSA's certificate.
    const Certificate& certificate() const { return certificate_; }

private:
    Certificate certificate_;
    const SigningKey& key_;
    std::vector<Certificate> chain_;
    const Clock& clock_;
    TimestampAuthorityOptions options_;
};

}  // namespace sign
