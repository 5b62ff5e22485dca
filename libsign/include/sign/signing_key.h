#pragma once
// The library never holds private key material: it signs through this
// interface, which the PKCS#11 layer (sign::hsm::PrivateKey) implements.

#include <functional>
#include <string>

#include <openssl/evp.h>

#include "sign/openssl_ptr.h"

namespace sign {

/// A private key that signs somewhere else (on a token) and lends an OpenSSL handle for one operation.
class SigningKey {
public:
    virtual ~SigningKey() = default;

    /// Runs `operation` with an EVP_PKEY that signs on the token. `operation` returns false when
    /// an OpenSSL call failed; the key may then reconnect to its token and run it once more before
    /// throwing a sign::Error that explains the failure. The handle is valid only during the call.
    virtual void use(const std::function<bool(EVP_PKEY*)>& operation) const = 0;

    /// A copy of the public half, for policy checks and for matching certificates to keys.
    virtual EvpPkeyPtr public_key() const = 0;

    /// Where the key lives, as a PKCS#11 URI (RFC 7512); recorded beside issued certificates.
    virtual std::string uri() const = 0;
};

}  // namespace sign
