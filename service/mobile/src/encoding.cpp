#include "encoding.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sign/base64.h"
#include "sign/error.h"

namespace sign::mobile {

std::vector<std::uint8_t> random_bytes(std::size_t count) {
    std::vector<std::uint8_t> bytes(count);
    if (RAND_bytes(bytes.data(), static_cast<int>(count)) != 1)
        throw Error(ErrorKind::internal, "random_failure", "the random generator failed");
    return bytes;
}

std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> digest(32);
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot compute SHA-256");
    return digest;
}

}  // namespace sign::mobile
