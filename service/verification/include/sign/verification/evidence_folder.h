#pragma once
// The evidence of each validation signd answers (Circular 15/2025/TT-BKHCN asks
// a validation service to keep what it concluded and on what): in the data
// folder, evidence/<yyyy>/<mm>/<id>/ holds inputs.json (the SHA-256 of each
// input, its size, the options, who asked and from where) and report.json (the whole report). A folder is
// written under evidence/.incoming/ and renamed into place, so a crash never
// leaves a half-written one where it is looked for.

#include <filesystem>

#include "sign/clock.h"
#include "sign/verification/verification_service.h"

namespace sign::verification {

class EvidenceFolder final : public EvidenceStore {
public:
    /// `folder`: e.g. <data>/evidence; `clock` is borrowed and dates the folders.
    EvidenceFolder(std::filesystem::path folder, const Clock& clock);

    /// The id is "<yyyy>-<mm>-" and a random part; throws internal `evidence_not_kept` when the
    /// files cannot be written.
    std::string keep(const VerificationRequest& request, const VerificationOutcome& outcome) override;

    /// Where the evidence of `id` is (it may not exist); throws invalid_input `invalid_evidence_id`
    /// for an id this class did not make.
    std::filesystem::path path_of(const std::string& id) const;

private:
    std::filesystem::path folder_;
    const Clock& clock_;
};

}  // namespace sign::verification
