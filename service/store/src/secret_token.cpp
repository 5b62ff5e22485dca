#include "secret_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "sign/error.h"

namespace sign::store {

std::string new_secret_token() {
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1)
        throw Error(ErrorKind::internal, "random_failed", "the system random generator failed");
    unsigned char encoded[48];
    int length = EVP_EncodeBlock(encoded, random, sizeof random);
    OPENSSL_cleanse(random, sizeof random);
    std::string token(reinterpret_cast<const char*>(encoded), static_cast<size_t>(length));
    OPENSSL_cleanse(encoded, sizeof encoded);
    // base64 to base64url (RFC 4648 section 5), padding dropped.
    for (char& c : token) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    while (!token.empty() && token.back() == '=') token.pop_back();
    return token;
}

std::vector<uint8_t> sha256_of(const std::string& text) {
    std::vector<uint8_t> digest(SHA256_DIGEST_LENGTH);
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return digest;
}

bool equal_in_constant_time(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

int64_t to_microseconds(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_microseconds(int64_t microseconds) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(microseconds)));
}

}  // namespace sign::store
