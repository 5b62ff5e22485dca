#include "sign/validate/pdf_report.h"

#include <mutex>
#include <sstream>
#include <string_view>

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "sign/atomic_file.h"
#include "sign/error.h"
#include "sign/utc_time.h"

namespace sign::validate {

namespace {

constexpr const char* regular_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* bold_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

// A4 in points, and the margins.
constexpr double page_width = 595.28;
constexpr double page_height = 841.89;
constexpr double margin = 56.0;
constexpr double body_size = 9.5;
constexpr double line_gap = 4.0;

struct Fonts {
    cairo_font_face_t* regular = nullptr;
    cairo_font_face_t* bold = nullptr;
};

// Loaded once and kept for the process: cairo caches faces beyond any one rendering, so the
// FreeType library and faces must outlive every surface.
const Fonts& fonts() {
    static std::once_flag once;
    static Fonts loaded;
    std::call_once(once, [] {
        static FT_Library library = nullptr;
        if (FT_Init_FreeType(&library) != 0) throw Error(ErrorKind::internal, "report_font_missing", "FreeType could not be initialised");
        auto load = [](const char* path) {
            FT_Face face = nullptr;
            if (FT_New_Face(library, path, 0, &face) != 0)
                throw Error(ErrorKind::internal, "report_font_missing",
                            std::string("the report font ") + path + " is not installed (Debian: fonts-dejavu-core)");
            return cairo_ft_font_face_create_for_ft_face(face, 0);
        };
        loaded.regular = load(regular_font_path);
        loaded.bold = load(bold_font_path);
    });
    return loaded;
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::vector<std::uint8_t>*>(closure)->insert(static_cast<std::vector<std::uint8_t>*>(closure)->end(), data, data + length);
    return CAIRO_STATUS_SUCCESS;
}

// Where the next line goes; a new page when the current one is full.
class Page {
public:
    Page(cairo_t* cr, Language language) : cr_(cr), language_(language) {}

    void line(const std::string& text, double size = body_size, bool bold = false, double indent = 0.0) {
        cairo_set_font_face(cr_, bold ? fonts().bold : fonts().regular);
        cairo_set_font_size(cr_, size);
        for (const std::string& piece : wrapped(text, page_width - 2 * margin - indent)) {
            if (y_ + size > page_height - margin - 20) next_page();
            y_ += size;
            cairo_move_to(cr_, margin + indent, y_);
            cairo_show_text(cr_, piece.c_str());
            y_ += line_gap;
        }
    }

    void centered(const std::string& text, double size, bool bold) {
        cairo_set_font_face(cr_, bold ? fonts().bold : fonts().regular);
        cairo_set_font_size(cr_, size);
        cairo_text_extents_t extents;
        cairo_text_extents(cr_, text.c_str(), &extents);
        y_ += size;
        cairo_move_to(cr_, (page_width - extents.x_advance) / 2, y_);
        cairo_show_text(cr_, text.c_str());
        y_ += line_gap;
    }

    void space(double points) { y_ += points; }

    void rule() {
        cairo_set_line_width(cr_, 0.6);
        cairo_move_to(cr_, margin, y_ + 2);
        cairo_line_to(cr_, page_width - margin, y_ + 2);
        cairo_stroke(cr_);
        y_ += 8;
    }

    void finish() { footer(); }

private:
    void footer() {
        cairo_set_font_face(cr_, fonts().regular);
        cairo_set_font_size(cr_, 8);
        std::string text = (language_ == Language::vietnamese ? "Trang " : "Page ") + std::to_string(number_);
        cairo_move_to(cr_, margin, page_height - margin / 2);
        cairo_show_text(cr_, text.c_str());
    }

    void next_page() {
        footer();
        cairo_show_page(cr_);
        ++number_;
        y_ = margin;
    }

    // Words that fit `width`; a word longer than the line (a fingerprint) is cut between letters.
    std::vector<std::string> wrapped(const std::string& text, double width) {
        std::vector<std::string> lines;
        std::string current;
        auto fits = [&](const std::string& candidate) {
            cairo_text_extents_t extents;
            cairo_text_extents(cr_, candidate.c_str(), &extents);
            return extents.x_advance <= width;
        };
        std::istringstream words(text);
        std::string word;
        while (words >> word) {
            std::string candidate = current.empty() ? word : current + " " + word;
            if (fits(candidate)) {
                current = candidate;
                continue;
            }
            if (!current.empty()) lines.push_back(current);
            current.clear();
            while (!fits(word)) {
                std::size_t cut = word.size();
                while (cut > 1 && !fits(word.substr(0, cut))) {
                    --cut;
                    while (cut > 1 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
                }
                lines.push_back(word.substr(0, cut));
                word = word.substr(cut);
            }
            current = word;
        }
        if (!current.empty()) lines.push_back(current);
        if (lines.empty()) lines.emplace_back();
        return lines;
    }

    cairo_t* cr_;
    Language language_;
    double y_ = margin;
    int number_ = 1;
};

bool starts_with(const std::string& text, std::string_view prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

std::vector<std::uint8_t> render_pdf_report(const ValidationReport& report, Language language, const CheckedFile& file) {
    const bool vi = language == Language::vietnamese;
    fonts();  // a missing font fails before any output
    std::vector<std::uint8_t> out;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_bytes, &out, page_width, page_height);
    const std::string title = vi ? "Phiếu kết quả kiểm tra chữ ký số" : "Digital signature validation report";
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "city-sign");
    cairo_t* cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 0, 0, 0);
    {
        Page page(cr, language);
        page.centered(title, 16, true);
        page.space(6);
        page.rule();
        // The text report, line for line, without its own title line.
        std::istringstream text(report.to_text(language));
        std::string line;
        std::getline(text, line);
        bool file_written = false;
        const std::string verdict_prefix = vi ? "Kết luận:" : "Verdict:";
        const std::string policy_prefix = vi ? "Chính sách kiểm tra:" : "Validation policy:";
        const std::string signature_prefix = vi ? "Chữ ký " : "Signature ";
        while (std::getline(text, line)) {
            if (line.empty()) {
                page.space(4);
                continue;
            }
            std::size_t indent = line.find_first_not_of(' ');
            std::string content = line.substr(indent);
            if (starts_with(content, verdict_prefix)) {
                page.line(content, 13, true);
                page.space(4);
            } else if (starts_with(content, signature_prefix) && indent == 0) {
                page.rule();
                page.line(content, 11, true);
            } else {
                page.line(content, body_size, false, static_cast<double>(indent) * 3.0);
            }
            if (!file_written && starts_with(content, policy_prefix) && (!file.name.empty() || !file.sha256_hex.empty())) {
                if (!file.name.empty()) page.line((vi ? "Tệp được kiểm tra: " : "File checked: ") + file.name);
                if (!file.sha256_hex.empty()) page.line((vi ? "Mã băm SHA-256 của tệp: " : "SHA-256 of the file: ") + file.sha256_hex);
                file_written = true;
            }
        }
        page.finish();
    }
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        throw Error(ErrorKind::internal, "pdf_report_failed", std::string("the PDF report could not be drawn: ") + cairo_status_to_string(status));
    return out;
}

void write_pdf_report(const ValidationReport& report, const std::filesystem::path& out, Language language, const CheckedFile& file) {
    std::vector<std::uint8_t> pdf = render_pdf_report(report, language, file);
    write_file_atomically(out.string(), std::string(pdf.begin(), pdf.end()));
}

}  // namespace sign::validate
