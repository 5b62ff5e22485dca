#pragma once
// A secret key generated on the token that computes HMAC-SHA256 there and
// nothing else: CKK_GENERIC_SECRET, CKA_SENSITIVE, never extractable, CKA_SIGN
// only. Whoever holds the database but not the token cannot recompute what it
// made (the PIN verifiers), so cannot test guesses offline.

#include <memory>
#include <string>

#include "sign/mac_key.h"

namespace sign::hsm {

namespace detail {
class Connection;
}

/// A handle to one secret key on a token, found by its label. Cheap to copy; safe to use from
/// many threads.
class SecretKey final : public sign::MacKey {
public:
    SecretKey(std::shared_ptr<detail::Connection> connection, std::string label);

    /// Runs C_Sign with CKM_SHA256_HMAC. After a lost session, a logged-out user or a removed
    /// device, reconnects and tries again (three attempts in all); then throws a typed TokenError,
    /// KeyNotFound when the key is gone from the token.
    std::vector<std::uint8_t> mac(std::span<const std::uint8_t> message) const override;
    std::string label() const override { return label_; }

private:
    std::shared_ptr<detail::Connection> connection_;
    std::string label_;
};

}  // namespace sign::hsm
