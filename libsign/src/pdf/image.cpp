#include "image.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

#include <png.h>
#include <zlib.h>

#include "sign/error.h"

namespace sign::pdf {

Image load_png(const std::filesystem::path& path) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) throw Error(ErrorKind::not_found, "file_not_found", "cannot open the image " + path.string() + ": " + ec.message());
    if (size > kMaxImageFileBytes)
        throw Error(ErrorKind::invalid_input, "image_too_large",
                    "the image " + path.string() + " is " + std::to_string(size) + " bytes; at most " +
                        std::to_string(kMaxImageFileBytes) + " are accepted");
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    auto unreadable = [&](const std::string& why) {
        png_image_free(&image);
        return Error(ErrorKind::invalid_input, "image_unreadable", "the image " + path.string() + " is not a usable PNG: " + why);
    };
    if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) throw unreadable(image.message);
    std::uint64_t pixels = std::uint64_t{image.width} * image.height;
    if (image.width == 0 || image.height == 0) throw unreadable("it has no pixels");
    if (pixels > kMaxImagePixels) {
        png_image_free(&image);
        throw Error(ErrorKind::invalid_input, "image_too_large",
                    "the image " + path.string() + " is " + std::to_string(image.width) + "x" +
                        std::to_string(image.height) + " pixels; at most " + std::to_string(kMaxImagePixels) +
                        " pixels are accepted");
    }
    bool has_alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    image.format = PNG_FORMAT_RGBA;
    std::vector<unsigned char> rgba(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, rgba.data(), 0, nullptr)) throw unreadable(image.message);

    Image result;
    result.width = static_cast<int>(image.width);
    result.height = static_cast<int>(image.height);
    result.rgb.reserve(pixels * 3);
    if (has_alpha) result.alpha.reserve(pixels);
    for (std::uint64_t i = 0; i < pixels; ++i) {
        result.rgb.append(reinterpret_cast<const char*>(&rgba[i * 4]), 3);
        if (has_alpha) result.alpha.push_back(static_cast<char>(rgba[i * 4 + 3]));
    }
    png_image_free(&image);
    return result;
}

std::string deflate(const std::string& data) {
    uLongf length = compressBound(data.size());
    std::string out(length, '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &length, reinterpret_cast<const Bytef*>(data.data()),
                  data.size(), Z_DEFAULT_COMPRESSION) != Z_OK)
        throw Error(ErrorKind::internal, "compression_failed", "zlib could not compress a PDF stream");
    out.resize(length);
    return out;
}

}  // namespace sign::pdf
