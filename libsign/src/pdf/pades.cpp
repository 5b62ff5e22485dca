// PAdES: the PDF side (placement, appearance, incremental update, ByteRange, placeholder)
// around the CAdES detached CMS of cms_bridge.h.

#include "sign/pades.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include <openssl/evp.h>
#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include "cms_bridge.h"
#include "font.h"
#include "image.h"
#include "pdf_document.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/pades_long_term.h"
#include "sign/utc_time.h"

namespace sign {

PdfRect rect_from_mm(double left_mm, double bottom_mm, double width_mm, double height_mm) {
    return {mm_to_points(left_mm), mm_to_points(bottom_mm), mm_to_points(left_mm + width_mm),
            mm_to_points(bottom_mm + height_mm)};
}

PdfRect seal_rect_over(const PdfRect& leader, double diameter_mm) {
    double d = mm_to_points(diameter_mm);
    double right = leader.left + leader.width() / 3;
    double middle = (leader.bottom + leader.top) / 2;
    return {right - d, middle - d / 2, right, middle + d / 2};
}

namespace pdf {
namespace {

constexpr std::size_t kByteRangeWidth = 48;  // "[0 a b c" padded with spaces, then "]"
constexpr std::size_t kContentsMargin = 512;

// The level of the CMS inside: B-LT and B-LTA are B-T plus what is added around it.
SignatureLevel cms_level(SignatureLevel level) {
    return has_signature_timestamp(level) ? SignatureLevel::b_t : SignatureLevel::b_b;
}

std::string rect_array(const PdfRect& r) {
    return "[" + number(r.left) + " " + number(r.bottom) + " " + number(r.right) + " " + number(r.top) + "]";
}

PdfRect rect_of(QPDFObjectHandle array) {
    if (!array.isRectangle()) throw Error(ErrorKind::invalid_input, "pdf_unreadable", "a widget has no valid /Rect");
    auto r = array.getArrayAsRectangle();
    return {std::min(r.llx, r.urx), std::min(r.lly, r.ury), std::max(r.llx, r.urx), std::max(r.lly, r.ury)};
}

PageRect widget_place(Document& document, FieldMatch match, const std::string& name) {
    int page = document.page_of_annotation(match.widget);
    if (page < 0) throw Error(ErrorKind::invalid_input, "field_without_page", "the field " + name + " is on no page");
    return {page + 1, rect_of(match.widget.getKey("/Rect"))};
}

QPDFPageObjectHelper page_at(Document& document, int number) {
    int count = static_cast<int>(document.pages().size());
    if (number < 1 || number > count)
        throw Error(ErrorKind::invalid_input, "page_out_of_range",
                    "page " + std::to_string(number) + " does not exist; the PDF has " + std::to_string(count));
    return QPDFPageObjectHelper(document.pages()[static_cast<std::size_t>(number - 1)]);
}

// A page as the reader sees it: its CropBox (the visible part) turned clockwise by /Rotate.
// "Shown" coordinates start at the bottom-left corner of the displayed page, x to the right.
struct PageView {
    PdfRect crop;
    int rotate = 0;  // 0, 90, 180 or 270

    bool turned_sideways() const { return rotate == 90 || rotate == 270; }
    double shown_width() const { return turned_sideways() ? crop.height() : crop.width(); }
    double shown_height() const { return turned_sideways() ? crop.width() : crop.height(); }

