#pragma once
// Bytes as lower-case hexadecimal text: serials, fingerprints, token ids, saved states.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sign {

/// Two lower-case hex digits per byte.
std::string to_hex(std::span<const std::uint8_t> bytes);

/// The bytes of hexadecimal text (either case, two digits a byte); nullopt for anything else.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace sign
