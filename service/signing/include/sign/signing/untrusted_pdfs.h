#pragma once
// PDFs from clients are opened first where their parser may fail, loop, run
// out of memory or crash without harm to the service: signd hands the services
// a sandbox that does this in a confined child process (sign/isolation). What
// the services do with the PDF afterwards repeats parsing that already
// completed there within the limits.

#include <cstdint>
#include <span>
#include <vector>

namespace sign::signing {

class UntrustedPdfs {
public:
    virtual ~UntrustedPdfs() = default;

    /// Opens `pdf` fully (object structure, pages, signature fields and their revisions) as the
    /// signing and validation code will. Throws invalid_input `not_a_pdf` when it is not a readable
    /// PDF, invalid_input `document_unprocessable` when opening it crashed or exceeded the memory or
    /// CPU limits, and token-kind `document_processing_timeout` when it took too long.
    virtual void check(std::span<const std::uint8_t> pdf) const = 0;

    /// Page 1 of `pdf` as a PNG (sign/mobile/page_preview.h's size rules), with the same failures.
    virtual std::vector<std::uint8_t> render_first_page(std::span<const std::uint8_t> pdf) const = 0;
};

}  // namespace sign::signing
