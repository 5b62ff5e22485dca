#include "sign/png.h"

#include <png.h>

#include <string>

#include "sign/error.h"

namespace sign {

std::vector<std::uint8_t> encode_png(std::span<const std::uint8_t> pixels, int width, int height, PngPixels format,
                                     std::size_t row_bytes) {
    const std::size_t pixel_bytes = format == PngPixels::gray ? 1 : 4;
    if (width <= 0 || height <= 0)
        throw Error(ErrorKind::internal, "png_encoding_failed", "an image has no pixels");
    if (row_bytes == 0) row_bytes = static_cast<std::size_t>(width) * pixel_bytes;
    if (row_bytes < static_cast<std::size_t>(width) * pixel_bytes ||
        pixels.size() < row_bytes * static_cast<std::size_t>(height))
        throw Error(ErrorKind::internal, "png_encoding_failed", "an image's pixels do not fill its size");

    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(width);
    image.height = static_cast<png_uint_32>(height);
    image.format = format == PngPixels::gray ? PNG_FORMAT_GRAY : PNG_FORMAT_BGRA;
    // The simplified API counts the stride in components, which are bytes at 8 bits each.
    auto stride = static_cast<png_int_32>(row_bytes);
    png_alloc_size_t size = 0;
    // First call measures, second writes.
    if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), stride, nullptr))
        throw Error(ErrorKind::internal, "png_encoding_failed", std::string("a PNG could not be made: ") + image.message);
    std::vector<std::uint8_t> png(size);
    if (!png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), stride, nullptr))
        throw Error(ErrorKind::internal, "png_encoding_failed", std::string("a PNG could not be made: ") + image.message);
    png.resize(size);
    return png;
}

}  // namespace sign
