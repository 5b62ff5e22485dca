// signd-worker: where signd opens what clients send. One job per process, over
// stdin, answering on stdout (sign/isolation/worker_protocol.h). Started only
// by WorkerProcess, confined before it reads its input.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include <nlohmann/json.hpp>

#include "confinement.h"
#include "sign/error.h"
#include "sign/isolation/worker_protocol.h"
#include "sign/mobile/page_preview.h"
#include "sign/validate/pdf_signatures.h"

namespace {

using namespace sign;

// The input as a path its readers can open and seek: stdin is a memfd or a regular file.
const char* const input_path = "/proc/self/fd/0";

std::vector<std::uint8_t> read_input() {
    std::vector<std::uint8_t> input;
    std::uint8_t buffer[65536];
    for (;;) {
        ssize_t n = ::read(0, buffer, sizeof buffer);
        if (n == 0) return input;
        if (n < 0) throw Error(ErrorKind::internal, "worker_failed", "the worker cannot read its input");
        input.insert(input.end(), buffer, buffer + n);
    }
}

// Everything the services read from a PDF before they sign or validate it: its object structure,
// its pages and their boxes, and its signatures with their revisions and ByteRanges.
std::vector<std::uint8_t> check_pdf() {
    nlohmann::json summary;
    try {
        QPDF pdf;
        pdf.setSuppressWarnings(true);
        pdf.processFile(input_path);
        summary["objects"] = pdf.getAllObjects().size();
        auto pages = QPDFPageDocumentHelper(pdf).getAllPages();
        for (auto& page : pages) {
            page.getMediaBox(true);
            page.getCropBox(true);
            page.getObjectHandle().getKey("/Annots").isArray();
        }
        summary["pages"] = pages.size();
        summary["signatures"] = validate::inspect_pdf_signatures(input_path).signatures.size();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception&) {
        // qpdf's own exceptions: what it cannot read, the services cannot either.
        throw Error(ErrorKind::invalid_input, "not_a_pdf", "the document cannot be opened as a PDF");
    }
    std::string text = summary.dump();
    return {text.begin(), text.end()};
}

// What the confinement refuses, tried from inside it, so that a test can see it hold.
std::vector<std::uint8_t> confinement_report(bool seccomp) {
    auto refused = [](int result) { return result < 0 && (errno == EPERM || errno == EACCES || errno == ENOSYS); };
    int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    bool socket_refused = refused(sock);
    if (sock >= 0) ::close(sock);
    int file = ::open("/tmp/signd-worker-probe", O_WRONLY | O_CREAT, 0600);
    bool write_refused = refused(file);
    if (file >= 0) {
        ::close(file);
        ::unlink("/tmp/signd-worker-probe");
    }
    pid_t child = ::fork();
    bool fork_refused = refused(child);
    if (child == 0) ::_exit(0);
    if (child > 0) ::waitpid(child, nullptr, 0);
    rlimit memory{};
    ::getrlimit(RLIMIT_AS, &memory);
    std::string text = nlohmann::json{{"seccomp", seccomp},
                                      {"socket_refused", socket_refused},
                                      {"write_refused", write_refused},
                                      {"fork_refused", fork_refused},
                                      {"memory_limit", memory.rlim_cur}}
                           .dump();
    return {text.begin(), text.end()};
}

void answer(const std::vector<std::uint8_t>& payload) {
    std::string header = nlohmann::json{{"ok", true}, {"bytes", payload.size()}}.dump() + "\n";
    std::fwrite(header.data(), 1, header.size(), stdout);
    std::fwrite(payload.data(), 1, payload.size(), stdout);
}

void refuse(ErrorKind kind, const std::string& code, const std::string& message) {
    std::string header = nlohmann::json{{"ok", false}, {"kind", isolation::kind_name(kind)}, {"code", code},
                                        {"message", message}}.dump() + "\n";
    std::fwrite(header.data(), 1, header.size(), stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6 || std::string(argv[2]) != "--memory-bytes" || std::string(argv[4]) != "--cpu-seconds") {
        std::fprintf(stderr, "usage: signd-worker JOB --memory-bytes N --cpu-seconds N < INPUT (started by signd)\n");
        return 2;
    }
    std::string job = argv[1];
    try {
        isolation::limit_resources(std::stoull(argv[3]), std::stoi(argv[5]));
        bool seccomp = isolation::confine_system_calls();
        if (job == "check-pdf") {
            answer(check_pdf());
        } else if (job == "preview") {
            answer(mobile::render_first_page(read_input()));
        } else if (job == "confinement") {
            answer(confinement_report(seccomp));
        } else {
            refuse(ErrorKind::internal, "worker_failed", "no such worker job: " + job);
            return 2;
        }
    } catch (const Error& error) {
        refuse(error.kind(), error.code(), error.what());
        return 1;
    } catch (const std::bad_alloc&) {
        refuse(ErrorKind::invalid_input, "document_unprocessable",
               "the document could not be processed: it needed more memory than allowed");
        return 1;
    } catch (const std::exception& error) {
        refuse(ErrorKind::invalid_input, "document_unprocessable",
               std::string("the document could not be processed: ") + error.what());
        return 1;
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
}
