#include "sign/signing/leader_signature_check.h"

#include "sign/validate/pades_validator.h"

namespace sign::signing {

void LeaderSignatureCheck::require_valid(const std::filesystem::path& pdf, const std::string& field) const {
    validate::ValidationOptions options;
    options.validation_time = clock_.now();
    options.trust.trust_anchors.push_back(Certificate::from_pem(ca_.root().pem));
    options.trust.intermediates.push_back(Certificate::from_pem(ca_.issuing_ca().pem));
    options.extra.crls = crls_();
    validate::require_valid_leader_signature(pdf, field, options);
}

}  // namespace sign::signing
