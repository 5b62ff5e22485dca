#include "sign/mobile/signature_image.h"

#include <cstdint>
#include <fstream>
#include <string>

#include "sign/error.h"

namespace sign::mobile {

namespace {

constexpr double default_width_mm = 60;

std::uint32_t big_endian(const unsigned char* bytes) {
    return (std::uint32_t(bytes[0]) << 24) | (std::uint32_t(bytes[1]) << 16) | (std::uint32_t(bytes[2]) << 8) | bytes[3];
}

[[noreturn]] void unreadable(const std::filesystem::path& png) {
    throw Error(ErrorKind::invalid_input, "image_unreadable", "the signature image " + png.string() + " is not a readable PNG");
}

}  // namespace

ImageSize signature_image_size(const std::filesystem::path& png) {
    std::ifstream in(png, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::not_found, "signature_image_missing",
                    "the signer has no signature image (" + png.string() + "): add one with `signctl signer add --image`");
    unsigned char signature[8];
    static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    if (!in.read(reinterpret_cast<char*>(signature), 8) || !std::equal(signature, signature + 8, png_signature)) unreadable(png);

    std::uint32_t width = 0, height = 0, x_density = 0, y_density = 0;
    bool metres = false;
    // Chunks up to the first IDAT: IHDR comes first, pHYs must come before the image data.
    for (int chunk = 0; chunk < 64; ++chunk) {
        unsigned char head[8];
        if (!in.read(reinterpret_cast<char*>(head), 8)) break;
        std::uint32_t length = big_endian(head);
        std::string type(reinterpret_cast<char*>(head + 4), 4);
        if (type == "IDAT" || type == "IEND") break;
        if (length > (1u << 20)) unreadable(png);
        std::string data(length, '\0');
        if (!in.read(data.data(), length)) unreadable(png);
        in.ignore(4);  // CRC
        const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
        if (type == "IHDR" && length >= 8) {
            width = big_endian(bytes);
            height = big_endian(bytes + 4);
        } else if (type == "pHYs" && length == 9) {
            x_density = big_endian(bytes);
            y_density = big_endian(bytes + 4);
            metres = bytes[8] == 1;
        }
    }
    if (width == 0 || height == 0 || width > 100000 || height > 100000) unreadable(png);
    if (metres && x_density > 0 && y_density > 0)
        return {1000.0 * width / x_density, 1000.0 * height / y_density};
    return {default_width_mm, default_width_mm * height / width};
}

}  // namespace sign::mobile
