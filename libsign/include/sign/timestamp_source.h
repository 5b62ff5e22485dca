#pragma once
// Where B-T signatures get their RFC 3161 time-stamp tokens: the TSA inside this
// library, or a remote TSA reached over HTTP. Signature formats depend only on this.

#include <cstddef>
#include <cstdint>
#include <optional>
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
    /// The size a token for a `digest_name` digest will have, known without asking the TSA (from
    /// the last token it gave), so a PDF placeholder is sized without a request of its own;
    /// nullopt when unknown. Tokens of one TSA differ by a few bytes at most (serial, nonce).
    virtual std::optional<std::size_t> expected_token_size(std::string_view digest_name) const {
        (void)digest_name;
        return std::nullopt;
    }
};

}  // namespace sign
