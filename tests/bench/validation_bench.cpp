// Validation speed and memory of the PAdES validator, offline, against poppler's pdfsig on the
// same file, measured in one run. Not a test: it prints figures.
//
//   validation_bench [--seconds S]
//   validation_bench --validate-loop N FILE.pdf ROOT.pem    (N validations in one process, for a profiler)
//
// 1. A two-signature PAdES B-LT document (leader, then agency seal, each with its /DSS) from a
//    fresh test PKI. Validations per second: ours in-process (validate_pdf, offline), ours as a
//    process (validate_pdf_driver, as a script would run it), and `pdfsig -no-ocsp` (NSS, the
//    root trusted, nothing fetched), per wall-clock second and per CPU second (user + system of
//    the process or its children: the steadier figure on a shared machine). Goal: at least 3x.
// 2. Peak RSS of a child process validating a 20 MB signed PDF (wait4 rusage). Goal: under twice
//    the file's size.

#include <sys/resource.h>

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

// One offline validation; 0 when every signature passed.
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

// CPU seconds (user + system) used so far by this process or by its reaped children.
double cpu_seconds(int who) {
    rusage usage{};
    getrusage(who, &usage);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Rate {
    double per_wall_second = 0;  ///< runs per second of elapsed time
    double per_cpu_second = 0;   ///< runs per CPU second: steady on a shared, loaded machine
};

// Runs `one` repeatedly for about `seconds` of wall-clock time; CPU is counted for `who`
// (RUSAGE_SELF in-process, RUSAGE_CHILDREN for child processes).
template <typename Function>
Rate rate(double seconds, int who, Function one) {
    one();  // warm-up
    int runs = 0;
    double cpu_start = cpu_seconds(who);
    auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
        one();
        ++runs;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return {runs / elapsed, runs / (cpu_seconds(who) - cpu_start)};
}

}  // namespace

int main(int argc, char** argv) {
    // For a profiler: N validations in one process.
    if (argc == 5 && std::strcmp(argv[1], "--validate-loop") == 0) {
        for (int i = std::stoi(argv[2]); i > 0; --i)
            if (validate_once(argv[3], argv[4]) != 0) return 3;
        return 0;
    }
    double seconds = 5;
    if (argc == 3 && std::strcmp(argv[1], "--seconds") == 0) seconds = std::stod(argv[2]);
    std::string self = fs::canonical("/proc/self/exe").string();
    // The child: a small program that validates one file (validate_pdf_driver.cpp), linking libsign only.
    std::string driver = (fs::path(self).parent_path() / "validate_pdf_driver").string();

    test::TempDir work("validation-bench");
    test::SignctlFolder folder;
    require(folder.make_test_pki(), "make-test-pki");
    std::string root = folder.path("ca/root-ca.pem");
    auto sign = [&](const fs::path& in, const fs::path& out, const std::string& label) {
        require(folder.signctl(folder.as_owner({"sign", "pdf", in.string(), "--key", "pkcs11:object=" + label + ";type=private",
                                                "--cert", folder.path("certs/" + label + ".pem"), "--level", "b-lt", "--tsa",
                                                "local", "--out", out.string()},
                                               label)),
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
    Rate in_process = rate(seconds, RUSAGE_SELF, [&] { validate_pdf(two, options); });
    Rate ours = rate(seconds, RUSAGE_CHILDREN, [&] { bench::run({driver, two, root}, {}, "/dev/null"); });
    Rate theirs = rate(seconds, RUSAGE_CHILDREN, [&] { bench::run({"pdfsig", "-no-ocsp", "-nssdir", nss, two}, {}, "/dev/null"); });
    std::printf("two-signature PAdES B-LT, offline (per wall-clock second / per CPU second):\n");
    std::printf("  ours, in-process                 %8.1f / %8.1f validations/s\n", in_process.per_wall_second, in_process.per_cpu_second);
    std::printf("  ours, one process each (driver)  %8.1f / %8.1f validations/s\n", ours.per_wall_second, ours.per_cpu_second);
    std::printf("  pdfsig -no-ocsp, one process each %7.1f / %8.1f validations/s\n", theirs.per_wall_second, theirs.per_cpu_second);
    std::printf("  ratio ours/pdfsig, process against process: %.2fx wall-clock, %.2fx CPU (goal >= 3x)\n",
                ours.per_wall_second / theirs.per_wall_second, ours.per_cpu_second / theirs.per_cpu_second);
    std::printf("  ratio ours in-process/pdfsig: %.2fx wall-clock, %.2fx CPU\n",
                in_process.per_wall_second / theirs.per_wall_second, in_process.per_cpu_second / theirs.per_cpu_second);

    // 2. peak RSS on a 20 MB PDF
    bench::make_pdf(work / "big.pdf", 4600, 2);
    sign(work / "big.pdf", work / "big-signed.pdf", "leader");
    auto size = fs::file_size(work / "big-signed.pdf");
    auto measured = bench::run({driver, (work / "big-signed.pdf").string(), root}, {}, work / "big.log");
    std::printf("validating a %.1f MB PDF in a child process: exit %d, %.0f ms, peak RSS %.1f MB = %.2fx the file (goal < 2x)\n",
                size / 1e6, measured.exit_code, measured.ms, measured.max_rss_kb / 1024.0,
                measured.max_rss_kb * 1024.0 / static_cast<double>(size));
    return 0;
}
