#pragma once
// CSC signatures/timestamp: a hash the client computed in, an RFC 3161
// TimeStampToken of our TSA out. The request goes through the same
// TimestampAuthority that answers application/timestamp-query, so both paths
// apply one policy.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sign/timestamp_authority.h"

namespace sign::signd {

/// The DER TimeStampToken (a CMS ContentInfo) over `hash`, computed with the digest named by
/// `hash_algorithm_oid`, echoing `nonce` (big-endian bytes) when given. Throws invalid_input
/// `unsupported_hash_algorithm`, `invalid_hash_length`, policy `timestamp_refused` when the TSA
/// rejects the request, and what the authority throws.
std::vector<std::uint8_t> timestamp_token(const TimestampAuthority& authority, const std::vector<std::uint8_t>& hash,
                                          const std::string& hash_algorithm_oid,
                                          const std::optional<std::vector<std::uint8_t>>& nonce);


}  // namespace sign::signd
