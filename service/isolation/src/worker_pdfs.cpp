#include "sign/isolation/worker_pdfs.h"

namespace sign::isolation {

void WorkerPdfs::check(std::span<const std::uint8_t> pdf) const { worker_.run("check-pdf", pdf); }

std::vector<std::uint8_t> WorkerPdfs::render_first_page(std::span<const std::uint8_t> pdf) const {
    return worker_.run("preview", pdf);
}

}  // namespace sign::isolation
