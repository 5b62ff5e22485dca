#pragma once
// What the phone shows before the signer approves: the first page of a PDF as
// a PNG at 100 dpi, scaled down so its longer side is at most 1200 pixels.

#include <cstdint>
#include <span>
#include <vector>

namespace sign::mobile {

/// The longest side of a preview, in pixels.
constexpr int max_preview_pixels = 1200;
/// The resolution previews are rendered at, unless that exceeds max_preview_pixels.
constexpr double preview_dpi = 100;

/// Renders page 1 of `pdf` to PNG bytes. Throws invalid_input `not_a_pdf` when poppler cannot
/// open it, internal `preview_failed` when rendering fails. poppler renders untrusted content:
/// signd calls this only inside its confined worker process (sign/isolation).
std::vector<std::uint8_t> render_first_page(std::span<const std::uint8_t> pdf);

}  // namespace sign::mobile
