#pragma once
// A secret key that stays on a token and only computes MACs there, as
// SigningKey only signs: the service keeps the values it makes (PIN
// verifiers), never the key. sign::hsm::SecretKey implements it.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sign {

class MacKey {
public:
    virtual ~MacKey() = default;

    /// HMAC-SHA256 of `message` under the key, computed on the token (32 bytes).
    virtual std::vector<std::uint8_t> mac(std::span<const std::uint8_t> message) const = 0;

    /// The key's label on its token, for messages and audit records.
    virtual std::string label() const = 0;
};

}  // namespace sign
