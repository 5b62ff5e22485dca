#include "app/access_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sign/base64.h"
#include "sign/error.h"

namespace sign::signd {

namespace {

constexpr std::uint8_t format_version = 1;
constexpr std::size_t mac_length = 32;
constexpr std::size_t expiry_length = 8;
constexpr std::size_t header_length = 1 + expiry_length;

struct Parsed {
    std::vector<std::uint8_t> payload;  // version, expiry, id
    std::vector<std::uint8_t> mac;
    std::string client_id;
    std::int64_t expiry_seconds = 0;
};

std::optional<Parsed> parse(const std::string& token) {
    auto bytes = decode_base64url(token);
    if (!bytes || bytes->size() <= header_length + mac_length || (*bytes)[0] != format_version) return std::nullopt;
    Parsed parsed;
    parsed.payload.assign(bytes->begin(), bytes->end() - mac_length);
    parsed.mac.assign(bytes->end() - mac_length, bytes->end());
    std::uint64_t expiry = 0;
    for (std::size_t i = 1; i < header_length; ++i) expiry = (expiry << 8) | (*bytes)[i];
    parsed.expiry_seconds = static_cast<std::int64_t>(expiry);
    parsed.client_id.assign(parsed.payload.begin() + header_length, parsed.payload.end());
    return parsed;
}

std::vector<std::uint8_t> mac_of(const std::vector<unsigned char>& secret, const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> mac(EVP_MAX_MD_SIZE);
    unsigned length = 0;
    if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), payload.data(), payload.size(), mac.data(),
              &length))
        throw Error(ErrorKind::internal, "openssl_failure", "cannot compute the access token's HMAC");
    mac.resize(length);
    return mac;
}

[[noreturn]] void invalid() {
    throw Error(ErrorKind::authentication, "invalid_credential", "the access token is not one this service issued");
}

}  // namespace

std::string AccessTokens::issue(const std::string& client_id, std::chrono::system_clock::time_point now) const {
    if (secret_.size() < 32) throw Error(ErrorKind::internal, "token_secret_missing", "the token secret is not loaded");
    auto expires = std::chrono::duration_cast<std::chrono::seconds>((now + lifetime).time_since_epoch()).count();
    std::vector<std::uint8_t> payload{format_version};
    for (int shift = 56; shift >= 0; shift -= 8) payload.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(expires) >> shift));
    payload.insert(payload.end(), client_id.begin(), client_id.end());
    auto mac = mac_of(secret_, payload);
    payload.insert(payload.end(), mac.begin(), mac.end());
    return encode_base64url(payload);
}

std::optional<std::string> AccessTokens::claimed_client(const std::string& token) {
    auto parsed = parse(token);
    if (!parsed) return std::nullopt;
    return parsed->client_id;
}

AccessTokenClaims AccessTokens::verify(const std::string& token, std::chrono::system_clock::time_point now) const {
    if (secret_.size() < 32) throw Error(ErrorKind::internal, "token_secret_missing", "the token secret is not loaded");
    auto parsed = parse(token);
    if (!parsed) invalid();
    auto expected = mac_of(secret_, parsed->payload);
    if (expected.size() != parsed->mac.size() || CRYPTO_memcmp(expected.data(), parsed->mac.data(), expected.size()) != 0)
        invalid();
    AccessTokenClaims claims{parsed->client_id,
                             std::chrono::system_clock::time_point(std::chrono::seconds(parsed->expiry_seconds))};
    if (now >= claims.expires_at)
        throw Error(ErrorKind::authentication, "token_expired", "the access token has expired; log in again");
    return claims;
}

}  // namespace sign::signd
