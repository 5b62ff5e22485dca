// Filling text fields (document number, date) in an incremental update: /V plus an appearance
// stream in the embedded Liberation Serif subset, so the value shows and extracts as typed and
// every earlier signature's ByteRange stays untouched.

#include <qpdf/QPDFFormFieldObjectHelper.hh>

#include <algorithm>
#include <regex>

#include "font.h"
#include "pdf_document.h"
#include "sign/error.h"
#include "sign/pades.h"

namespace sign {

namespace {

// What a field's default appearance (/DA, e.g. "/Helv 0 Tf 0 0.5 1 rg") asks of its text: the font
// size, 0 meaning "fit the field", and the colour operator with its operands. The widget's own /DA
// wins over the field's, which qpdf looks up through the parents and the form.
struct TextLook {
    double size = 10;
    bool auto_size = false;
    std::string colour = "0 g";
};

TextLook text_look(QPDFObjectHandle field, QPDFObjectHandle widget) {
    auto own = widget.getKey("/DA");
    std::string da = own.isString() ? own.getUTF8Value() : QPDFFormFieldObjectHelper(field).getDefaultAppearance();
    TextLook look;
    static const std::regex size_pattern("(^|\\s)([0-9]*\\.?[0-9]+)\\s+Tf(\\s|$)");
    std::smatch match;
    if (std::regex_search(da, match, size_pattern)) {
        double size = std::stod(match[2]);
        if (size == 0) look.auto_size = true;
        else if (size > 0 && size < 1000) look.size = size;
    }
    // The last colour operator wins, as when the stream runs.
    static const std::regex colour_pattern(
        "(^|\\s)((?:[0-9]*\\.?[0-9]+\\s+){4}k|(?:[0-9]*\\.?[0-9]+\\s+){3}rg|[0-9]*\\.?[0-9]+\\s+g)(?=\\s|$)");
    for (auto it = std::sregex_iterator(da.begin(), da.end(), colour_pattern); it != std::sregex_iterator(); ++it)
        look.colour = (*it)[2];
    return look;
}

// The text stays inside the field's 1-point border and 2 points from its left and right edges.
constexpr double kBorder = 1;
constexpr double kSidePadding = 2;

}  // namespace

static void fill_form_fields_unguarded(const std::filesystem::path& input, const std::filesystem::path& output,
                                       const std::vector<std::pair<std::string, std::string>>& values) {
    using namespace pdf;
    std::error_code ec;
    if (std::filesystem::equivalent(input, output, ec))
        throw Error(ErrorKind::invalid_input, "output_is_input", "the output must not be the input PDF");
    if (values.empty()) throw Error(ErrorKind::invalid_input, "no_values", "no field values were given");
    Document document(input);
    refuse_if_certified_without_changes(document);
    IncrementalUpdate update(document);
    TextFont font;

    struct Pending {
        std::string name;
        FieldMatch match;
        std::string text;
        int appearance;
    };
    std::vector<Pending> pending;
    for (const auto& [name, value] : values) {
        auto match = require_field(document, name);
        if (QPDFFormFieldObjectHelper(match.field).getFieldType() != "/Tx")
            throw Error(ErrorKind::invalid_input, "not_a_text_field", "the field " + name + " is not a text field");
        if (value.find_first_of("\r\n") != std::string::npos)
            throw Error(ErrorKind::invalid_input, "multiline_value", "the value of " + name + " must be one line");
        if (QPDFFormFieldObjectHelper(match.field).getFlags() & 1)
            throw Error(ErrorKind::policy, "field_read_only", "the field " + name + " is read-only");
        pending.push_back({name, match, value, update.allocate()});
    }
    int font_id = -1;
    std::vector<std::pair<int, std::string>> streams;
    for (auto& p : pending) {
        auto rect = p.match.widget.getKey("/Rect");
        if (!rect.isRectangle()) throw Error(ErrorKind::invalid_input, "pdf_unreadable", "a text field's widget has no /Rect");
        auto r = rect.getArrayAsRectangle();
        double width = std::abs(r.urx - r.llx), height = std::abs(r.ury - r.lly);
        TextLook look = text_look(p.match.field, p.match.widget);
        // The text shrinks until it fits the field, as tall as its highest mark and as wide as it
        // runs; an automatic size (0 Tf) is the largest that fits.
        auto [ink_top, ink_bottom] = p.text.empty() ? std::pair<double, double>{0, 0} : font.ink_extent(p.text);
        double top = std::max(ink_top, font.ascent()), bottom = std::min(ink_bottom, font.descent());
        double size = std::min(look.auto_size ? 1000.0 : look.size, (height - 2 * kBorder) / (top - bottom));
        double text_width = font.width(p.text, 1);
        if (text_width > 0) size = std::min(size, (width - 2 * kSidePadding) / text_width);
        if (!(size > 0))
            throw Error(ErrorKind::invalid_input, "field_too_small",
                        "the field " + p.name + " is too small to show any text");
        double baseline = (height - size * (top - bottom)) / 2 - size * bottom;
        std::string content = "/Tx BMC q " + number(kBorder) + " " + number(kBorder) + " " +
                              number(width - 2 * kBorder) + " " + number(height - 2 * kBorder) + " re W n BT /F1 " +
                              number(size) + " Tf " + look.colour + " " + number(kSidePadding) + " " +
                              number(baseline) + " Td " + font.show(p.text) + " Tj ET Q EMC";
        streams.push_back({p.appearance, "/Type /XObject /Subtype /Form /BBox [0 0 " + number(width) + " " +
                                              number(height) + "] /Resources << /Font << /F1 %FONT% >> >>"});
        streams.back().second += '\n' + content;
    }
    font_id = font.embed(update);
    for (auto& [id, text] : streams) {
        auto split = text.find('\n');
        std::string dictionary = text.substr(0, split);
        dictionary.replace(dictionary.find("%FONT%"), 6, std::to_string(font_id) + " 0 R");
        update.put_stream(id, dictionary, text.substr(split + 1));
    }
    for (auto& p : pending) {
        p.match.field.replaceKey("/V", QPDFObjectHandle::newUnicodeString(p.text));
        p.match.widget.replaceKey("/AP", QPDFObjectHandle::newDictionary({{"/N", new_object_ref(p.appearance)}}));
        put_modified(update, p.match.field);
        if (p.match.widget.getObjGen() != p.match.field.getObjGen()) put_modified(update, p.match.widget);
    }

    append_update_atomically(input, update.build(), output);
}

void fill_form_fields(const std::filesystem::path& input, const std::filesystem::path& output,
                      const std::vector<std::pair<std::string, std::string>>& values) {
    return pdf::with_clear_errors(input, [&] { return fill_form_fields_unguarded(input, output, values); });
}

}  // namespace sign
