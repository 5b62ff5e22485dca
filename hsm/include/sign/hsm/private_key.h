#pragma once
// A private key that lives on a token and signs there; OpenSSL sees it as an
// EVP_PKEY through libp11, so every other module signs with plain OpenSSL calls.

#include <memory>
#include <string>

#include "sign/hsm/key_spec.h"
#include "sign/hsm/uri.h"
#include "sign/signing_key.h"

namespace sign::hsm {

namespace detail {
class Connection;
}

/// A handle to one private key on a token. Cheap to copy; safe to use from many threads.
class PrivateKey final : public sign::SigningKey {
public:
    PrivateKey(std::shared_ptr<detail::Connection> connection, Uri uri, EvpPkeyPtr public_key);

    /// Runs `operation` with an EVP_PKEY backed by the token. When it fails because the session
    /// was lost, the user was logged out or the device was removed, reconnects and runs it once
    /// more; any other failure becomes a typed TokenError.
    void use(const std::function<bool(EVP_PKEY*)>& operation) const override;
    EvpPkeyPtr public_key() const override;
    std::string uri() const override { return uri_text_; }

    /// An EVP_PKEY for a holder that keeps it for the life of the process, such as a TLS context.
    /// The EVP_PKEYs that use() lends are only valid inside use(): a token reset frees them. This
    /// one carries the public key and a copy of this handle, and runs each private operation
    /// through use(), so after a reset the next operation reconnects like any signature. RSA and
    /// EC keys only; the private key never leaves the token.
    EvpPkeyPtr long_lived_evp_pkey() const;

    /// The parsed URI (token, label, id, type=private).
    const Uri& parsed_uri() const { return uri_; }
    /// "rsa-2048", "ec-p256", ...
    std::string key_type() const;

private:
    std::shared_ptr<detail::Connection> connection_;
    Uri uri_;
    std::string uri_text_;  // uri_.to_string(), computed once: it keys the loaded-key lookup on every signature
    std::shared_ptr<EVP_PKEY> public_key_;
};

}  // namespace sign::hsm