    std::pair<double, double> to_user(double u, double v) const {
        switch (rotate) {
        case 90: return {crop.right - v, crop.bottom + u};
        case 180: return {crop.right - u, crop.top - v};
        case 270: return {crop.left + v, crop.top - u};
        default: return {crop.left + u, crop.bottom + v};
        }
    }
    std::pair<double, double> to_shown(double x, double y) const {
        switch (rotate) {
        case 90: return {y - crop.bottom, crop.right - x};
        case 180: return {crop.right - x, crop.top - y};
        case 270: return {crop.top - y, x - crop.left};
        default: return {x - crop.left, y - crop.bottom};
        }
    }
    PdfRect to_user(const PdfRect& shown) const {
        auto [x1, y1] = to_user(shown.left, shown.bottom);
        auto [x2, y2] = to_user(shown.right, shown.top);
        return {std::min(x1, x2), std::min(y1, y2), std::max(x1, x2), std::max(y1, y2)};
    }
    PdfRect to_shown(const PdfRect& user) const {
        auto [u1, v1] = to_shown(user.left, user.bottom);
        auto [u2, v2] = to_shown(user.right, user.top);
        return {std::min(u1, u2), std::min(v1, v2), std::max(u1, u2), std::max(v1, v2)};
    }
    // The appearance's /Matrix: it draws upright in shown coordinates, turned counter-clockwise
    // by /Rotate into user space, so the page's clockwise turn brings it back upright.
    std::string form_matrix() const {
        switch (rotate) {
        case 90: return " /Matrix [0 1 -1 0 0 0]";
        case 180: return " /Matrix [-1 0 0 -1 0 0]";
        case 270: return " /Matrix [0 -1 1 0 0 0]";
        default: return "";
        }
    }
};

PageView view_of(Document& document, int number) {
    QPDFPageObjectHelper page = page_at(document, number);
    PageView view;
    view.crop = rect_of(page.getCropBox());
    auto rotate = page.getAttribute("/Rotate", false);
    if (rotate.isInteger()) {
        long long degrees = rotate.getIntValue();
        if (degrees % 90 != 0)
            throw Error(ErrorKind::invalid_input, "page_rotation_invalid",
                        "page " + std::to_string(number) + " has /Rotate " + std::to_string(degrees) +
                            ", which is not a multiple of 90");
        view.rotate = static_cast<int>(((degrees % 360) + 360) % 360);
    }
    return view;
}

void check_on_page(Document& document, const PageRect& place) {
    PageView view = view_of(document, place.page);
    const PdfRect& r = place.rect;
    if (!(r.right > r.left) || !(r.top > r.bottom))
        throw Error(ErrorKind::invalid_input, "rect_empty", "the signature rectangle " + rect_array(r) + " is empty");
    const PdfRect& box = view.crop;
    constexpr double tolerance = 0.01;
    if (r.left < box.left - tolerance || r.bottom < box.bottom - tolerance || r.right > box.right + tolerance ||
        r.top > box.top + tolerance) {
        PdfRect shown = view.to_shown(r);
        auto mm = [](double points) { return number(points * 25.4 / 72.0); };
        throw Error(ErrorKind::invalid_input, "rect_off_page",
                    "the signature box at " + mm(shown.left) + "," + mm(shown.bottom) + " mm, " + mm(shown.width()) +
                        " x " + mm(shown.height()) + " mm from the bottom-left corner, is not inside page " +
                        std::to_string(place.page) + " (" + mm(view.shown_width()) + " x " + mm(view.shown_height()) +
                        " mm as shown)");
    }
}

PdfRect fit(const PdfRect& box, int width, int height) {
    double scale = std::min(box.width() / width, box.height() / height);
    double w = width * scale, h = height * scale;
    double left = box.left + (box.width() - w) / 2, bottom = box.bottom + (box.height() - h) / 2;
    return {left, bottom, left + w, bottom + h};
}

// The appearance: a form XObject drawing the image over the whole widget, upright as the page is
// shown. `rect` is the widget's box in shown coordinates.
int put_appearance(IncrementalUpdate& update, const PdfRect& rect, const PageView& view, const Image* image) {
    int ap = update.allocate();
    std::string bbox = "[0 0 " + number(rect.width()) + " " + number(rect.height()) + "]" + view.form_matrix();
    if (!image) {
        update.put_stream(ap, "/Type /XObject /Subtype /Form /BBox " + bbox + " /Resources << >>", "");
        return ap;
    }
    int picture = update.allocate();
    std::string smask;
    if (!image->alpha.empty()) {
        int mask = update.allocate();
        update.put_stream(mask,
                          "/Type /XObject /Subtype /Image /Width " + std::to_string(image->width) + " /Height " +
                              std::to_string(image->height) +
                              " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                          deflate(image->alpha));
        smask = " /SMask " + std::to_string(mask) + " 0 R";
    }
    update.put_stream(picture,
                      "/Type /XObject /Subtype /Image /Width " + std::to_string(image->width) + " /Height " +
                          std::to_string(image->height) + " /ColorSpace /DeviceRGB /BitsPerComponent 8" + smask +
                          " /Filter /FlateDecode",
                      deflate(image->rgb));
    update.put_stream(ap,
                      "/Type /XObject /Subtype /Form /BBox " + bbox + " /Resources << /XObject << /Img " +
                          std::to_string(picture) + " 0 R >> >>",
                      "q " + number(rect.width()) + " 0 0 " + number(rect.height()) + " 0 0 cm /Img Do Q");
    return ap;
}

constexpr double kStampFontSize = 10;
constexpr double kStampLeading = 12;
constexpr double kStampPadding = 2;

// Decree 30/2020 Appendix I: the copy form and copying agency (copies), the document's number
// and symbol, and the signing time in ISO 8601 at Vietnam's offset.
std::vector<std::string> stamp_text(const CopyStamp& stamp, std::chrono::system_clock::time_point now) {
    std::vector<std::string> lines;
    if (!stamp.copy_kind.empty()) {
        if (stamp.copy_kind != "SAO Y" && stamp.copy_kind != "SAO LỤC" && stamp.copy_kind != "TRÍCH SAO")
            throw Error(ErrorKind::invalid_input, "copy_kind", "the copy form must be SAO Y, SAO LỤC or TRÍCH SAO");
        if (stamp.copying_agency.empty())
            throw Error(ErrorKind::invalid_input, "copying_agency_missing", "a copy names the agency that copies");
        lines.push_back(stamp.copy_kind);
        lines.push_back(stamp.copying_agency);
    }
    if (!stamp.document_number.empty()) lines.push_back(stamp.document_number);
    if (lines.empty())
        throw Error(ErrorKind::invalid_input, "stamp_empty", "an attachment stamp needs the document number and symbol");
    lines.push_back(format_utc(now, UtcFormat::vietnam));
    for (const auto& line : lines)
        if (line.find_first_of("\r\n") != std::string::npos)
            throw Error(ErrorKind::invalid_input, "multiline_value", "stamp lines must not contain line breaks");
    return lines;
}

// Right-aligned black lines in the embedded font.
int put_text_appearance(IncrementalUpdate& update, const PdfRect& rect, const PageView& view,
                        const std::vector<std::string>& lines, TextFont& font) {
    int ap = update.allocate();
    std::string content = "BT /F1 " + number(kStampFontSize) + " Tf 0 g\n";
    double y = rect.height() - kStampPadding - kStampFontSize * font.ascent();
    for (const auto& line : lines) {
        double x = rect.width() - kStampPadding - font.width(line, kStampFontSize);
        content += "1 0 0 1 " + number(x) + " " + number(y) + " Tm " + font.show(line) + " Tj\n";
        y -= kStampLeading;
    }
    content += "ET";
    int font_id = font.embed(update);
    update.put_stream(ap, "/Type /XObject /Subtype /Form /BBox [0 0 " + number(rect.width()) + " " +
                              number(rect.height()) + "]" + view.form_matrix() + " /Resources << /Font << /F1 " +
                              std::to_string(font_id) +
                              " 0 R >> >>",
                      content);
    return ap;
}

std::string new_field_name(Document& document, const std::string& prefix = "Signature") {
    std::set<std::string> names;
    QPDFAcroFormDocumentHelper forms(document.qpdf());
    for (auto& field : forms.getFormFields()) names.insert(field.getFullyQualifiedName());
    for (int n = 1;; ++n)
        if (!names.count(prefix + std::to_string(n))) return prefix + std::to_string(n);
}

// Adds `field` (when given) to /AcroForm /Fields and sets /SigFlags 3, rewriting whichever
// objects hold those values.
void update_acroform(Document& document, IncrementalUpdate& update, std::optional<int> field) {
    auto root = document.qpdf().getRoot();
    auto acroform = root.getKey("/AcroForm");
    bool rewrite_root = false;
    if (!acroform.isDictionary()) {
        int id = update.allocate();
        update.put(QPDFObjGen(id, 0), "<< /Fields [" + (field ? std::to_string(*field) + " 0 R" : std::string()) +
                                         "] /SigFlags 3 >>");
        root.replaceKey("/AcroForm", new_object_ref(id));
        put_modified(update, root);
        return;
    }
    bool rewrite_form = false;
    if (field) {
        auto fields = acroform.getKey("/Fields");
        if (fields.isArray() && fields.isIndirect()) {
            fields.appendItem(new_object_ref(*field));
            put_modified(update, fields);
        } else {
            if (!fields.isArray()) {
                fields = QPDFObjectHandle::newArray();
                acroform.replaceKey("/Fields", fields);
            }
            fields.appendItem(new_object_ref(*field));
            rewrite_form = true;
        }
    }
    auto flags = acroform.getKey("/SigFlags");
    if (!flags.isInteger() || (flags.getIntValue() & 3) != 3) {
        acroform.replaceKey("/SigFlags", QPDFObjectHandle::newInteger((flags.isInteger() ? flags.getIntValue() : 0) | 3));
        rewrite_form = true;
    }
    if (rewrite_form) {
        if (acroform.isIndirect())
            put_modified(update, acroform);
        else
            rewrite_root = true;
    }
    if (rewrite_root) put_modified(update, root);
}

void add_annotation(IncrementalUpdate& update, QPDFObjectHandle page, int annotation) {
    auto annots = page.getKey("/Annots");
    if (annots.isArray() && annots.isIndirect()) {
        annots.appendItem(new_object_ref(annotation));
        put_modified(update, annots);
        return;
    }
    if (!annots.isArray()) {
        annots = QPDFObjectHandle::newArray();
        page.replaceKey("/Annots", annots);
    }
    annots.appendItem(new_object_ref(annotation));
    put_modified(update, page);
}

// Streams the bytes of `path` in the byte range through `digest_name`.
std::vector<std::uint8_t> digest_byte_range(const std::filesystem::path& path, const std::array<std::uint64_t, 4>& range,
                                            const std::string& digest_name) {
    const EVP_MD* md = EVP_get_digestbyname(digest_name.c_str());
    if (!md) throw Error(ErrorKind::invalid_input, "unknown_digest", "unknown digest " + digest_name);
    EvpMdCtxPtr context(EVP_MD_CTX_new());
    EVP_DigestInit_ex(context.get(), md, nullptr);
    std::ifstream in(path, std::ios::binary);
    std::vector<char> buffer(1 << 16);
    for (int part = 0; part < 2; ++part) {
        in.seekg(static_cast<std::streamoff>(range[part * 2]));
        std::uint64_t left = range[part * 2 + 1];
        while (left > 0) {
            auto chunk = static_cast<std::streamsize>(std::min<std::uint64_t>(left, buffer.size()));
            in.read(buffer.data(), chunk);
            if (in.gcount() != chunk) throw Error(ErrorKind::invalid_input, "prepared_file_changed", "the prepared PDF is shorter than its ByteRange");
            EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(chunk));
            left -= static_cast<std::uint64_t>(chunk);
        }
    }
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned length = 0;
    EVP_DigestFinal_ex(context.get(), out.data(), &length);
    return out;
}

struct Layout {
    std::array<std::uint64_t, 4> byte_range{};
    std::uint64_t file_size = 0;
    std::size_t contents_size = 0;  // bytes of CMS the hex string holds
};

// Fills in the ByteRange of signature dictionary `signature` in the built update `bytes`: all of
// the file but the /Contents placeholder, which starts `contents_at` bytes into the dictionary.
Layout place_byte_range(Document& document, IncrementalUpdate& update, std::string& bytes, int signature,
                        std::size_t byte_range_at, std::size_t contents_at, std::size_t contents_size) {
    Layout layout;
    layout.file_size = document.file_size() + bytes.size();
    layout.contents_size = contents_size;
    std::uint64_t start = update.body_offset(signature) + contents_at;
    std::uint64_t end = start + contents_size * 2 + 2;
    layout.byte_range = {0, start, end, layout.file_size - end};
    std::string range = "[0 " + std::to_string(start) + " " + std::to_string(end) + " " + std::to_string(layout.file_size - end);
    range.resize(kByteRangeWidth - 1, ' ');
    range += "]";
    bytes.replace(update.body_offset(signature) + byte_range_at - document.file_size(), kByteRangeWidth, range);
    return layout;
}

// Writes `content` as hex into the /Contents placeholder of `file`, zero-padded.
void patch_contents(const std::filesystem::path& file, const Layout& layout, std::span<const std::uint8_t> content) {
    std::string text = to_hex(content);
    text.resize(layout.contents_size * 2, '0');
    std::fstream out(file, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(static_cast<std::streamoff>(layout.byte_range[1] + 1));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw Error(ErrorKind::internal, "write_failed", "cannot write " + file.string());
}

// Writes input + update with a zero placeholder to `target`.
Layout write_prepared(const std::filesystem::path& input, const std::filesystem::path& target,
                      std::chrono::system_clock::time_point now,
                      const PadesOptions& options, std::size_t contents_size) {
    Document document(input);
    refuse_if_certified_without_changes(document);
    IncrementalUpdate update(document);

    std::optional<Image> image;
    if (!options.image.empty()) {
        if (!options.placement)
            throw Error(ErrorKind::invalid_input, "image_without_placement", "a signature image needs a placement");
        image = load_png(options.image);
    }

    // Where, and which field.
    std::optional<FieldMatch> existing;
    PageRect place{1, {}};
    bool visible = options.placement.has_value();
    bool seal = false;
    if (visible) {
        const auto& placement = *options.placement;
        if (auto* p = std::get_if<PageRect>(&placement)) {
            place = *p;
        } else if (auto* position = std::get_if<PagePosition>(&placement)) {
            if (!(position->width_mm > 0) || !(position->height_mm > 0))
                throw Error(ErrorKind::invalid_input, "rect_empty", "the signature box needs a positive width and height");
            PdfRect shown = rect_from_mm(position->left_mm, position->bottom_mm, position->width_mm, position->height_mm);
            place = {position->page, view_of(document, position->page).to_user(shown)};
        } else if (auto* f = std::get_if<ExistingField>(&placement)) {
            existing = require_field(document, f->name);
            if (QPDFFormFieldObjectHelper(existing->field).getFieldType() != "/Sig")
                throw Error(ErrorKind::invalid_input, "not_a_signature_field", "the field " + f->name + " is not a signature field");
            if (existing->field.hasKey("/V"))
                throw Error(ErrorKind::conflict, "field_already_signed", "the field " + f->name + " is already signed");
            place = widget_place(document, *existing, f->name);
        } else {
            const auto& s = std::get<SealOverLeader>(placement);
            if (!(s.diameter_mm > 0 && s.diameter_mm < 200))
                throw Error(ErrorKind::invalid_input, "seal_size", "the seal diameter must be between 0 and 200 mm");
            PageRect leader;
            if (auto* lp = std::get_if<PageRect>(&s.leader))
                leader = *lp;
            else {
                auto& name = std::get<ExistingField>(s.leader).name;
                leader = widget_place(document, require_field(document, name), name);
            }
            // "The left third" of the image as the reader sees it.
            PageView view = view_of(document, leader.page);
            place = {leader.page, view.to_user(seal_rect_over(view.to_shown(leader.rect), s.diameter_mm))};
            seal = true;
        }
        check_on_page(document, place);
        if (image && !seal) {
            PageView view = view_of(document, place.page);
            place.rect = view.to_user(fit(view.to_shown(place.rect), image->width, image->height));
        }
    }
    // Attachments and copies: text at the top right of page 1 as shown, no image.
    std::vector<std::string> stamp_lines;
    std::optional<TextFont> font;
    if (options.stamp) {
        if (visible || image)
            throw Error(ErrorKind::invalid_input, "stamp_with_placement",
                        "a copy stamp places itself at the top right of page 1; give no placement or image");
        stamp_lines = stamp_text(*options.stamp, now);
        font.emplace();
        double width = 0;
        for (const auto& line : stamp_lines) width = std::max(width, font->width(line, kStampFontSize));
        width += 2 * kStampPadding;
        double height = stamp_lines.size() * kStampLeading + 2 * kStampPadding;
        PageView view = view_of(document, 1);
        double margin = mm_to_points(10);
        double right = view.shown_width() - margin, top = view.shown_height() - margin;
        place = {1, view.to_user(PdfRect{right - width, top - height, right, top})};
        check_on_page(document, place);
        visible = true;
    }
    if (!visible && !options.field_name.empty() && find_field(document, options.field_name))
        throw Error(ErrorKind::conflict, "field_exists", "the PDF already has a field named " + options.field_name);
    std::string name = options.field_name.empty() ? new_field_name(document) : options.field_name;
    if (!existing && visible && find_field(document, name))
        throw Error(ErrorKind::conflict, "field_exists", "the PDF already has a field named " + name);

    // The signature dictionary: ByteRange and Contents first, so the text before them is ours.
    int signature = update.allocate();
    std::string dictionary = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [";
    std::size_t byte_range_at = dictionary.size() - 1;
    dictionary += std::string(kByteRangeWidth - 2, ' ') + "] /Contents <";
    std::size_t contents_at = dictionary.size() - 1;
    dictionary += std::string(contents_size * 2, '0') + "> /M " + text_string(date_string(now));
    if (!options.reason.empty()) dictionary += " /Reason " + text_string(options.reason);
    if (!options.location.empty()) dictionary += " /Location " + text_string(options.location);
    dictionary += " >>";
    update.put(QPDFObjGen(signature, 0), dictionary);

    QPDFObjectHandle page = document.pages()[static_cast<std::size_t>(place.page - 1)];
    std::optional<int> appearance;
    if (visible) {
        PageView view = view_of(document, place.page);
        PdfRect shown = view.to_shown(place.rect);
        if (font)
            appearance = put_text_appearance(update, shown, view, stamp_lines, *font);
        else
            appearance = put_appearance(update, shown, view, image ? &*image : nullptr);
    }

    if (existing) {
        existing->field.replaceKey("/V", new_object_ref(signature));
        existing->widget.replaceKey("/Rect", QPDFObjectHandle::parse(rect_array(place.rect)));
        existing->widget.replaceKey("/AP", QPDFObjectHandle::newDictionary({{"/N", new_object_ref(*appearance)}}));
        existing->widget.replaceKey("/F", QPDFObjectHandle::newInteger(132));
        put_modified(update, existing->field);
        if (existing->widget.getObjGen() != existing->field.getObjGen()) put_modified(update, existing->widget);
        update_acroform(document, update, std::nullopt);
    } else {
        int field = update.allocate();
        std::string widget = "<< /Type /Annot /Subtype /Widget /FT /Sig /T " + text_string(name) + " /V " +
                             std::to_string(signature) + " 0 R /F 132 /Rect " +
                             (visible ? rect_array(place.rect) : std::string("[0 0 0 0]")) + " /P " + page.unparse();
        if (appearance) widget += " /AP << /N " + std::to_string(*appearance) + " 0 R >>";
        widget += " >>";
        update.put(QPDFObjGen(field, 0), widget);
        add_annotation(update, page, field);
        update_acroform(document, update, field);
    }

    std::string bytes = update.build();
    Layout layout = place_byte_range(document, update, bytes, signature, byte_range_at, contents_at, contents_size);
    write_appended(input, bytes, target);
    return layout;
}

// The hash-split state: where the prepared file is and what it must still be, plus CAdES's own.
struct State {
    std::string prepared;
    Layout layout;
    std::string digest_name;
    std::vector<std::uint8_t> content_digest;
    SignatureLevel level = SignatureLevel::b_b;
    PreparedSignature cades;
};


std::vector<std::uint8_t> unhex(const std::string& text) {
    std::vector<std::uint8_t> out;
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw Error(ErrorKind::invalid_input, "bad_prepared_state", "the prepared signature state is damaged");
    };
    if (text.size() % 2) throw Error(ErrorKind::invalid_input, "bad_prepared_state", "the prepared signature state is damaged");
    for (std::size_t i = 0; i < text.size(); i += 2) out.push_back(static_cast<std::uint8_t>(value(text[i]) * 16 + value(text[i + 1])));
    return out;
}

// Line-based, versioned: "pades-state 1", then one "key value" per line; binary values in hex.
std::vector<std::uint8_t> encode(const State& s) {
    std::ostringstream out;
    out << "pades-state 1\n"
        << "prepared " << to_hex(std::span(reinterpret_cast<const std::uint8_t*>(s.prepared.data()), s.prepared.size())) << "\n"
        << "file-size " << s.layout.file_size << "\n"
        << "byte-range " << s.layout.byte_range[0] << " " << s.layout.byte_range[1] << " " << s.layout.byte_range[2]
        << " " << s.layout.byte_range[3] << "\n"
        << "contents-size " << s.layout.contents_size << "\n"
        << "digest " << s.digest_name << "\n"
        << "content-digest " << to_hex(s.content_digest) << "\n"
        << "level " << (has_signature_timestamp(s.level) ? "b-t" : "b-b") << "\n"
        << "cades-digest " << to_hex(s.cades.digest) << "\n"
        << "cades-digest-name " << s.cades.digest_name << "\n"
        << "cades-scheme " << to_string(s.cades.scheme) << "\n"
        << "cades-state " << to_hex(s.cades.state) << "\n";
    std::string text = out.str();
    return {text.begin(), text.end()};
}

State decode(const std::vector<std::uint8_t>& bytes) {
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string line;
    auto damaged = [] { return Error(ErrorKind::invalid_input, "bad_prepared_state", "the prepared signature state is damaged"); };
    if (!std::getline(in, line) || line != "pades-state 1") throw damaged();
    State s;
    std::set<std::string> seen;
    while (std::getline(in, line)) {
        auto space = line.find(' ');
        if (space == std::string::npos) throw damaged();
        std::string key = line.substr(0, space), value = line.substr(space + 1);
        std::istringstream v(value);
        seen.insert(key);
        if (key == "prepared") {
            auto raw = unhex(value);
            s.prepared.assign(raw.begin(), raw.end());
        } else if (key == "file-size") v >> s.layout.file_size;
        else if (key == "byte-range") v >> s.layout.byte_range[0] >> s.layout.byte_range[1] >> s.layout.byte_range[2] >> s.layout.byte_range[3];
        else if (key == "contents-size") v >> s.layout.contents_size;
        else if (key == "digest") s.digest_name = value;
        else if (key == "content-digest") s.content_digest = unhex(value);
        else if (key == "level") s.level = value == "b-t" ? SignatureLevel::b_t : SignatureLevel::b_b;
        else if (key == "cades-digest") s.cades.digest = unhex(value);
        else if (key == "cades-digest-name") s.cades.digest_name = value;
        else if (key == "cades-scheme") s.cades.scheme = parse_signature_scheme(value);
        else if (key == "cades-state") s.cades.state = unhex(value);
        else throw damaged();
        if (v.fail()) throw damaged();
    }
    if (seen.size() != 11) throw damaged();
    return s;
}

std::size_t contents_size_for(const Signer& signer, const PadesOptions& options,
                              std::chrono::system_clock::time_point now, TimestampSource* tsa) {
    if (options.contents_size) return *options.contents_size;
    return estimate_cms_size(signer, cms_level(options.level), options.registry, now, tsa) + kContentsMargin;
}

}  // namespace
}  // namespace pdf

static PreparedSignature prepare_pades_unguarded(const std::filesystem::path& input, const std::filesystem::path& prepared,
                                                 const Signer& signer, const Clock& clock, const PadesOptions& options,
                                                 TimestampSource* tsa) {
    using namespace pdf;
    if (has_signature_timestamp(options.level) && !tsa && !options.contents_size)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "a B-T signature needs a time-stamp source");
    // One reading of the clock for /M and for the signer checks.
    auto now = clock.now();
    std::size_t contents_size = contents_size_for(signer, options, now, tsa);
    auto temporary = temporary_beside(prepared);
    FileGuard guard(temporary);
    State state;
    state.layout = write_prepared(input, temporary, now, options, contents_size);
    state.prepared = std::filesystem::absolute(prepared).string();
    state.digest_name = signer.digest;
    state.level = cms_level(options.level);
    state.content_digest = digest_byte_range(temporary, state.layout.byte_range, signer.digest);
    state.cades = cades_prepare(signer, state.level, options.registry, now, state.content_digest);
    std::filesystem::rename(temporary, prepared);
    guard.release();
    PreparedSignature result{state.cades.digest, state.cades.digest_name, state.cades.scheme, encode(state)};
    return result;
}

PreparedSignature prepare_pades(const std::filesystem::path& input, const std::filesystem::path& prepared,
                                const Signer& signer, const Clock& clock, const PadesOptions& options,
                                TimestampSource* tsa) {
    return pdf::with_clear_errors(input, [&] { return prepare_pades_unguarded(input, prepared, signer, clock, options, tsa); });
}

namespace pdf {
namespace {

// Writes the signed file, or returns the CMS size needed when the placeholder is too small
// (and then writes nothing).
std::size_t finalize_into(const State& state, std::span<const std::uint8_t> signature_value, TimestampSource* tsa,
                          const std::filesystem::path& output) {
    std::error_code ec;
    auto size = std::filesystem::file_size(state.prepared, ec);
    if (ec || size != state.layout.file_size)
        throw Error(ErrorKind::invalid_input, "prepared_file_changed",
                    "the prepared PDF " + state.prepared + " is missing or not the one prepare_pades wrote");
    if (digest_byte_range(state.prepared, state.layout.byte_range, state.digest_name) != state.content_digest)
        throw Error(ErrorKind::invalid_input, "prepared_file_changed",
                    "the prepared PDF " + state.prepared + " changed after prepare_pades");
    if (has_signature_timestamp(state.level) && !tsa)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "a B-T signature needs a time-stamp source");
    std::vector<std::uint8_t> cms =
        cades_finalize(state.cades, signature_value, state.level == SignatureLevel::b_t ? tsa : nullptr);
    if (cms.size() > state.layout.contents_size) return cms.size();
    bool in_place = std::filesystem::equivalent(state.prepared, output, ec) && !ec;
    std::filesystem::path target = in_place ? std::filesystem::path(state.prepared) : temporary_beside(output);
    FileGuard guard(in_place ? std::filesystem::path() : target);
    if (!in_place) std::filesystem::copy_file(state.prepared, target, std::filesystem::copy_options::overwrite_existing);
    patch_contents(target, state.layout, cms);
    if (!in_place) {
        std::filesystem::rename(target, output);
        guard.release();
    }
    return 0;
}

}  // namespace
}  // namespace pdf

