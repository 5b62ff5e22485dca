// Apart from the renderings, so that naming a file pulls in no XML or PDF library.
#include "sign/validate/checked_file.h"

#include <openssl/evp.h>

#include "sign/error.h"
#include "sign/hex.h"

namespace sign::validate {

CheckedFile CheckedFile::of(std::string name, std::span<const std::uint8_t> bytes) {
    std::uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "hashing failed");
    return {std::move(name), to_hex(std::span<const std::uint8_t>(digest, length))};
}

}  // namespace sign::validate
