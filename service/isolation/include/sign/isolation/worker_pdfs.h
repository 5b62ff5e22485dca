#pragma once
// signd's UntrustedPdfs: each PDF a client sends is opened, and previews are
// rendered, by the `signd-worker` program in a confined child process.

#include "sign/isolation/worker_process.h"
#include "sign/signing/untrusted_pdfs.h"

namespace sign::isolation {

class WorkerPdfs : public signing::UntrustedPdfs {
public:
    explicit WorkerPdfs(WorkerProcess worker) : worker_(std::move(worker)) {}

    void check(std::span<const std::uint8_t> pdf) const override;
    std::vector<std::uint8_t> render_first_page(std::span<const std::uint8_t> pdf) const override;

private:
    WorkerProcess worker_;
};

}  // namespace sign::isolation
