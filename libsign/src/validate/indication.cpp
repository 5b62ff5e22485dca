#include "sign/validate/indication.h"

#include <array>
#include <utility>

namespace sign::validate {
namespace {

constexpr std::array<std::pair<SubIndication, std::string_view>, 24> sub_names{{
    {SubIndication::format_failure, "FORMAT_FAILURE"},
    {SubIndication::hash_failure, "HASH_FAILURE"},
    {SubIndication::sig_crypto_failure, "SIG_CRYPTO_FAILURE"},
    {SubIndication::revoked, "REVOKED"},
    {SubIndication::expired, "EXPIRED"},
    {SubIndication::not_yet_valid, "NOT_YET_VALID"},
    {SubIndication::sig_constraints_failure, "SIG_CONSTRAINTS_FAILURE"},
    {SubIndication::chain_constraints_failure, "CHAIN_CONSTRAINTS_FAILURE"},
    {SubIndication::certificate_chain_general_failure, "CERTIFICATE_CHAIN_GENERAL_FAILURE"},
    {SubIndication::crypto_constraints_failure, "CRYPTO_CONSTRAINTS_FAILURE"},
    {SubIndication::crypto_constraints_failure_no_poe, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"},
    {SubIndication::policy_processing_error, "POLICY_PROCESSING_ERROR"},
    {SubIndication::signature_policy_not_available, "SIGNATURE_POLICY_NOT_AVAILABLE"},
    {SubIndication::timestamp_order_failure, "TIMESTAMP_ORDER_FAILURE"},
    {SubIndication::no_signing_certificate_found, "NO_SIGNING_CERTIFICATE_FOUND"},
    {SubIndication::no_certificate_chain_found, "NO_CERTIFICATE_CHAIN_FOUND"},
    {SubIndication::revoked_no_poe, "REVOKED_NO_POE"},
    {SubIndication::revoked_ca_no_poe, "REVOKED_CA_NO_POE"},
    {SubIndication::out_of_bounds_no_poe, "OUT_OF_BOUNDS_NO_POE"},
    {SubIndication::out_of_bounds_not_revoked, "OUT_OF_BOUNDS_NOT_REVOKED"},
    {SubIndication::revocation_out_of_bounds_no_poe, "REVOCATION_OUT_OF_BOUNDS_NO_POE"},
    {SubIndication::no_poe, "NO_POE"},
    {SubIndication::try_later, "TRY_LATER"},
    {SubIndication::signed_data_not_found, "SIGNED_DATA_NOT_FOUND"},
}};

}  // namespace

std::string to_string(MainIndication indication) {
    switch (indication) {
        case MainIndication::total_passed: return "TOTAL-PASSED";
        case MainIndication::total_failed: return "TOTAL-FAILED";
        case MainIndication::indeterminate: return "INDETERMINATE";
    }
    return "INDETERMINATE";
}

std::string to_string(SubIndication sub_indication) {
    for (auto [value, name] : sub_names)
        if (value == sub_indication) return std::string(name);
    return "UNKNOWN";
}

std::optional<MainIndication> parse_main_indication(std::string_view text) {
    for (auto value : {MainIndication::total_passed, MainIndication::total_failed, MainIndication::indeterminate})
        if (to_string(value) == text) return value;
    return std::nullopt;
}

std::optional<SubIndication> parse_sub_indication(std::string_view text) {
    for (auto [value, name] : sub_names)
        if (name == text) return value;
    return std::nullopt;
}

MainIndication main_indication_of(SubIndication sub_indication) {
    switch (sub_indication) {
        case SubIndication::format_failure:
        case SubIndication::hash_failure:
        case SubIndication::sig_crypto_failure:
        case SubIndication::revoked:
        case SubIndication::expired:
        case SubIndication::not_yet_valid:
        case SubIndication::crypto_constraints_failure:
            return MainIndication::total_failed;
        default:
            return MainIndication::indeterminate;
    }
}

}  // namespace sign::validate
