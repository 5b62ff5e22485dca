#pragma once
// An HMAC-SHA256 key in memory, for the few signctl tests that must store a
// PIN verifier beside a data folder whose token this process cannot open
// (SoftHSM2 reads one configuration per process) and never check it. Every
// test that checks a PIN uses a token's key.

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

#include "sign/mac_key.h"

namespace sign::test {

class SoftwareMacKey final : public MacKey {
public:
    SoftwareMacKey() { RAND_bytes(key_.data(), static_cast<int>(key_.size())); }
    std::vector<std::uint8_t> mac(std::span<const std::uint8_t> message) const override {
        std::vector<std::uint8_t> out(32);
        unsigned length = 0;
        HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), message.data(), message.size(), out.data(), &length);
        out.resize(length);
        return out;
    }
    std::string label() const override { return "software"; }

private:
    std::array<std::uint8_t, 32> key_{};
};

}  // namespace sign::test
