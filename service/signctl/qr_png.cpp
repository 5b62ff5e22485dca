#include "qr_png.h"

#include <png.h>
#include <qrencode.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "sign/atomic_file.h"
#include "sign/error.h"

namespace sign::signctl {

void write_qr_png(const std::string& payload, const std::string& path) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString(payload.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
    if (!qr) throw Error(ErrorKind::internal, "qr_encoding_failed", "the activation code could not be encoded as a QR code");

    int modules = qr->width + 2 * qr_quiet_zone_modules;
    int side = modules * qr_pixels_per_module;
    // 8-bit grey, white (255) everywhere but the dark modules.
    std::vector<unsigned char> pixels(static_cast<size_t>(side) * static_cast<size_t>(side), 255);
    for (int y = 0; y < qr->width; ++y)
        for (int x = 0; x < qr->width; ++x) {
            if ((qr->data[y * qr->width + x] & 1) == 0) continue;  // bit 0: dark module
            int top = (y + qr_quiet_zone_modules) * qr_pixels_per_module;
            int left = (x + qr_quiet_zone_modules) * qr_pixels_per_module;
            for (int row = top; row < top + qr_pixels_per_module; ++row)
                for (int column = left; column < left + qr_pixels_per_module; ++column)
                    pixels[static_cast<size_t>(row) * static_cast<size_t>(side) + static_cast<size_t>(column)] = 0;
        }

    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(side);
    image.height = static_cast<png_uint_32>(side);
    image.format = PNG_FORMAT_GRAY;
    png_alloc_size_t size = 0;
    // First call measures, second writes.
    if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr))
        throw Error(ErrorKind::internal, "qr_encoding_failed", std::string("the QR code PNG could not be made: ") + image.message);
    std::string png(size, '\0');
    if (!png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), 0, nullptr))
        throw Error(ErrorKind::internal, "qr_encoding_failed", std::string("the QR code PNG could not be made: ") + image.message);
    png.resize(size);
    write_file_atomically(path, png);
}

}  // namespace sign::signctl
