// Apart from the renderings, so that naming a file pulls in no XML or PDF library.
#include "sign/validate/checked_file.h"

#include <openssl/evp.h>

#include "sign/error.h"
#include "sign/hex.h"
#include "sign/utf8.h"

namespace sign::validate {

namespace {

// A file name is the sender's bytes (a multipart filename, a path on a Linux disk): it reaches
// the renderings as readable UTF-8 without control characters, and short enough for one line.
constexpr size_t max_name_bytes = 200;

std::string shown_name(std::string_view name) {
    std::string shown;
    for_each_escaped_unit(name, {.escape_controls = true}, [&](std::string_view unit) {
        if (shown.size() + unit.size() > max_name_bytes) {
            shown += "…";
            return false;
        }
        shown += unit;
        return true;
    });
    return shown;
}

}  // namespace

CheckedFile CheckedFile::of(std::string_view name, std::span<const std::uint8_t> bytes) {
    std::uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "hashing failed");
    return {shown_name(name), to_hex(std::span<const std::uint8_t>(digest, length))};
}

}  // namespace sign::validate
