#include "font.h"

#include <hb-subset.h>
#include <hb.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "image.h"
#include "sign/error.h"

namespace sign::pdf {

namespace {

constexpr const char* kFontPath = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf";
constexpr const char* kFontName = "LiberationSerif";

}  // namespace

struct TextFont::Faces {
    hb_blob_t* blob = nullptr;
    hb_face_t* face = nullptr;
    hb_font_t* font = nullptr;
    unsigned upem = 1000;
};

TextFont::TextFont() : faces_(new Faces) {
    if (!std::filesystem::exists(kFontPath)) {
        delete faces_;
        throw Error(ErrorKind::internal, "font_missing",
                    std::string("the appearance font ") + kFontPath + " is not installed (Debian: fonts-liberation2)");
    }
    faces_->blob = hb_blob_create_from_file(kFontPath);
    faces_->face = hb_face_create(faces_->blob, 0);
    faces_->font = hb_font_create(faces_->face);
    faces_->upem = hb_face_get_upem(faces_->face);
    hb_font_set_scale(faces_->font, static_cast<int>(faces_->upem), static_cast<int>(faces_->upem));
}

TextFont::~TextFont() {
    hb_font_destroy(faces_->font);
    hb_face_destroy(faces_->face);
    hb_blob_destroy(faces_->blob);
    delete faces_;
}

std::string TextFont::show(std::string_view text) {
    static const char* digits = "0123456789abcdef";
    std::string out = "<";
    for (char32_t cp : decode_utf8(text)) {
        hb_codepoint_t glyph = 0;
        if (!hb_font_get_nominal_glyph(faces_->font, cp, &glyph) || glyph > 0xffff) {
            char code[16];
            std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
            throw Error(ErrorKind::invalid_input, "unsupported_character",
                        std::string("the appearance font has no glyph for ") + code);
        }
        used_.emplace(static_cast<std::uint16_t>(glyph), cp);
        for (int shift : {12, 8, 4, 0}) out.push_back(digits[(glyph >> shift) & 0xf]);
    }
    return out + ">";
}

double TextFont::width(std::string_view text, double size) const {
    double units = 0;
    for (char32_t cp : decode_utf8(text)) {
        hb_codepoint_t glyph = 0;
        hb_font_get_nominal_glyph(faces_->font, cp, &glyph);
        units += hb_font_get_glyph_h_advance(faces_->font, glyph);
    }
    return units * size / faces_->upem;
}

double TextFont::ascent() const {
    hb_font_extents_t extents{};
    hb_font_get_h_extents(faces_->font, &extents);
    return static_cast<double>(extents.ascender) / faces_->upem;
}

double TextFont::descent() const {
    hb_font_extents_t extents{};
    hb_font_get_h_extents(faces_->font, &extents);
    return static_cast<double>(extents.descender) / faces_->upem;
}

std::pair<double, double> TextFont::ink_extent(std::string_view text) const {
    double top = 0, bottom = 0;
    for (char32_t cp : decode_utf8(text)) {
        hb_codepoint_t glyph = 0;
        hb_glyph_extents_t extents{};
        if (!hb_font_get_nominal_glyph(faces_->font, cp, &glyph) || !hb_font_get_glyph_extents(faces_->font, glyph, &extents))
            continue;
        top = std::max(top, static_cast<double>(extents.y_bearing));
        bottom = std::min(bottom, static_cast<double>(extents.y_bearing + extents.height));
    }
    return {top / faces_->upem, bottom / faces_->upem};
}

int TextFont::embed(IncrementalUpdate& update) const {
    // Glyph numbers are kept (RETAIN_GIDS), so CIDs are the original glyph ids (CIDToGIDMap /Identity).
    hb_subset_input_t* input = hb_subset_input_create_or_fail();
    if (!input) throw Error(ErrorKind::internal, "font_subset_failed", "harfbuzz could not start a font subset");
    hb_set_t* glyphs = hb_subset_input_glyph_set(input);
    hb_set_add(glyphs, 0);
    for (const auto& [glyph, cp] : used_) hb_set_add(glyphs, glyph);
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_RETAIN_GIDS);
    hb_face_t* subset = hb_subset_or_fail(faces_->face, input);
    hb_subset_input_destroy(input);
    if (!subset) throw Error(ErrorKind::internal, "font_subset_failed", "harfbuzz could not subset the appearance font");
    hb_blob_t* blob = hb_face_reference_blob(subset);
    unsigned length = 0;
    const char* data = hb_blob_get_data(blob, &length);
    std::string program(data, length);
    hb_blob_destroy(blob);
    hb_face_destroy(subset);

