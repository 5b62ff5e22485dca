#pragma once
// Decree 30's order, enforced: the agency seals only over a valid leader
// signature. Before a seal goes over a leader's field, that signature is
// validated (libsign's PAdES validator, trusting the CA's root, with the CA's
// current CRLs as revocation data) and anything but TOTAL-PASSED is refused:
// a missing, broken or modified leader signature, and one whose status cannot
// be determined.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sign/ca/ca_service.h"
#include "sign/clock.h"

namespace sign::signing {

class LeaderSignatureCheck {
public:
    /// The CA's current CRLs (DER), fresh enough for validation now.
    using CurrentCrls = std::function<std::vector<std::vector<std::uint8_t>>()>;

    /// All borrowed; they must outlive the check.
    LeaderSignatureCheck(const ca::CaService& ca, CurrentCrls crls, const Clock& clock)
        : ca_(ca), crls_(std::move(crls)), clock_(clock) {}

    /// Throws conflict `leader_signature_invalid` (its message names the EN 319 102-1 indication
    /// and the first reason) unless the signature in `field` of `pdf` is TOTAL-PASSED now.
    void require_valid(const std::filesystem::path& pdf, const std::string& field) const;

private:
    const ca::CaService& ca_;
    CurrentCrls crls_;
    const Clock& clock_;
};

}  // namespace sign::signing
