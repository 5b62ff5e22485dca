#pragma once
// One PNG encoder (libpng's simplified API, in memory) for every image the
// project makes: activation QR codes, page previews.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sign {

/// How the pixels handed to encode_png() are laid out.
enum class PngPixels {
    gray,  ///< one byte per pixel
    bgra,  ///< four bytes per pixel, blue first (cairo's and poppler's ARGB32 on little-endian)
};

/// The PNG of `pixels`: `height` rows of `width` pixels, each row `row_bytes` long (0: exactly
/// `width` pixels). Throws internal `png_encoding_failed`.
std::vector<std::uint8_t> encode_png(std::span<const std::uint8_t> pixels, int width, int height, PngPixels format,
                                     std::size_t row_bytes = 0);

}  // namespace sign