    // A subset tag derived from the glyphs, so the same text gives the same bytes.
    std::uint32_t hash = 2166136261u;
    for (const auto& [glyph, cp] : used_) hash = (hash ^ glyph) * 16777619u;
    std::string tag;
    for (int i = 0; i < 6; ++i, hash /= 26) tag.push_back(static_cast<char>('A' + hash % 26));
    std::string base_font = "/" + tag + "+" + kFontName;

    auto thousandths = [&](double units) { return number(units * 1000.0 / faces_->upem); };
    int file = update.allocate(), descriptor = update.allocate(), cid_font = update.allocate(),
        to_unicode = update.allocate(), type0 = update.allocate();
    update.put_stream(file, "/Length1 " + std::to_string(program.size()) + " /Filter /FlateDecode", deflate(program));
    hb_font_extents_t extents{};
    hb_font_get_h_extents(faces_->font, &extents);
    update.put(QPDFObjGen(descriptor, 0),
               "<< /Type /FontDescriptor /FontName " + base_font + " /Flags 6 /FontBBox [-570 -216 2000 891]" +
                   " /ItalicAngle 0 /Ascent " + thousandths(extents.ascender) + " /Descent " +
                   thousandths(extents.descender) + " /CapHeight 662 /StemV 80 /FontFile2 " + std::to_string(file) +
                   " 0 R >>");
    std::string widths;
    for (const auto& [glyph, cp] : used_)
        widths += std::to_string(glyph) + " [" + thousandths(hb_font_get_glyph_h_advance(faces_->font, glyph)) + "] ";
    update.put(QPDFObjGen(cid_font, 0),
               "<< /Type /Font /Subtype /CIDFontType2 /BaseFont " + base_font +
                   " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor " +
                   std::to_string(descriptor) + " 0 R /DW 1000 /W [" + widths + "] /CIDToGIDMap /Identity >>");

    static const char* digits = "0123456789ABCDEF";
    auto hex4 = [&](unsigned v) {
        std::string s;
        for (int shift : {12, 8, 4, 0}) s.push_back(digits[(v >> shift) & 0xf]);
        return s;
    };
    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    std::vector<std::pair<std::uint16_t, char32_t>> entries(used_.begin(), used_.end());
    for (std::size_t i = 0; i < entries.size(); i += 100) {
        std::size_t n = std::min<std::size_t>(100, entries.size() - i);
        cmap += std::to_string(n) + " beginbfchar\n";
        for (std::size_t k = i; k < i + n; ++k) {
            char32_t cp = entries[k].second;
            std::string utf16 = cp >= 0x10000 ? hex4(0xd800 + ((cp - 0x10000) >> 10)) + hex4(0xdc00 + ((cp - 0x10000) & 0x3ff))
                                              : hex4(static_cast<unsigned>(cp));
            cmap += "<" + hex4(entries[k].first) + "> <" + utf16 + ">\n";
        }
        cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend";
    update.put_stream(to_unicode, "", cmap);
    update.put(QPDFObjGen(type0, 0), "<< /Type /Font /Subtype /Type0 /BaseFont " + base_font +
                                         " /Encoding /Identity-H /DescendantFonts [" + std::to_string(cid_font) +
                                         " 0 R] /ToUnicode " + std::to_string(to_unicode) + " 0 R >>");
    return type0;
}

}  // namespace sign::pdf
