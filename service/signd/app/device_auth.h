#pragma once
// Which enrolled device is calling: `Authorization: Device <deviceId>.<unix
// milliseconds>.<signature>`, the signature (base64url r‖s, P-256/SHA-256)
// over the method and the path and query exactly as sent, within 120 s of the
// server's time (docs/mobile-signing.md, "Device authentication"). It lets a
// device read its signer's requests; approvals need their own signature.

#include <chrono>

#include "http/http_request.h"
#include "app/attempt_limits.h"
#include "sign/audit/audit_tally.h"
#include "sign/clock.h"
#include "sign/store/device_store.h"

namespace sign::signd {

class DeviceAuthenticator {
public:
    /// How far the device's clock may be from ours.
    static constexpr std::chrono::seconds max_clock_skew{120};

    /// All borrowed; they must outlive this.
    DeviceAuthenticator(const store::DeviceStore& devices, audit::AuditTally& refusals, AttemptLimits& limits,
                        const Clock& clock)
        : devices_(devices), refusals_(refusals), limits_(limits), clock_(clock) {}

    /// The device that signed `request`. Throws authentication `device_auth_invalid` (malformed,
    /// unknown device, bad signature, stale time) or `device_revoked`, after counting the refusal
    /// (the caller is not authenticated: one record per minute and source); RateLimited while
    /// the address or the device id has failed too often.
    store::DeviceRecord authenticate(const HttpRequest& request) const;

private:
    [[noreturn]] void refuse(const HttpRequest& request, const std::string& actor, const std::string& code,
                             const std::string& message) const;

    store::DeviceRecord check(const HttpRequest& request) const;

    const store::DeviceStore& devices_;
    audit::AuditTally& refusals_;
    AttemptLimits& limits_;
    const Clock& clock_;
};

}  // namespace sign::signd
