#pragma once
// Where B-T signatures get their RFC 3161 time-stamp tokens: the TSA inside this
// library, or a remote TSA reached over HTTP. Signature formats depend only on this.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sign {

class TimestampSource {
public:
    virtual ~TimestampSource() = default;
    /// A DER TimeStampToken (a CMS ContentInfo) whose messageImprint is `digest`, computed with
    /// `digest_name` ("sha256", ...). The token has been checked against the request (imprint,
    /// nonce, TSA certificate). Throws sign::Error when no valid token can be had.
    virtual std::vector<uint8_t> timestamp(std::string_view digest_name, std::span<const uint8_t> digest) = 0;
};

}  // namespace sign
