// The confined worker that opens clients' PDFs: it answers for good input, refuses bad input with
// the parsers' own codes, and a document that exhausts its limits costs only that request.

#include <boost/test/unit_test.hpp>

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "minimal_pdf.h"
#include "sign/error.h"
#include "sign/isolation/worker_pdfs.h"
#include "sign/isolation/worker_process.h"

using namespace sign;
using namespace std::chrono_literals;

namespace {

std::span<const std::uint8_t> bytes(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

isolation::WorkerProcess worker(isolation::WorkerLimits limits = {}) {
    return isolation::WorkerProcess(SIGND_WORKER, limits);
}

std::string code_of(const std::function<void()>& run) {
    try {
        run();
    } catch (const Error& error) {
        return error.code();
    }
    return "";
}

// The children of this process still alive (or not reaped), from /proc.
int live_children() {
    int count = 0;
    DIR* tasks = ::opendir("/proc/self/task");
    while (auto* task = ::readdir(tasks)) {
        std::string name = task->d_name;
        if (name == "." || name == "..") continue;
        std::ifstream children("/proc/self/task/" + name + "/children");
        std::string pid;
        while (children >> pid) ++count;
    }
    ::closedir(tasks);
    return count;
}

}  // namespace

BOOST_AUTO_TEST_CASE(opens_a_pdf_and_reports_what_it_read) {
    auto pdf = test::minimal_pdf({.pages = 2, .signature_field = true});
    auto answer = worker().run("check-pdf", bytes(pdf));
    auto summary = nlohmann::json::parse(answer.begin(), answer.end());
    BOOST_TEST(summary["pages"].get<int>() == 2);
    BOOST_TEST(summary["signatures"].get<int>() == 0);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_pdf_with_the_parsers_code) {
    BOOST_TEST(code_of([] { worker().run("check-pdf", bytes("%PDF-1.7\nthis is not a PDF at all")); }) == "not_a_pdf");
    BOOST_TEST(code_of([] { worker().run("preview", bytes("GIF89a")); }) == "not_a_pdf");
    BOOST_TEST(code_of([] { worker().run("no-such-job", bytes("x")); }) == "worker_failed");
}

BOOST_AUTO_TEST_CASE(renders_the_first_page_as_a_png_within_the_preview_size) {
    isolation::WorkerPdfs pdfs(worker());
    auto png = pdfs.render_first_page(bytes(test::minimal_pdf({.rotate = 90})));
    BOOST_REQUIRE(png.size() > 24);
    BOOST_TEST(std::string(png.begin() + 1, png.begin() + 4) == "PNG");
    auto be32 = [&](std::size_t at) { return (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3]; };
    int width = be32(16), height = be32(20);
    // A4 at 100 dpi, turned by /Rotate 90: landscape.
    BOOST_TEST(width == 1169);
    BOOST_TEST(height == 826);
}

BOOST_AUTO_TEST_CASE(is_confined_before_it_reads_its_input) {
    auto answer = worker({.memory_bytes = 512ull << 20}).run("confinement", bytes(""));
    auto report = nlohmann::json::parse(answer.begin(), answer.end());
    BOOST_TEST(report["memory_limit"].get<std::uint64_t>() == 512ull << 20);
    // This kernel has seccomp (Linux 3.17+ on every supported Debian); the filter must be in force.
    BOOST_TEST(report["seccomp"].get<bool>());
    BOOST_TEST(report["socket_refused"].get<bool>());
    BOOST_TEST(report["write_refused"].get<bool>());
    BOOST_TEST(report["fork_refused"].get<bool>());
}

BOOST_AUTO_TEST_CASE(a_renderer_past_its_cpu_limit_fails_that_document_only) {
    auto bomb = test::form_bomb_pdf(30);
    isolation::WorkerPdfs pdfs(worker({.cpu_seconds = 1, .wall_time = 120s}));
    // Opening it is cheap: only rendering explodes.
    BOOST_CHECK_NO_THROW(pdfs.check(bytes(bomb)));
    BOOST_TEST(code_of([&] { pdfs.render_first_page(bytes(bomb)); }) == "document_unprocessable");
    BOOST_TEST(live_children() == 0);
    // The next document is served as usual.
    BOOST_TEST(pdfs.render_first_page(bytes(test::minimal_pdf())).size() > 100u);
}

BOOST_AUTO_TEST_CASE(a_worker_past_its_wall_time_is_killed_and_reaped) {
    isolation::WorkerPdfs pdfs(worker({.cpu_seconds = 600, .wall_time = 500ms}));
    try {
        pdfs.render_first_page(bytes(test::form_bomb_pdf(30)));
        BOOST_FAIL("the render bomb finished");
    } catch (const Error& error) {
        BOOST_TEST(error.code() == "document_processing_timeout");
        BOOST_TEST(static_cast<int>(error.kind()) == static_cast<int>(ErrorKind::internal));
    }
    BOOST_TEST(live_children() == 0);
}

BOOST_AUTO_TEST_CASE(a_worker_past_its_memory_limit_fails_that_document_only) {
    // 24 MiB of address space cannot hold poppler's caches and a page bitmap: the allocation fails
    // (bad_alloc, or an abort inside a C library), and either way only this document fails.
    auto pdf = test::minimal_pdf();
    isolation::WorkerPdfs starved(worker({.memory_bytes = 24ull << 20}));
    BOOST_TEST(code_of([&] { starved.render_first_page(bytes(pdf)); }) == "document_unprocessable");
    BOOST_TEST(live_children() == 0);
    BOOST_TEST(isolation::WorkerPdfs(worker()).render_first_page(bytes(pdf)).size() > 100u);
}

BOOST_AUTO_TEST_CASE(jobs_beyond_the_concurrency_bound_wait_their_turn) {
    auto limited = worker({.max_concurrent = 1});
    auto pdf = test::minimal_pdf();
    std::vector<std::future<std::size_t>> runs;
    for (int i = 0; i < 4; ++i)
        runs.push_back(std::async(std::launch::async, [&] { return limited.run("check-pdf", bytes(pdf)).size(); }));
    for (auto& run : runs) BOOST_TEST(run.get() > 0u);
}

BOOST_AUTO_TEST_CASE(a_missing_worker_program_is_a_configuration_error) {
    BOOST_TEST(code_of([] { isolation::WorkerProcess("/nonexistent/signd-worker"); }) == "invalid_config");
}
