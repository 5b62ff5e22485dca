#include "secret_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "sign/base64.h"
#include "sign/error.h"

namespace sign::store {

std::string new_secret_token() { return random_base64url(32); }

std::string random_base64url(size_t bytes) {
    unsigned char random[64];
    if (bytes == 0 || bytes > sizeof random)
        throw Error(ErrorKind::internal, "invalid_token_size", "a random token has 1 to 64 bytes");
    if (RAND_bytes(random, static_cast<int>(bytes)) != 1)
        throw Error(ErrorKind::internal, "random_failed", "the system random generator failed");
    std::string token = encode_base64url({random, bytes});
    OPENSSL_cleanse(random, sizeof random);
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

}  // namespace sign::store
