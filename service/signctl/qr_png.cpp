#include "qr_png.h"

#include <qrencode.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "sign/atomic_file.h"
#include "sign/error.h"
#include "sign/png.h"

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

    auto png = encode_png(pixels, side, side, PngPixels::gray);
    write_file_atomically(path, std::string(png.begin(), png.end()));
}

}  // namespace sign::signctl
