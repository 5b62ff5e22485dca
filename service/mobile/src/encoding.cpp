#include "encoding.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sign/error.h"

namespace sign::mobile {

std::string to_base64(std::span<const std::uint8_t> bytes) {
    std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(), static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(length));
    return text;
}

std::string to_base64url(std::span<const std::uint8_t> bytes) {
    std::string text = to_base64(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (auto& c : text) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return text;
}

std::optional<std::vector<std::uint8_t>> from_base64url(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string standard;
    standard.reserve(text.size() + 3);
    for (char c : text) {
        if (c == '-') standard += '+';
        else if (c == '_') standard += '/';
        else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) standard += c;
        else return std::nullopt;
    }
    std::size_t padding = (4 - standard.size() % 4) % 4;
    standard.append(padding, '=');
    std::vector<std::uint8_t> bytes(standard.size() / 4 * 3);
    int length = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(standard.data()),
                                 static_cast<int>(standard.size()));
    if (length < 0) return std::nullopt;
    bytes.resize(static_cast<std::size_t>(length) - padding);
    // One spelling per byte string: the unused low bits of the last character must be zero.
    if (to_base64url(bytes) != text) return std::nullopt;
    return bytes;
}

std::vector<std::uint8_t> random_bytes(std::size_t count) {
    std::vector<std::uint8_t> bytes(count);
    if (RAND_bytes(bytes.data(), static_cast<int>(count)) != 1)
        throw Error(ErrorKind::internal, "random_failure", "the random generator failed");
    return bytes;
}

std::string random_id() { return to_base64url(random_bytes(16)); }

std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> digest(32);
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot compute SHA-256");
    return digest;
}

}  // namespace sign::mobile
