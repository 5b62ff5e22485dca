#include "sign/mobile/page_preview.h"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <algorithm>
#include <memory>

#include "sign/error.h"
#include <unistd.h>

#include <cstdio>

namespace sign::mobile {

std::vector<std::uint8_t> render_first_page(const std::filesystem::path& pdf) {
    std::unique_ptr<poppler::document> document(poppler::document::load_from_file(pdf.string()));
    if (!document || document->is_locked() || document->pages() < 1)
        throw Error(ErrorKind::invalid_input, "not_a_pdf", "the document cannot be opened as a PDF");
    std::unique_ptr<poppler::page> page(document->create_page(0));
    if (!page) throw Error(ErrorKind::internal, "preview_failed", "the first page cannot be read");

    // The page's size in points (1/72 inch), as shown (rotation included).
    poppler::rectf box = page->page_rect(poppler::media_box);
    double width_pt = box.width(), height_pt = box.height();
    if (page->orientation() == poppler::page::landscape || page->orientation() == poppler::page::seascape)
        std::swap(width_pt, height_pt);
    double longest_at_dpi = std::max(width_pt, height_pt) / 72.0 * preview_dpi;
    double dpi = longest_at_dpi > max_preview_pixels ? preview_dpi * max_preview_pixels / longest_at_dpi : preview_dpi;

    poppler::page_renderer renderer;
    renderer.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
    poppler::image image = renderer.render_page(page.get(), dpi, dpi);
    if (!image.is_valid()) throw Error(ErrorKind::internal, "preview_failed", "the first page cannot be rendered");

    // poppler writes images to files only.
    char name[] = "/tmp/signd-preview-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0) throw Error(ErrorKind::internal, "preview_failed", "no temporary file for the preview");
    close(fd);
    std::filesystem::path file(name);
    bool saved = image.save(file.string(), "png");
    std::vector<std::uint8_t> bytes;
    if (saved) {
        std::FILE* in = std::fopen(name, "rb");
        if (in) {
            std::uint8_t buffer[65536];
            std::size_t got;
            while ((got = std::fread(buffer, 1, sizeof buffer, in)) > 0) bytes.insert(bytes.end(), buffer, buffer + got);
            std::fclose(in);
        }
    }
    std::filesystem::remove(file);
    if (!saved || bytes.empty()) throw Error(ErrorKind::internal, "preview_failed", "the preview cannot be encoded");
    return bytes;
}

}  // namespace sign::mobile