static void finalize_pades_unguarded(const PreparedSignature& prepared, std::span<const std::uint8_t> signature_value,
                                     TimestampSource* tsa, const std::filesystem::path& output) {
    auto state = pdf::decode(prepared.state);
    if (std::size_t needed = pdf::finalize_into(state, signature_value, tsa, output))
        throw Error(ErrorKind::invalid_input, "placeholder_too_small",
                    "the CMS needs " + std::to_string(needed) + " bytes but the prepared PDF reserved " +
                        std::to_string(state.layout.contents_size) + "; prepare again with contents_size at least " +
                        std::to_string(needed));
}

void finalize_pades(const PreparedSignature& prepared, std::span<const std::uint8_t> signature_value,
                    TimestampSource* tsa, const std::filesystem::path& output) {
    return pdf::with_clear_errors(output, [&] { return finalize_pades_unguarded(prepared, signature_value, tsa, output); });
}

static void sign_pades_unguarded(const std::filesystem::path& input, const std::filesystem::path& output, const Signer& signer,
                                 const Clock& clock, const PadesOptions& options, TimestampSource* tsa) {
    using namespace pdf;
    std::error_code ec;
    if (std::filesystem::equivalent(input, output, ec))
        throw Error(ErrorKind::invalid_input, "output_is_input", "the output must not be the input PDF");
    bool long_term = options.level == SignatureLevel::b_lt || options.level == SignatureLevel::b_lta;
    if (long_term && !options.validation_sources)
        throw Error(ErrorKind::invalid_input, "validation_sources_missing",
                    "a B-LT or B-LTA signature needs sources of validation data");
    if (long_term && !tsa)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "a B-LT or B-LTA signature needs a time-stamp source");
    // Circular 15: the signing software checks the certificate before it signs.
    if (long_term) require_signer_in_good_standing(signer, *options.validation_sources);
    PadesOptions attempt = options;
    auto working = temporary_beside(output);
    FileGuard guard(working);
    for (int round = 0;; ++round) {
        PreparedSignature prepared = prepare_pades(input, working, signer, clock, attempt, tsa);
        auto value = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
        std::size_t needed = finalize_into(decode(prepared.state), value, tsa, working);
        if (needed == 0) break;
        // The CMS outgrew the placeholder (say, a bigger time-stamp token than measured): reserve
        // what it needs plus the margin and sign again, since the ByteRange changes with it.
        if (round >= 2)
            throw Error(ErrorKind::internal, "placeholder_too_small", "the CMS kept outgrowing its placeholder");
        attempt.contents_size = needed + kContentsMargin;
    }
    if (long_term) {
        extend_pades(working, output, options.level, *options.validation_sources, tsa);
        return;
    }
    std::filesystem::rename(working, output);
    guard.release();
}

