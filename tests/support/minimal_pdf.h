#pragma once
// Small input PDFs written byte by byte, with no PDF library involved, so that
// what reads them (qpdf, our PAdES code, signd) is tested on input it did not make.

#include <cstddef>
#include <string>

namespace sign::test {

/// What the minimal input PDF holds besides one page of text (A4, 595 x 842 pt).
struct MinimalPdf {
    int pages = 1;
    bool text_fields = false;          ///< "so_van_ban" and "ngay_ban_hanh", empty text fields on page 1
    bool signature_field = false;      ///< "chu_ky_lanh_dao", an empty signature field at kLeaderFieldRect
    bool indirect_annots = false;      ///< page 1's /Annots as an indirect array
    int rotate = 0;                    ///< /Rotate of every page
    bool direct_acroform = false;      ///< /AcroForm written inside the catalog, not as its own object
    std::size_t scan_bytes = 0;        ///< page 1 drawn over a grey image of at least this many bytes, as a scan
    bool need_appearances = false;     ///< /NeedAppearances true in the AcroForm, as pypdf writes it
    double origin_x = 0, origin_y = 0; ///< the MediaBox's lower-left corner; it stays 595 x 842
    /// The /DA of "o_nho", a text field 7.75 pt high as LibreOffice makes them; empty for none.
    std::string small_field_da{};
};

/// The rectangle of "o_nho" (lower-left x, y, upper-right x, y), before any origin shift.
constexpr double kSmallField[4] = {72, 600, 152, 607.75};

/// The empty signature field's rectangle in the minimal PDF.
constexpr double kLeaderField[4] = {330, 150, 500, 221};

/// A classic-xref PDF written byte by byte (no qpdf involved).
std::string minimal_pdf(const MinimalPdf& options = {});

/// A small, well-formed PDF whose one page costs a renderer 2^`levels` drawing operations: its
/// content draws a form that draws the next form twice, `levels` forms deep. Parsing it is cheap.
std::string form_bomb_pdf(int levels);

}  // namespace sign::test
