#pragma once
// The verdict of a signature validation in the words of ETSI EN 319 102-1
// (clause 5.1.3): a main indication and, unless it passed, a sub-indication
// that says why. Reports and exit codes are built from these, never from text.

#include <optional>
#include <string>
#include <string_view>

namespace sign::validate {

enum class MainIndication {
    total_passed,   ///< TOTAL-PASSED: every check passed under the policy
    total_failed,   ///< TOTAL-FAILED: proven invalid (altered, forged, revoked before signing, ...)
    indeterminate,  ///< INDETERMINATE: not enough to say either way (missing chain, revocation, proof of existence)
};

enum class SubIndication {
    format_failure,
    hash_failure,
    sig_crypto_failure,
    revoked,
    expired,
    not_yet_valid,
    sig_constraints_failure,
    chain_constraints_failure,
    certificate_chain_general_failure,
    crypto_constraints_failure,
    crypto_constraints_failure_no_poe,
    policy_processing_error,
    signature_policy_not_available,
    timestamp_order_failure,
    no_signing_certificate_found,
    no_certificate_chain_found,
    revoked_no_poe,
    revoked_ca_no_poe,
    out_of_bounds_no_poe,
    out_of_bounds_not_revoked,
    revocation_out_of_bounds_no_poe,
    no_poe,
    try_later,
    signed_data_not_found,
};

/// "TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE", as EN 319 102-1 spells them.
std::string to_string(MainIndication indication);
/// "HASH_FAILURE", "NO_CERTIFICATE_CHAIN_FOUND", ... as EN 319 102-1 spells them.
std::string to_string(SubIndication sub_indication);
/// The reverse of to_string(); nullopt for any other text.
std::optional<MainIndication> parse_main_indication(std::string_view text);
std::optional<SubIndication> parse_sub_indication(std::string_view text);

/// The main indication a sub-indication belongs to in EN 319 102-1 table 5 (HASH_FAILURE is a
/// failure, TRY_LATER indeterminate, ...). REVOKED, EXPIRED, NOT_YET_VALID and
/// CRYPTO_CONSTRAINTS_FAILURE (an algorithm the policy refused even at the proven signing time)
/// count as failures; the process reports the INDETERMINATE forms (REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE, ...) itself.
MainIndication main_indication_of(SubIndication sub_indication);

}  // namespace sign::validate
