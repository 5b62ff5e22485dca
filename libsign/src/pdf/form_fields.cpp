// Filling text fields (document number, date) in an incremental update: /V plus an appearance
// stream in the embedded Liberation Serif subset, so the value shows and extracts as typed and
// every earlier signature's ByteRange stays untouched.

#include <qpdf/QPDFFormFieldObjectHelper.hh>

#include <regex>

#include "font.h"
#include "pdf_document.h"
#include "sign/error.h"
#include "sign/pades.h"

namespace sign {

namespace {

// The font size of a /DA string such as "/Helv 11 Tf 0 g"; 0 (auto) and none become 10.
double font_size(QPDFObjectHandle field) {
    std::string da = QPDFFormFieldObjectHelper(field).getDefaultAppearance();
    std::smatch match;
    if (std::regex_search(da, match, std::regex("([0-9.]+)\\s+Tf"))) {
        double size = std::stod(match[1]);
        if (size > 0) return size;
    }
    return 10;
}

}  // namespace

static void fill_form_fields_unguarded(const std::filesystem::path& input, const std::filesystem::path& output,
                                       const std::vector<std::pair<std::string, std::string>>& values) {
    using namespace pdf;
    std::error_code ec;
    if (std::filesystem::equivalent(input, output, ec))
        throw Error(ErrorKind::invalid_input, "output_is_input", "the output must not be the input PDF");
    if (values.empty()) throw Error(ErrorKind::invalid_input, "no_values", "no field values were given");
    Document document(input);
    IncrementalUpdate update(document);
    TextFont font;

    struct Pending {
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
        pending.push_back({match, value, update.allocate()});
    }
    int font_id = -1;
    std::vector<std::pair<int, std::string>> streams;
    for (auto& p : pending) {
        auto rect = p.match.widget.getKey("/Rect");
        if (!rect.isRectangle()) throw Error(ErrorKind::invalid_input, "pdf_unreadable", "a text field's widget has no /Rect");
        auto r = rect.getArrayAsRectangle();
        double width = std::abs(r.urx - r.llx), height = std::abs(r.ury - r.lly);
        double size = font_size(p.match.field);
        double baseline = (height - size * (font.ascent() - font.descent())) / 2 - size * font.descent();
        std::string content = "/Tx BMC q 1 1 " + number(width - 2) + " " + number(height - 2) + " re W n BT /F1 " +
                              number(size) + " Tf 0 g 2 " + number(baseline) + " Td " + font.show(p.text) +
                              " Tj ET Q EMC";
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
    // Our appearances are the ones to show; a viewer told to regenerate them could drop the font.
    auto acroform = document.qpdf().getRoot().getKey("/AcroForm");
    if (acroform.isDictionary() && acroform.hasKey("/NeedAppearances")) {
        acroform.removeKey("/NeedAppearances");
        put_modified(update, acroform.isIndirect() ? acroform : document.qpdf().getRoot());
    }

    std::string bytes = update.build();
    auto temporary = temporary_beside(output);
    FileGuard guard(temporary);
    write_appended(input, bytes, temporary);
    std::filesystem::rename(temporary, output);
    guard.release();
}

void fill_form_fields(const std::filesystem::path& input, const std::filesystem::path& output,
                      const std::vector<std::pair<std::string, std::string>>& values) {
    return pdf::with_clear_errors(input, [&] { return fill_form_fields_unguarded(input, output, values); });
}

}  // namespace sign
