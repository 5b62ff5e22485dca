#pragma once
// The checks every signature format runs before it asks the token for a
// signature: a refused signer must never cost a token operation, nor leave a
// signature made with a certificate we know is dead.

#include <chrono>

#include "sign/certificate_registry.h"
#include "sign/signer.h"
#include "sign/validate/validation_data_collector.h"

namespace sign {

/// Refuses, in this order and without touching the private key: a digest below policy (policy
/// `weak_digest`/`unsupported_digest`), a key below policy (policy `weak_key`/`unsupported_key`),
/// a scheme that does not fit the key (invalid_input `scheme_key_mismatch`), a key that is not the
/// certificate's (invalid_input `key_certificate_mismatch`), a certificate not valid at `now`
/// (policy `certificate_not_yet_valid`/`certificate_expired`), and one our CA database lists as
/// revoked (policy `certificate_revoked`). `registry` is null for certificates of other CAs.
void check_signer(const Signer& signer, const CertificateRegistry* registry,
                  std::chrono::system_clock::time_point now);

/// Circular 15's check before a long-term signature (B-LT, B-LTA in any format): the signer's
/// certificate (with its chain) must have a known, good status now. Throws policy
/// `certificate_revoked` (with the revocation time) or `certificate_status_unknown` naming what is
/// missing; returns nothing when good.
void require_signer_in_good_standing(const Signer& signer, const validate::CollectionSources& sources);

}  // namespace sign