void sign_pades(const std::filesystem::path& input, const std::filesystem::path& output, const Signer& signer,
                const Clock& clock, const PadesOptions& options, TimestampSource* tsa) {
    return pdf::with_clear_errors(input, [&] { return sign_pades_unguarded(input, output, signer, clock, options, tsa); });
}

static PageRect signature_field_rect_unguarded(const std::filesystem::path& pdf_path, const std::string& field_name) {
    pdf::Document document(pdf_path);
    auto match = pdf::require_field(document, field_name);
    return pdf::widget_place(document, match, field_name);
}

PageRect signature_field_rect(const std::filesystem::path& pdf_path, const std::string& field_name) {
    return pdf::with_clear_errors(pdf_path, [&] { return signature_field_rect_unguarded(pdf_path, field_name); });
}

std::vector<std::string> signed_signature_fields(const std::filesystem::path& pdf_path) {
    return pdf::with_clear_errors(pdf_path, [&] {
        pdf::Document document(pdf_path);
        QPDFAcroFormDocumentHelper forms(document.qpdf());
        std::vector<std::string> names;
        for (auto& field : forms.getFormFields())
            if (field.getFieldType() == "/Sig" && field.getObjectHandle().getKey("/V").isDictionary())
                names.push_back(field.getFullyQualifiedName());
        return names;
    });
}

