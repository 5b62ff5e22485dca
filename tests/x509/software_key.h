#pragma once
// A test-only SigningKey over an in-memory OpenSSL key, standing in for the
// PKCS#11 key so the X.509 code can be tested without a token.

#include <string>
#include <string_view>

#include "sign/signing_key.h"

namespace sign::test {

class SoftwareKey : public SigningKey {
public:
    /// Generates a key: "rsa-1024", "rsa-2048", "rsa-3072", "ec-p192", "ec-p256", "ec-p384", ...
    static SoftwareKey generate(std::string_view algorithm);

    explicit SoftwareKey(EvpPkeyPtr key, std::string name = "memory");
    SoftwareKey(SoftwareKey&&) noexcept = default;

    void use(const std::function<bool(EVP_PKEY*)>& operation) const override;
    EvpPkeyPtr public_key() const override;
    std::string uri() const override;

    /// The private key itself, for tests that build objects (e.g. CSRs) by hand.
    EVP_PKEY* native() const { return key_.get(); }

private:
    EvpPkeyPtr key_;
    std::string name_;
};

}  // namespace sign::test
