#pragma once
// Whether a subject name fits a certificate profile: the attributes it must
// have, the ones it may have, and the shape of their values (CCCD numbers,
// tax codes). Run by the CA before issuing and by front ends to answer early.

#include "sign/certificate_profile.h"
#include "sign/distinguished_name.h"

namespace sign {

/// Throws invalid_input with plain words when `subject` does not fit `profile`:
/// `subject_attribute_missing`, `subject_attribute_not_allowed` or `subject_attribute_invalid`
/// (e.g. "UID must be CCCD: followed by 12 digits (got 'CCCD:12ab')").
void check_subject(const CertificateProfile& profile, const DistinguishedName& subject);

}  // namespace sign
