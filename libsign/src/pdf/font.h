#pragma once
// Text in appearances: Liberation Serif (fonts-liberation2), embedded as a subset (hb-subset)
// in a Type0 / CIDFontType2 font with Identity-H and a ToUnicode CMap, so Vietnamese shows
// and extracts (pdftotext) exactly.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "pdf_document.h"

namespace sign::pdf {

/// The glyphs a set of texts uses, to embed once.
class TextFont {
public:
    /// Loads the regular Liberation Serif; throws internal `font_missing` when it is not installed.
    TextFont();
    ~TextFont();
    TextFont(const TextFont&) = delete;
    TextFont& operator=(const TextFont&) = delete;

    /// The hex string operand for Tj ("<00a1...>") of UTF-8 `text`, recording its glyphs.
    /// Throws invalid_input `unsupported_character` for a character the font lacks.
    std::string show(std::string_view text);
    /// Width of UTF-8 `text` in points at `size`.
    double width(std::string_view text, double size) const;
    /// Ascender and descender (negative) per point of size.
    double ascent() const;
    double descent() const;
    /// How far the glyphs of UTF-8 `text` reach above (positive) and below (negative) the
    /// baseline, per point of size, marks on Vietnamese capitals included.
    std::pair<double, double> ink_extent(std::string_view text) const;

    /// Writes the subset font objects; returns the Type0 font's object number.
    int embed(IncrementalUpdate& update) const;

private:
    struct Faces;
    Faces* faces_;
    std::map<std::uint16_t, char32_t> used_;  // glyph -> the character it shows
};

}  // namespace sign::pdf