namespace pdf {
namespace {

// The update holding a document time-stamp's placeholder and its invisible field on page 1.
Layout write_timestamp_placeholder(const std::filesystem::path& input, const std::filesystem::path& target,
                                   std::size_t contents_size, const std::string& field_name) {
    Document document(input);
    IncrementalUpdate update(document);
    std::string name = field_name.empty() ? new_field_name(document, "Timestamp") : field_name;
    if (find_field(document, name))
        throw Error(ErrorKind::conflict, "field_exists", "the PDF already has a field named " + name);
    int signature = update.allocate();
    std::string dictionary = "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 /ByteRange [";
    std::size_t byte_range_at = dictionary.size() - 1;
    dictionary += std::string(kByteRangeWidth - 2, ' ') + "] /Contents <";
    std::size_t contents_at = dictionary.size() - 1;
    dictionary += std::string(contents_size * 2, '0') + "> >>";
    update.put(QPDFObjGen(signature, 0), dictionary);
    QPDFObjectHandle page = document.pages().front();
    int field = update.allocate();
    update.put(QPDFObjGen(field, 0), "<< /Type /Annot /Subtype /Widget /FT /Sig /T " + text_string(name) + " /V " +
                                         std::to_string(signature) + " 0 R /F 132 /Rect [0 0 0 0] /P " + page.unparse() +
                                         " >>");
    add_annotation(update, page, field);
    update_acroform(document, update, field);
    std::string bytes = update.build();
    Layout layout = place_byte_range(document, update, bytes, signature, byte_range_at, contents_at, contents_size);
    write_appended(input, bytes, target);
    return layout;
}

}  // namespace
}  // namespace pdf

