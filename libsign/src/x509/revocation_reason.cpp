#include "sign/revocation_reason.h"

#include <array>
#include <cctype>
#include <string>

#include "sign/error.h"

namespace sign {
namespace {

struct ReasonName {
    RevocationReason reason;
    std::string_view name;
};

constexpr std::array reason_names{
    ReasonName{RevocationReason::unspecified, "unspecified"},
    ReasonName{RevocationReason::key_compromise, "keyCompromise"},
    ReasonName{RevocationReason::ca_compromise, "cACompromise"},
    ReasonName{RevocationReason::affiliation_changed, "affiliationChanged"},
    ReasonName{RevocationReason::superseded, "superseded"},
    ReasonName{RevocationReason::cessation_of_operation, "cessationOfOperation"},
    ReasonName{RevocationReason::certificate_hold, "certificateHold"},
    ReasonName{RevocationReason::privilege_withdrawn, "privilegeWithdrawn"},
};

std::string folded(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != '-' && c != '_' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string_view to_string(RevocationReason reason) {
    for (const auto& entry : reason_names)
        if (entry.reason == reason) return entry.name;
    return "unspecified";
}

RevocationReason parse_revocation_reason(std::string_view name) {
    std::string wanted = folded(name);
    for (const auto& entry : reason_names)
        if (folded(entry.name) == wanted) return entry.reason;
    std::string known;
    for (const auto& entry : reason_names) known += (known.empty() ? "" : ", ") + std::string(entry.name);
    throw Error(ErrorKind::invalid_input, "unknown_revocation_reason",
                "unknown revocation reason '" + std::string(name) + "'; use one of: " + known);
}

}  // namespace sign
