#pragma once
// The file a validation report speaks about, as the renderings name it (the ETSI XML report's
// SignersDocument, the printable report's "SHA-256 of the file checked").

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sign::validate {

struct CheckedFile {
    std::string name;        ///< as the user knows it (a file name), valid UTF-8, one line; may be empty
    std::string sha256_hex;  ///< lowercase hex SHA-256 of the whole file; empty when unknown

    /// `name` (invalid UTF-8 and control characters as \xHH, cut after 200 bytes) and the
    /// SHA-256 of `bytes`.
    static CheckedFile of(std::string_view name, std::span<const std::uint8_t> bytes);
};

}  // namespace sign::validate
