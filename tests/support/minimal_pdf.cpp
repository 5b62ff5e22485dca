#include "minimal_pdf.h"

#include <cstdint>
#include <cstdio>
#include <vector>

namespace sign::test {

namespace {

std::string build_pdf(const std::vector<std::string>& objects, int root) {
    std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f\r\n";
    for (auto offset : offsets) {
        char entry[32];
        std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", offset);
        out += entry;
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root " + std::to_string(root) +
           " 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return out;
}

std::string stream(const std::string& data) {
    return "<< /Length " + std::to_string(data.size()) + " >>\nstream\n" + data + "\nendstream";
}

}  // namespace

std::string minimal_pdf(const MinimalPdf& o) {
    // 1 catalog, 2 pages, 3 font, 4 AcroForm, then per page: page + contents; then fields; then annots array.
    std::vector<std::string> objects(4);
    int first_page = 5;
    std::string kids;
    for (int p = 0; p < o.pages; ++p) kids += std::to_string(first_page + 2 * p) + " 0 R ";
    int next = first_page + 2 * o.pages;
    std::vector<int> fields;
    std::vector<std::string> field_objects;
    auto add_field = [&](const std::string& body) {
        fields.push_back(next++);
        field_objects.push_back(body);
    };
    if (o.text_fields) {
        add_field("<< /Type /Annot /Subtype /Widget /FT /Tx /T (so_van_ban) /Rect [72 690 300 712] /P 5 0 R /F 4 /DA (/Helv 11 Tf 0 g) >>");
        add_field("<< /Type /Annot /Subtype /Widget /FT /Tx /T (ngay_ban_hanh) /Rect [330 690 560 712] /P 5 0 R /F 4 /DA (/Helv 11 Tf 0 g) >>");
    }
    if (o.signature_field)
        add_field("<< /Type /Annot /Subtype /Widget /FT /Sig /T (chu_ky_lanh_dao) /Rect [330 150 500 221] /P 5 0 R /F 4 >>");
    if (!o.small_field_da.empty())
        add_field("<< /Type /Annot /Subtype /Widget /FT /Tx /T (o_nho) /Rect [72 600 152 607.75] /P 5 0 R /F 4 /DA (" +
                  o.small_field_da + ") >>");
    std::string field_refs;
    for (int f : fields) field_refs += std::to_string(f) + " 0 R ";
    int annots_array = o.indirect_annots ? next++ : 0;
    int scan = o.scan_bytes ? next++ : 0;

    std::string acroform = "<< /Fields [" + field_refs + "] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 3 0 R >> >>" +
                           std::string(o.need_appearances ? " /NeedAppearances true" : "") + " >>";
    objects[0] = "<< /Type /Catalog /Pages 2 0 R" +
                 std::string(fields.empty() ? "" : o.direct_acroform ? " /AcroForm " + acroform : " /AcroForm 4 0 R") + " >>";
    objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(o.pages) + " >>";
    objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    objects[3] = o.direct_acroform ? "<< >>" : acroform;
    for (int p = 0; p < o.pages; ++p) {
        std::string annots;
        if (p == 0 && o.indirect_annots)
            annots = " /Annots " + std::to_string(annots_array) + " 0 R";
        else if (p == 0 && !fields.empty())
            annots = " /Annots [" + field_refs + "]";
        auto coordinate = [](double v) {
            char text[32];
            std::snprintf(text, sizeof text, "%g", v);
            return std::string(text);
        };
        std::string media_box = "[" + coordinate(o.origin_x) + " " + coordinate(o.origin_y) + " " +
                                coordinate(o.origin_x + 595) + " " + coordinate(o.origin_y + 842) + "]";
        std::string images = p == 0 && scan ? " /XObject << /Scan " + std::to_string(scan) + " 0 R >>" : "";
        objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + " /Resources << /Font << /F1 3 0 R >>" + images + " >>" +
                          (o.rotate ? " /Rotate " + std::to_string(o.rotate) : std::string()) + " /Contents " +
                          std::to_string(first_page + 2 * p + 1) + " 0 R" + annots + " >>");
        std::string draw_scan =
            p == 0 && scan ? "q 595 0 0 842 " + coordinate(o.origin_x) + " " + coordinate(o.origin_y) + " cm /Scan Do Q " : "";
        objects.push_back(stream(draw_scan + "BT /F1 14 Tf 72 760 Td (QUYET DINH - page " + std::to_string(p + 1) +
                                 ") Tj 0 -20 Td /F1 11 Tf (Ve viec ban hanh quy che lam viec.) Tj ET"));
    }
    for (auto& f : field_objects) objects.push_back(f);
    if (o.indirect_annots) objects.push_back("[" + field_refs + "]");
    if (scan) {
        // An A4 page at 300 dpi is 2480 pixels wide; noise, so that no filter could shrink it.
        const std::size_t width = 2480;
        const std::size_t height = (o.scan_bytes + width - 1) / width;
        std::string pixels(width * height, '\0');
        std::uint32_t state = 2463534242u;
        for (auto& pixel : pixels) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            pixel = static_cast<char>(0xC0 | (state & 0x3F));
        }
        objects.push_back("<< /Type /XObject /Subtype /Image /Width " + std::to_string(width) + " /Height " +
                          std::to_string(height) + " /ColorSpace /DeviceGray /BitsPerComponent 8 /Length " +
                          std::to_string(pixels.size()) + " >>\nstream\n" + pixels + "\nendstream");
    }
    return build_pdf(objects, 1);
}

std::string form_bomb_pdf(int levels) {
    std::vector<std::string> objects{
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        " /Resources << /XObject << /F 5 0 R >> >> >>",
        stream("/F Do"),
    };
    for (int level = 0; level < levels; ++level) {
        int next = 6 + level;  // object number of the form below this one
        bool last = level + 1 == levels;
        std::string content = last ? "0 0 1 1 re f" : "q /F Do Q q 1 0 0 1 1 0 cm /F Do Q";
        std::string resources = last ? "" : " /Resources << /XObject << /F " + std::to_string(next) + " 0 R >> >>";
        objects.push_back("<< /Type /XObject /Subtype /Form /BBox [0 0 595 842]" + resources + " /Length " +
                          std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
    }
    return build_pdf(objects, 1);
}

}  // namespace sign::test