static void add_pdf_dss_unguarded(const std::filesystem::path& input, const std::filesystem::path& output,
                                  const PdfValidationData& data) {
    using namespace pdf;
    std::error_code ec;
    if (std::filesystem::equivalent(input, output, ec))
        throw Error(ErrorKind::invalid_input, "output_is_input", "the output must not be the input PDF");
    if (data.certificates.empty() && data.ocsp_responses.empty() && data.crls.empty())
        throw Error(ErrorKind::invalid_input, "no_validation_data", "no certificates, OCSP responses or CRLs were given");
    Document document(input);
    IncrementalUpdate update(document);
    auto root = document.qpdf().getRoot();
    auto dss = root.getKey("/DSS");
    bool existing = dss.isDictionary();
    if (!existing) dss = QPDFObjectHandle::newDictionary();
    bool added = false;
    auto add_items = [&](const char* key, const std::vector<std::vector<std::uint8_t>>& items) {
        if (items.empty()) return;
        auto held_array = dss.getKey(key);
        // A fresh array: an indirect one may be shared, and the new one must list the old items too.
        auto array = QPDFObjectHandle::newArray();
        std::set<std::string> held;
        if (held_array.isArray())
            for (int i = 0; i < held_array.getArrayNItems(); ++i) {
                auto item = held_array.getArrayItem(i);
                array.appendItem(item);
                if (!item.isStream()) continue;
                try {
                    auto buffer = item.getStreamData(qpdf_dl_generalized);
                    held.emplace(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
                } catch (const std::exception&) {
                    // Data qpdf cannot decode is kept and not compared.
                }
            }
        for (const auto& item : items) {
            std::string bytes(item.begin(), item.end());
            if (item.empty() || !held.insert(bytes).second) continue;
            int id = update.allocate();
            update.put_stream(id, "", bytes);
            array.appendItem(new_object_ref(id));
            added = true;
        }
        dss.replaceKey(key, array);
    };
    add_items("/Certs", data.certificates);
    add_items("/OCSPs", data.ocsp_responses);
    add_items("/CRLs", data.crls);
    if (!added) {
        // Everything is there already: the output is the input, unchanged.
        append_update_atomically(input, "", output);
        return;
    }
    if (existing && dss.isIndirect()) {
        put_modified(update, dss);
    } else if (existing) {
        put_modified(update, root);
    } else {
        int id = update.allocate();
        put_as(update, QPDFObjGen(id, 0), dss);
        root.replaceKey("/DSS", new_object_ref(id));
        put_modified(update, root);
    }
    append_update_atomically(input, update.build(), output);
}

void add_pdf_dss(const std::filesystem::path& input, const std::filesystem::path& output, const PdfValidationData& data) {
    return pdf::with_clear_errors(input, [&] { return add_pdf_dss_unguarded(input, output, data); });
}

static void add_document_timestamp_unguarded(const std::filesystem::path& input, const std::filesystem::path& output,
                                             TimestampSource& tsa, const std::string& digest_name,
                                             const std::string& field_name) {
    using namespace pdf;
    std::error_code ec;
    if (std::filesystem::equivalent(input, output, ec))
        throw Error(ErrorKind::invalid_input, "output_is_input", "the output must not be the input PDF");
    const EVP_MD* md = EVP_get_digestbyname(digest_name.c_str());
    if (!md) throw Error(ErrorKind::invalid_input, "unknown_digest", "unknown digest " + digest_name);
    // The last token the source gave measures the placeholder (tokens differ only in time, serial
    // and nonce); a source that never answered is asked once, over a dummy digest of the same size.
    std::vector<std::uint8_t> dummy(static_cast<std::size_t>(EVP_MD_get_size(md)), 0);
    auto known_size = tsa.expected_token_size(digest_name);
    std::size_t contents_size = (known_size ? *known_size : tsa.timestamp(digest_name, dummy).size()) + kContentsMargin;
    auto working = temporary_beside(output);
    FileGuard guard(working);
    for (int round = 0;; ++round) {
        Layout layout = write_timestamp_placeholder(input, working, contents_size, field_name);
        auto token = tsa.timestamp(digest_name, digest_byte_range(working, layout.byte_range, digest_name));
        if (token.size() <= contents_size) {
            patch_contents(working, layout, token);
            break;
        }
        if (round >= 2) throw Error(ErrorKind::internal, "placeholder_too_small", "the time-stamp token kept outgrowing its placeholder");
        contents_size = token.size() + kContentsMargin;
    }
    std::filesystem::rename(working, output);
    guard.release();
}

void add_document_timestamp(const std::filesystem::path& input, const std::filesystem::path& output,
                            TimestampSource& tsa, const std::string& digest_name, const std::string& field_name) {
    return pdf::with_clear_errors(input, [&] {
        return add_document_timestamp_unguarded(input, output, tsa, digest_name, field_name);
    });
}

}  // namespace sign
