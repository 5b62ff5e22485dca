#pragma once
// What the PAdES tests share: hand-written input PDFs, the checkers (qpdf --check, pdfsig
// with the test root in an NSS database, pdftoppm, pdftotext), and the test PKI's signers.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "command.h"
#include "minimal_pdf.h"
#include "sign/pades.h"
#include "sign/timestamp_source.h"

namespace sign::test {

void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);

/// Runs qpdf with `args` on `input` into `output` (e.g. {"--object-streams=generate"}).
void qpdf_convert(const std::filesystem::path& input, const std::filesystem::path& output,
                  const std::vector<std::string>& args);
/// `qpdf --check`: exit code 0 and no warnings.
CommandResult qpdf_check(const std::filesystem::path& pdf);

struct PdfsigSignature {
    std::string block;  ///< pdfsig's lines for this signature
    bool valid = false;
    bool trusted = false;
    bool total_document = false;
};
/// pdfsig with the test root trusted (an NSS database made once per program).
std::vector<PdfsigSignature> pdfsig(const std::filesystem::path& pdf, std::string* output = nullptr);

/// Requires exactly `count` signatures in `pdf`, each "Signature is Valid." and "Certificate is
/// Trusted." for pdfsig, and a clean `qpdf --check`; returns them for further checks.
std::vector<PdfsigSignature> require_valid_signatures(const std::filesystem::path& pdf, std::size_t count);

/// The last "startxref" offset of a file, and whether the section there is an xref stream.
std::uint64_t startxref(const std::string& bytes);

/// An RGBA raster (from pdftoppm) read with libpng.
struct Raster {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;
    struct Pixel { int r, g, b, a; bool blue() const { return b > 120 && b > r + 40 && b > g + 20; } bool red() const { return r > 120 && r > g + 50 && r > b + 50; } };
    Pixel at(int x, int y) const {
        const auto* p = &rgba[(static_cast<std::size_t>(y) * width + x) * 4];
        return {p[0], p[1], p[2], p[3]};
    }
};
/// Page `page` rendered at `dpi` (72: one pixel per point; y from the top).
Raster render_page(const std::filesystem::path& pdf, int page, const std::filesystem::path& work, int dpi = 72);

/// The in-process TSA of the test PKI behind a verifying TimestampClient (one per program).
TimestampSource& test_tsa();

/// images/images.json of the test PKI: the leader image's size and the seal's diameter, in mm.
struct ImageSizes {
    double signature_width_mm = 0, signature_height_mm = 0, seal_diameter_mm = 0;
};
ImageSizes image_sizes();

/// A rectangle in points as pixel bounds of a 72 dpi rendering of an A4 page (y from the top).
struct PixelBox {
    int left, top, right, bottom;
};
PixelBox to_pixels(const PdfRect& r, int page_height_px);
/// The bounds of the pixels that satisfy `predicate` (empty: count 0).
struct InkBox {
    int left = 0, top = 0, right = -1, bottom = -1, count = 0;
    double centre_x() const { return (left + right) / 2.0; }
    double centre_y() const { return (top + bottom) / 2.0; }
    int width() const { return right - left + 1; }
    int height() const { return bottom - top + 1; }
};
template <typename Predicate>
InkBox ink_box(const Raster& raster, Predicate predicate) {
    InkBox box{raster.width, raster.height, -1, -1, 0};
    for (int y = 0; y < raster.height; ++y)
        for (int x = 0; x < raster.width; ++x)
            if (predicate(raster.at(x, y))) {
                box.left = std::min(box.left, x), box.right = std::max(box.right, x);
                box.top = std::min(box.top, y), box.bottom = std::max(box.bottom, y);
                ++box.count;
            }
    return box;
}

/// A 120 x 50 PNG that shows which way is up: its left half blue, the upper right quarter red,
/// the lower right quarter transparent.
void write_marker_png(const std::filesystem::path& path);

/// Counts pixels in the box (clipped to the raster) that satisfy `predicate`.
template <typename Predicate>
int count_pixels(const Raster& raster, PixelBox box, Predicate predicate) {
    int n = 0;
    for (int y = std::max(0, box.top); y < std::min(raster.height, box.bottom); ++y)
        for (int x = std::max(0, box.left); x < std::min(raster.width, box.right); ++x)
            if (predicate(raster.at(x, y))) ++n;
    return n;
}

}  // namespace sign::test
