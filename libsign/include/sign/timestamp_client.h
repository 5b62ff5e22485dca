#pragma once
// An RFC 3161 client: asks a TSA for a time-stamp token and trusts nothing in
// the answer until it has checked it against its own request and trust anchor.
// The transport is a function, so the same client talks to the in-process TSA
// (TimestampClient::local) or, later, to a remote one over HTTP.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sign/certificate.h"
#include "sign/clock.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_source.h"

namespace sign {

class TimestampClient final : public TimestampSource {
public:
    /// Sends a DER TimeStampReq and returns the DER TimeStampResp; throws sign::Error when the TSA
    /// cannot be reached.
    using Transport = std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>&)>;

    /// `trust_anchor` is the root the TSA certificate must chain to; `intermediates` helps build the
    /// chain when the TSA does not send it. `policy_oid`, when given, is put in the request and must
    /// come back in the token (invalid_input `invalid_policy_oid` when it is not an OID). Chains are
    /// checked at `clock.now()`; `clock` is borrowed.
    TimestampClient(Transport transport, Certificate trust_anchor, std::vector<Certificate> intermediates,
                    const Clock& clock, std::optional<std::string> policy_oid = {});

    /// A client of the in-process TSA `authority` (borrowed; must outlive the client).
    static TimestampClient local(const TimestampAuthority& authority, Certificate trust_anchor,
                                 std::vector<Certificate> intermediates, const Clock& clock);

    /// Requests a token for `digest` (made with `digest_name`, SHA-256 or stronger) with a random
    /// 64-bit nonce and certReq set, and checks in this order: the response parses
    /// (`tsa_bad_response`), status granted (`tsa_rejected`), the imprint (`tsa_imprint_mismatch`),
    /// the nonce (`tsa_nonce_mismatch`), the policy (`tsa_policy_mismatch`), then the signature,
    /// the chain to the trust anchor and the TSA's critical timeStamping EKU (`tsa_untrusted`).
    /// `tsa_bad_response` is of kind invalid_input, the others of kind policy; errors of the
    /// transport pass through. Returns the TimeStampToken exactly as the TSA encoded it. The TSA
    /// certificate's revocation status is not checked here; that belongs to validation (validate/).
    std::vector<std::uint8_t> timestamp(std::string_view digest_name, std::span<const std::uint8_t> digest) override;
    /// The size of the last token this client received for `digest_name`.
    std::optional<std::size_t> expected_token_size(std::string_view digest_name) const override;

private:
    // Behind a pointer so the client stays movable.
    struct TokenSizes {
        std::mutex mutex;
        std::map<std::string, std::size_t, std::less<>> last;
    };
    std::unique_ptr<TokenSizes> token_sizes_ = std::make_unique<TokenSizes>();
    Transport transport_;
    Certificate trust_anchor_;
    std::vector<Certificate> intermediates_;
    const Clock& clock_;
    std::optional<std::string> policy_oid_;
};

}  // namespace sign
