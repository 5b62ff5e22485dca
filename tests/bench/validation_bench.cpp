// Validation speed and memory of the PAdES validator, offline, against poppler's pdfsig on the
// same file, measured in one run. Not a test: it prints figures.
//
//   validation_bench [--seconds S]
//
// 1. A two-signature PAdES B-LT document (leader, then agency seal, each with its /DSS) from a
//    fresh test PKI. Validations per second: ours in-process (validate_pdf, offline), ours as a
//    process (this program with --validate, as a person or a script would run it), and
//    `pdfsig -no-ocsp` (NSS, the root trusted, nothing fetched). The ratio printed is process
//    against process. Goal: at least 3x pdfsig.
// 2. Peak RSS of a child process validating a 20 MB signed PDF (wait4 rusage). Goal: under twice
//    the file's size.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bench_documents.h"
#include "measured_run.h"
#include "signctl_folder.h"
#include "sign/certificate.h"
#include "sign/validate/pades_validator.h"
#include "temp_dir.h"

using namespace sign;
using namespace sign::validate;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

ValidationOptions offline(const std::string& root_pem) {
    ValidationOptions options;
    options.trust.trust_anchors.push_back(Certificate::load(root_pem));
    return options;
}

// The child's side: one offline validation; exit 0 when every signature passed.
int validate_once(const std::string& pdf, const std::string& root_pem) {
    auto report = validate_pdf(pdf, offline(root_pem));
    return report.overall() == MainIndication::total_passed ? 0 : 3;
}

void require(const test::CommandResult& result, const std::string& what) {
    if (result.exit_code != 0) {
        std::cerr << what << " failed:\n" << result.output << "\n";
        std::exit(1);
    }
}

// Runs `one` repeatedly for about `seconds`; returns runs per second.
template <typename Function>
double rate(double seconds, Function one) {
    one();  // warm-up
    int runs = 0;
    auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
        one();
        ++runs;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return runs / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--validate") == 0) return validate_once(argv[2], argv[3]);
    double seconds = 5;
    if (argc == 3 && std::strcmp(argv[1], "--seconds") == 0) seconds = std::stod(argv[2]);
    std::string self = fs::canonical("/proc/self/exe").string();

    test::TempDir work("validation-bench");
    test::SignctlFolder folder;
    require(folder.make_test_pki(), "make-test-pki");
    std::string root = folder.path("ca/root-ca.pem");
    auto sign = [&](const fs::path& in, const fs::path& out, const std::string& label) {
        require(folder.signctl({"sign", "pdf", in.string(), "--key", "pkcs11:object=" + label + ";type=private", "--cert",
                                folder.path("certs/" + label + ".pem"), "--level", "b-lt", "--tsa", "local", "--out",
                                out.string()}),
                "signctl sign pdf " + label);
    };

    // 1. two B-LT signatures on a small document
    bench::make_pdf(work / "small.pdf", 200, 1);
    sign(work / "small.pdf", work / "leader.pdf", "leader");
    sign(work / "leader.pdf", work / "two.pdf", "agency-seal");
    std::string two = (work / "two.pdf").string();
    if (validate_once(two, root) != 0) {
        std::cerr << "our validator does not pass the benchmark document:\n"
                  << validate_pdf(two, offline(root)).to_text(Language::english) << "\n";
        return 1;
    }
    fs::create_directories(work / "nss");
    std::string nss = "sql:" + (work / "nss").string();
    require(test::run_command({"certutil", "-N", "-d", nss, "--empty-password"}), "certutil -N");
    require(test::run_command({"certutil", "-A", "-d", nss, "-n", "root", "-t", "CT,C,C", "-i", root}), "certutil -A");
    auto pdfsig_output = test::run_command({"pdfsig", "-no-ocsp", "-nssdir", nss, two});
    std::cout << "pdfsig on the benchmark document:\n" << pdfsig_output.output << "\n";

    auto options = offline(root);
    double in_process = rate(seconds, [&] { validate_pdf(two, options); });
    double ours = rate(seconds, [&] { bench::run({self, "--validate", two, root}, {}, "/dev/null"); });
    double theirs = rate(seconds, [&] { bench::run({"pdfsig", "-no-ocsp", "-nssdir", nss, two}, {}, "/dev/null"); });
    std::printf("two-signature PAdES B-LT, offline:\n");
    std::printf("  ours, in-process       %8.1f validations/s\n", in_process);
    std::printf("  ours, one process each %8.1f validations/s\n", ours);
    std::printf("  pdfsig -no-ocsp        %8.1f validations/s\n", theirs);
    std::printf("  ratio ours/pdfsig (process against process): %.2fx (goal >= 3x)\n", ours / theirs);

    // 2. peak RSS on a 20 MB PDF
    bench::make_pdf(work / "big.pdf", 4600, 2);
    sign(work / "big.pdf", work / "big-signed.pdf", "leader");
    auto size = fs::file_size(work / "big-signed.pdf");
    auto measured = bench::run({self, "--validate", (work / "big-signed.pdf").string(), root}, {}, work / "big.log");
    std::printf("validating a %.1f MB PDF in a child process: exit %d, %.0f ms, peak RSS %.1f MB = %.2fx the file (goal < 2x)\n",
                size / 1e6, measured.exit_code, measured.ms, measured.max_rss_kb / 1024.0,
                measured.max_rss_kb * 1024.0 / static_cast<double>(size));
    return 0;
}
