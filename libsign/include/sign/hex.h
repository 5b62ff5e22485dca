#pragma once
// Bytes as lower-case hexadecimal text: serials, fingerprints, token ids, saved states.

#include <cstdint>
#include <span>
#include <string>

namespace sign {

/// Two lower-case hex digits per byte.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace sign
