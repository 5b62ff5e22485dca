#pragma once
// The physical size of a signer's signature image, so a leader's signature
// appears on paper at the size it was scanned: from the PNG's pHYs density,
// or 60 mm wide (height by aspect ratio) when the file has none.

#include <filesystem>

namespace sign::mobile {

struct ImageSize {
    double width_mm = 0;
    double height_mm = 0;
};

/// Reads the PNG header and density chunk. Throws invalid_input `image_unreadable` for anything
/// that is not a PNG with a sane size, not_found `signature_image_missing` when the file is absent.
ImageSize signature_image_size(const std::filesystem::path& png);

}  // namespace sign::mobile
