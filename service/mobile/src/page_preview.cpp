#include "sign/mobile/page_preview.h"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "sign/error.h"
#include "sign/png.h"

namespace sign::mobile {

std::vector<std::uint8_t> render_first_page(std::span<const std::uint8_t> pdf) {
    if (pdf.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw Error(ErrorKind::invalid_input, "not_a_pdf", "the document is too large to preview");
    std::unique_ptr<poppler::document> document(
        poppler::document::load_from_raw_data(reinterpret_cast<const char*>(pdf.data()), static_cast<int>(pdf.size())));
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

    if (image.format() != poppler::image::format_argb32)
        throw Error(ErrorKind::internal, "preview_failed", "the first page was rendered in an unexpected pixel format");
    return encode_png({reinterpret_cast<const std::uint8_t*>(image.const_data()),
                       static_cast<std::size_t>(image.bytes_per_row()) * static_cast<std::size_t>(image.height())},
                      image.width(), image.height(), PngPixels::bgra, static_cast<std::size_t>(image.bytes_per_row()));
}

}  // namespace sign::mobile
