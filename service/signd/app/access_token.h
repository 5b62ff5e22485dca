#pragma once
// The bearer tokens CSC auth/login hands out. A token carries the client id
// and its expiry, sealed with HMAC-SHA256 under the service's token secret, so
// it needs no table and survives a restart; revoking the client still ends it
// at once, because every use looks the client up.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sign::signd {

/// What a token that checks out says.
struct AccessTokenClaims {
    std::string client_id;
    std::chrono::system_clock::time_point expires_at;
};

class AccessTokens {
public:
    /// How long a token lasts.
    static constexpr std::chrono::hours lifetime{1};

    /// `secret` is the 32-byte key from <data>/secrets/signd-token.key; borrowed, must outlive this.
    explicit AccessTokens(const std::vector<unsigned char>& secret) : secret_(secret) {}

    /// A token for `client_id`, good until `now + lifetime`: base64url of version, expiry, id and MAC.
    std::string issue(const std::string& client_id, std::chrono::system_clock::time_point now) const;

    /// The id a token claims, without checking anything, to name the actor of a refused attempt;
    /// nullopt when the text is not shaped like a token.
    static std::optional<std::string> claimed_client(const std::string& token);

    /// The claims of a genuine token (MAC compared in constant time). Throws authentication
    /// `invalid_credential` for a forged or malformed one and `token_expired` past its expiry.
    AccessTokenClaims verify(const std::string& token, std::chrono::system_clock::time_point now) const;

private:
    const std::vector<unsigned char>& secret_;
};

}  // namespace sign::signd
