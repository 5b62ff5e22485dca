#include "sign/signing/leader_signature_check.h"

#include "sign/error.h"
#include "sign/validate/pades_validator.h"

namespace sign::signing {

void LeaderSignatureCheck::require_valid(const std::filesystem::path& pdf, const std::string& field) const {
    validate::ValidationOptions options;
    options.validation_time = clock_.now();
    options.trust.trust_anchors.push_back(Certificate::from_pem(ca_.root().pem));
    options.trust.intermediates.push_back(Certificate::from_pem(ca_.issuing_ca().pem));
    options.extra.crls = crls_();
    validate::SignatureReport report;
    try {
        report = validate::validate_pdf_field(pdf, field, options);
    } catch (const Error& error) {
        if (error.code() != "field_not_signed") throw;
        throw Error(ErrorKind::conflict, "leader_signature_invalid",
                    "the field '" + field + "' holds no leader signature to seal over");
    }
    if (report.indication == validate::MainIndication::total_passed) return;
    std::string why = validate::to_string(report.indication);
    if (report.sub_indication) why += "/" + validate::to_string(*report.sub_indication);
    for (const auto& finding : report.findings)
        if (finding.severity == validate::Finding::Severity::error) {
            why += ": " + finding.en;
            break;
        }
    throw Error(ErrorKind::conflict, "leader_signature_invalid",
                "the leader's signature in '" + field + "' is not valid (" + why + "); the seal goes only over a valid one");
}

}  // namespace sign::signing
