#pragma once
// Signature and seal images: PNG decoded with libpng into what a PDF image XObject holds.

#include <cstdint>
#include <filesystem>
#include <string>

namespace sign::pdf {

/// Limits checked before any pixel is decoded.
constexpr std::uintmax_t kMaxImageFileBytes = 8u << 20;
constexpr std::uint64_t kMaxImagePixels = 40'000'000;

struct Image {
    int width = 0;
    int height = 0;
    std::string rgb;    ///< 8-bit RGB samples, row by row
    std::string alpha;  ///< 8-bit alpha, or empty when the image is opaque
};

/// Decodes a PNG; throws invalid_input `image_too_large`, `image_unreadable`, not_found `file_not_found`.
Image load_png(const std::filesystem::path& path);

/// zlib (FlateDecode) compression.
std::string deflate(const std::string& data);

}  // namespace sign::pdf
