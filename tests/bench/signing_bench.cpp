// Whole-command signing times of `signctl sign pdf|xml|cms` against the usual free tools
// signing with the same SoftHSM2 key, measured in one run, and the peak memory of
// `signctl sign pdf` on a large PDF. Not a test: it prints figures.
//
//   signing_bench [--rounds N]
//
// Every figure is a whole command against a whole command: process start, token login,
// reading the input, signing and writing the output, as a person would run them. The two
// sides alternate within each round (ours first on even rounds, the peer first on odd
// ones) to spread drift; each side is run once before timing (warm-up, and the run whose
// output is checked). Peers:
//   PDF  pdfsig -add-signature (poppler), the key through NSS with SoftHSM2 added by modutil
//   XML  xmlsec1 --sign, the key through the OpenSSL pkcs11 engine (libp11)
//   CMS  openssl cms -sign -binary (detached), the key through the OpenSSL pkcs11 engine
// A peer that cannot be made to sign with the token prints why instead of a number.

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_documents.h"
#include "measured_run.h"
#include "signctl_folder.h"
#include "temp_dir.h"

using namespace sign;
using sign::bench::Run;
using sign::bench::run;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* softhsm_module = "/usr/lib/softhsm/libsofthsm2.so";

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What quote() shortens in printed commands: the temporary folders, and the (throwaway) PIN.
std::vector<std::pair<std::string, std::string>> printed_as;

std::string quote(const std::vector<std::string>& argv) {
    std::string line;
    for (const auto& arg : argv) line += (line.empty() ? "" : " ") + arg;
    for (const auto& [text, shown] : printed_as)
        for (size_t at; (at = line.find(text)) != std::string::npos;) line.replace(at, text.size(), shown);
    return line;
}

std::string last_lines(const std::string& text, size_t lines = 4) {
    size_t position = text.size();
    while (lines-- > 0 && position > 0) {
        position = text.rfind('\n', position - 1);
        if (position == std::string::npos) return text;
    }
    return text.substr(position + 1);
}

Run require(const Run& result, const std::vector<std::string>& argv) {
    if (result.exit_code != 0)
        throw Failure(argv[0] + " exited " + std::to_string(result.exit_code) + ": " + last_lines(result.output));
    return result;
}

void write_file(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw Failure("cannot write " + path.string());
}

void make_random_file(const fs::path& path, size_t size, uint64_t seed) {
    std::ofstream out(path, std::ios::binary);
    bench::write_random(out, size, seed);
    if (!out) throw Failure("cannot write " + path.string());
}

// An XML form of about `size` bytes with Vietnamese text; with `signature_template`, an empty
// enveloped ds:Signature (RSA-SHA256, C14N 1.0, the certificate in KeyInfo) for xmlsec1 to fill.
std::string make_form(size_t size, bool signature_template) {
    std::string body;
    for (int i = 0; body.size() < size; ++i)
        body += "  <truong id=\"f" + std::to_string(i) + "\"><ten>Họ và tên người nộp " + std::to_string(i) +
                "</ten><gia_tri>Nguyễn Thị Bích Ngọc, số 12 đường Trần Phú, quận Hải Châu</gia_tri></truong>\n";
    std::string signature;
    if (signature_template)
        signature =
            "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"
            "<CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>"
            "<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
            "<Reference URI=\"\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
            "</Transforms><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference>"
            "</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<to_khai xmlns=\"urn:city:form\">\n" + body + signature +
           "</to_khai>\n";
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string megabytes(uintmax_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

/// One side of a comparison: a command, how to check a run of it, and the timings.
struct Side {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;
    fs::path output;  ///< removed before each run; must exist afterwards
    /// Accepts a run or throws Failure; by default, exit code 0.
    std::function<void(const Run&)> accept;
    /// Run once on the warm-up output: checks the signature with an independent verifier.
    std::function<void()> verify;
    std::vector<double> ms;
    long max_rss_kb = 0;
    std::optional<std::string> failure;  ///< why this side has no figure
};

struct Row {
    std::string what;
    Side ours;
    Side peer;
    std::string note;  ///< what differs between the two, printed under the table
};

Run run_side(Side& side, const fs::path& log) {
    std::error_code ignored;
    fs::remove(side.output, ignored);
    Run result = run(side.argv, side.env, log);
    if (side.accept) {
        side.accept(result);
    } else {
        require(result, side.argv);
    }
    if (!fs::exists(side.output)) throw Failure(side.argv[0] + " exited " + std::to_string(result.exit_code) +
                                                " but wrote no " + side.output.filename().string());
    side.max_rss_kb = std::max(side.max_rss_kb, result.max_rss_kb);
    return result;
}

void measure(std::vector<Row>& rows, int rounds, const fs::path& log) {
    for (auto& row : rows) {
        for (Side* side : {&row.ours, &row.peer}) {
            if (side->failure) continue;
            try {
                run_side(*side, log);
                if (side->verify) side->verify();
            } catch (const Failure& failure) {
                side->failure = failure.what();
            }
        }
        for (int round = 0; round < rounds; ++round) {
            Side* order[2] = {&row.ours, &row.peer};
            if (round % 2) std::swap(order[0], order[1]);
            for (Side* side : order) {
                if (side->failure) continue;
                try {
                    side->ms.push_back(run_side(*side, log).ms);
                } catch (const Failure& failure) {
                    side->failure = failure.what();
                }
            }
        }
        std::fprintf(stderr, "  measured: %s\n", row.what.c_str());
    }
}

std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

void print_table(const std::vector<Row>& rows, int rounds) {
    std::printf("\nMedian of %d rounds, ms per document (whole command: start, login, read, sign, write)\n\n", rounds);
    std::printf("%-44s %10s %10s %8s\n", "what", "ours", "peer", "ours/peer");
    for (const auto& row : rows) {
        auto figure = [](const Side& side) {
            char text[32];
            if (side.failure || side.ms.empty()) return std::string("-");
            std::snprintf(text, sizeof text, "%.1f", median(side.ms));
            return std::string(text);
        };
        std::string ratio = "-";
        if (!row.ours.failure && !row.peer.failure && !row.ours.ms.empty() && !row.peer.ms.empty()) {
            char text[32];
            std::snprintf(text, sizeof text, "%.2f", median(row.ours.ms) / median(row.peer.ms));
            ratio = text;
        }
        std::printf("%-44s %10s %10s %8s\n", row.what.c_str(), figure(row.ours).c_str(), figure(row.peer).c_str(),
                    ratio.c_str());
        if (row.ours.failure) std::printf("    ours failed: %s\n", one_line(*row.ours.failure).c_str());
        if (row.peer.failure) std::printf("    peer: %s\n", one_line(*row.peer.failure).c_str());
    }
}

long self_anonymous_rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssAnon:", 0) == 0) return std::atol(line.c_str() + 8);
    return 0;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

int main(int argc, char** argv) {
    int rounds = 5;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
            rounds = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--rounds N]   (timed runs per command, default 5)\n", argv[0]);
            return 2;
        }
    }
    try {
        std::fprintf(stderr, "building the test PKI...\n");
        test::SignctlFolder pki;
        auto made = pki.make_test_pki();
        if (made.exit_code != 0) throw Failure("make-test-pki failed: " + last_lines(made.output, 10));
        test::TempDir work("signing-bench");
        const fs::path log = work / "command.log";
        const std::string pin = pki.user_pin();
        const std::string data = pki.path("");
        const std::string leader_cert = pki.path("certs/leader.pem");
        const std::string leader_key = "pkcs11:object=leader;type=private";
        const std::map<std::string, std::string> token_env = pki.token_environment();
        printed_as = {{pki.path(""), "$PKI/"}, {(work / "").string(), "$WORK/"}, {pin, "$PIN"}, {SIGNCTL, "signctl"}};

        // Inputs.
        std::fprintf(stderr, "making the inputs...\n");
        const fs::path pdf1 = work / "doc-1mb.pdf", pdf20 = work / "doc-20mb.pdf";
        bench::make_pdf(pdf1, 1024, 1);    // 1 MiB of pixels
        bench::make_pdf(pdf20, 4580, 20);  // 20 MiB of pixels
        for (const auto& pdf : {pdf1, pdf20}) {
            std::vector<std::string> check = {"qpdf", "--check", pdf.string()};
            require(run(check, {}, log), check);
        }
        const fs::path xml = work / "form.xml", xml_template = work / "form-template.xml";
        write_file(xml, make_form(100 * 1024, false));
        write_file(xml_template, make_form(100 * 1024, true));
        const fs::path bin1 = work / "file-1mb.bin", bin20 = work / "file-20mb.bin";
        make_random_file(bin1, 1 << 20, 101);
        make_random_file(bin20, 20 << 20, 120);

        // NSS for pdfsig: a database with the SoftHSM2 module added, so "city-ca:leader" is the
        // leader's certificate and key on the token; a second one without it for verifying.
        const fs::path nss = work / "nss", nss_verify = work / "nss-verify";
        for (const auto& dir : {nss, nss_verify}) {
            fs::create_directory(dir);
            std::vector<std::string> create = {"certutil", "-N", "-d", "sql:" + dir.string(), "--empty-password"};
            require(run(create, {}, log), create);
        }
        std::vector<std::string> add_module = {"modutil", "-force", "-dbdir", "sql:" + nss.string(), "-add", "softhsm",
                                               "-libfile", softhsm_module};
        require(run(add_module, token_env, log), add_module);

        // OpenSSL with the pkcs11 engine loading SoftHSM2 itself (not through p11-kit-proxy), as signctl does.
        const fs::path openssl_conf = work / "openssl-pkcs11.cnf";
        write_file(openssl_conf,
                   "openssl_conf = openssl_init\n[openssl_init]\nengines = engine_section\n"
                   "[engine_section]\npkcs11 = pkcs11_section\n[pkcs11_section]\nengine_id = pkcs11\n"
                   "MODULE_PATH = " + std::string(softhsm_module) + "\ninit = 0\n");
        auto engine_env = token_env;
        engine_env["OPENSSL_CONF"] = openssl_conf.string();
        const std::string engine_key = "pkcs11:token=city-ca;object=leader;type=private;pin-value=" + pin;
        std::vector<std::string> has_engine = {"openssl", "engine", "pkcs11", "-t"};
        Run engine_check = run(has_engine, engine_env, log);
        std::optional<std::string> no_engine;
        if (engine_check.exit_code != 0)
            no_engine = "the OpenSSL pkcs11 engine is missing (apt-get install libengine-pkcs11-openssl): " +
                        last_lines(engine_check.output, 2);

        auto signctl = [&](std::vector<std::string> args) {
            args.insert(args.begin(), {SIGNCTL, "--data", data});
            return args;
        };

        std::vector<Row> rows;

        // PDF: ours B-T and B-B against pdfsig, which cannot time-stamp.
        auto pdf_row = [&](const std::string& what, const fs::path& input, const std::string& level) {
            Row row;
            row.what = what;
            fs::path ours_out = work / ("ours-" + level + "-" + input.filename().string());
            std::vector<std::string> args = {"sign", "pdf", input.string(), "--key", leader_key, "--cert", leader_cert,
                                             "--level", level, "--out", ours_out.string()};
            if (level == "b-t") args.insert(args.end(), {"--tsa", "local"});
            row.ours.argv = signctl(args);
            row.ours.output = ours_out;

            fs::path peer_out = work / ("pdfsig-" + input.filename().string());
            row.peer.argv = {"pdfsig", "-nssdir", "sql:" + nss.string(), "-nss-pwd", pin, "-kpw", pin, "-add-signature",
                             "-nick", "city-ca:leader", "-digest", "SHA256", input.string(), peer_out.string()};
            row.peer.env = token_env;
            row.peer.output = peer_out;
            // poppler 22.12 + SoftHSM2 2.6.1: the signed file is written, then pdfsig dies of SIGSEGV in
            // its exit handler (NSS_Shutdown -> C_CloseAllSessions after SoftHSM2's own static
            // destructors ran). Only that crash is accepted, and only with a valid output (checked once).
            row.peer.accept = [argv = row.peer.argv](const Run& result) {
                if (result.exit_code == 0 || result.signal == SIGSEGV) return;
                require(result, argv);
            };
            row.peer.verify = [&, peer_out] {
                std::vector<std::string> check = {"pdfsig", "-nssdir", "sql:" + nss_verify.string(), "-nocert",
                                                  peer_out.string()};
                Run checked = require(run(check, {}, log), check);
                if (!contains(checked.output, "Signature is Valid.") || !contains(checked.output, "Total document signed"))
                    throw Failure("pdfsig's own signature does not verify: " + last_lines(checked.output, 3));
            };
            return row;
        };
        rows.push_back(pdf_row("PDF 1 MB, ours B-T vs pdfsig (no time-stamp)", pdf1, "b-t"));
        rows.push_back(pdf_row("PDF 1 MB, ours B-B vs pdfsig", pdf1, "b-b"));
        rows.push_back(pdf_row("PDF 20 MB, ours B-T vs pdfsig (no time-stamp)", pdf20, "b-t"));
        rows.push_back(pdf_row("PDF 20 MB, ours B-B vs pdfsig", pdf20, "b-b"));

        // XAdES: ours enveloped B-B with RSA PKCS#1 v1.5 (what xmlsec1's rsa-sha256 is).
        auto xml_ours = [&] {
            Side side;
            fs::path out = work / "form.signed.xml";
            side.argv = signctl({"sign", "xml", xml.string(), "--key", leader_key, "--cert", leader_cert, "--level", "b-b",
                                 "--scheme", "rsa-pkcs1", "--out", out.string()});
            side.output = out;
            return side;
        };
        auto xmlsec_verify = [&](const fs::path& signed_file, const std::vector<std::string>& trust) {
            return [&, signed_file, trust] {
                std::vector<std::string> check = {"xmlsec1", "--verify"};
                check.insert(check.end(), trust.begin(), trust.end());
                check.push_back(signed_file.string());
                require(run(check, {}, log), check);
            };
        };
        {
            Row row;
            row.what = "XAdES 100 KB enveloped B-B, RSA-3072 token";
            row.ours = xml_ours();
            fs::path out = work / "xmlsec1-token.xml";
            row.peer.argv = {"xmlsec1", "--sign", "--crypto", "openssl", "--privkey-openssl-engine",
                             "pkcs11;" + engine_key + "," + leader_cert, "--output", out.string(), xml_template.string()};
            row.peer.env = engine_env;
            row.peer.output = out;
            row.peer.accept = [argv = row.peer.argv](const Run& result) {
                if (result.exit_code != 0 && contains(result.output, "key is not found"))
                    throw Failure("xmlsec1 exited " + std::to_string(result.exit_code) +
                                  ": \"key is not found\" (it takes the engine's token key for a public key, see below)");
                require(result, argv);
            };
            row.peer.verify = xmlsec_verify(out, {"--trusted-pem", pki.path("certs/root-ca.pem"), "--untrusted-pem",
                                                  pki.path("certs/issuing-ca.pem")});
            if (no_engine) row.peer.failure = no_engine;
            rows.push_back(std::move(row));
        }
        {
            // For scale only: xmlsec1 with an RSA-3072 key in a PEM file, since it cannot use the token (above).
            Row row;
            row.what = "XAdES 100 KB, xmlsec1 with a PEM key (no HSM)";
            row.ours = xml_ours();
            fs::path key = work / "file-key.pem", cert = work / "file-cert.pem";
            std::vector<std::string> make_key = {"openssl", "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-keyout",
                                                 key.string(), "-out", cert.string(), "-subj", "/CN=bench", "-days", "2"};
            require(run(make_key, {}, log), make_key);
            fs::path out = work / "xmlsec1-file.xml";
            row.peer.argv = {"xmlsec1", "--sign", "--privkey-pem", key.string() + "," + cert.string(), "--output",
                             out.string(), xml_template.string()};
            row.peer.output = out;
            row.peer.verify = xmlsec_verify(out, {"--trusted-pem", cert.string()});
            row.note = "the second XAdES row's peer key is a file, not the token: no login, no PKCS#11";
            rows.push_back(std::move(row));
        }

        // CMS: detached B-B against openssl cms -sign -binary (detached is its default).
        auto cms_row = [&](const std::string& what, const fs::path& input) {
            Row row;
            row.what = what;
            fs::path ours_out = work / (input.filename().string() + ".p7s");
            row.ours.argv = signctl({"sign", "cms", input.string(), "--key", leader_key, "--cert", leader_cert, "--level",
                                     "b-b", "--scheme", "rsa-pkcs1", "--out", ours_out.string()});
            row.ours.output = ours_out;
            fs::path peer_out = work / (input.filename().string() + ".openssl.p7s");
            row.peer.argv = {"openssl", "cms", "-sign", "-binary", "-engine", "pkcs11", "-keyform", "engine", "-inkey",
                             engine_key, "-signer", leader_cert, "-md", "sha256", "-in", input.string(), "-outform", "DER",
                             "-out", peer_out.string()};
            row.peer.env = engine_env;
            row.peer.output = peer_out;
            row.peer.verify = [&, input, peer_out] {
                std::vector<std::string> check = {"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                                                  peer_out.string(), "-content", input.string(), "-CAfile",
                                                  pki.path("certs/chain.pem"), "-purpose", "any", "-out", "/dev/null"};
                require(run(check, {}, log), check);
            };
            if (no_engine) row.peer.failure = no_engine;
            return row;
        };
        rows.push_back(cms_row("CMS 1 MB detached B-B", bin1));
        rows.push_back(cms_row("CMS 20 MB detached B-B", bin20));

        std::fprintf(stderr, "measuring (%d rounds)...\n", rounds);
        measure(rows, rounds, log);
        print_table(rows, rounds);

        std::printf("\nOurs:\n  PDF  %s\n  XML  %s\n  CMS  %s\n", quote(rows[0].ours.argv).c_str(),
                    quote(rows[4].ours.argv).c_str(), quote(rows[6].ours.argv).c_str());
        std::printf("Peers (same SoftHSM2 token and leader RSA-3072 key unless said otherwise; $PKI is the test\n"
                    "PKI's data folder, $WORK the inputs and outputs, $PIN the token's user PIN):\n");
        std::printf("  PDF  %s\n", quote(rows[0].peer.argv).c_str());
        std::printf("       poppler 22.12 signs adbe.pkcs7.detached (its -etsi is refused with -add-signature), SHA-256,\n"
                    "       no time-stamp (it has no TSA option); ours signs ETSI.CAdES.detached (PAdES), B-T with\n"
                    "       --tsa local. Both append an incremental update (output sizes below).\n"
                    "       pdfsig exits by SIGSEGV after writing (NSS_Shutdown at exit calls into an already\n"
                    "       torn-down SoftHSM2); that status is accepted, and its output checked with pdfsig -nocert.\n");
        std::printf("  XML  %s\n", quote(rows[4].peer.argv).c_str());
        std::printf("       xmlsec1 1.2.37 (Debian 12) on OpenSSL 3 decides an RSA key is private only if it can read\n"
                    "       its private exponent, which an engine (token) key never gives, so it finds no signing key.\n"
                    "       With the citizen P-256 key it fails too (it cannot read the curve order of an engine key).\n"
                    "       Its only crypto back-end there is OpenSSL, so NSS is no way round. Shown instead:\n"
                    "       %s\n"
                    "       ours: XAdES B-B (SignedProperties, signing certificate), enveloped, rsa-pkcs1; xmlsec1: plain\n"
                    "       XML-DSig enveloped RSA-SHA256 from a template.\n",
                    quote(rows[5].peer.argv).c_str());
        std::printf("  CMS  OPENSSL_CONF=<pkcs11 engine, MODULE_PATH=%s> %s\n", softhsm_module,
                    quote(rows[6].peer.argv).c_str());
        std::printf("       both detached, SHA-256, RSA PKCS#1 v1.5; ours adds the CAdES signing-certificate-v2 attribute.\n");
        std::printf("  Every signature a peer made was verified once (pdfsig / xmlsec1 --verify / openssl cms -verify).\n");

        // Memory: peak RSS of signctl sign pdf B-T on the 20 MB PDF, from wait4's rusage.
        long floor_kb = self_anonymous_rss_kb();
        std::vector<std::string> memory_argv = rows[2].ours.argv;
        Run memory = require(run(memory_argv, {}, log), memory_argv);
        auto file_size = fs::file_size(pdf20);
        double rss_bytes = static_cast<double>(memory.max_rss_kb) * 1024;
        std::printf("\nPeak RSS, signctl sign pdf --level b-t, %s PDF: %.1f MB = %.2f x the file size "
                    "(goal: at most about 2)\n",
                    megabytes(file_size).c_str(), rss_bytes / 1e6, rss_bytes / static_cast<double>(file_size));
        if (rows[2].peer.max_rss_kb > 0)
            std::printf("Peak RSS, pdfsig -add-signature, same PDF: %.1f MB = %.2f x the file size\n",
                        static_cast<double>(rows[2].peer.max_rss_kb) * 1024 / 1e6,
                        static_cast<double>(rows[2].peer.max_rss_kb) * 1024 / static_cast<double>(file_size));
        std::printf("(a forked child starts with this benchmark's anonymous resident pages, %.1f MB, so up to that\n"
                    " much of a figure may be ours and not the command's)\n",
                    static_cast<double>(floor_kb) * 1024 / 1e6);
        for (size_t i : {size_t{0}, size_t{2}}) {
            const Row& row = rows[i];
            auto size_of = [](const Side& side) {
                std::error_code error;
                auto size = fs::file_size(side.output, error);
                return error ? std::string("-") : megabytes(size);
            };
            std::printf("Output size, %s -> ours B-T %s, pdfsig %s\n",
                        megabytes(fs::file_size(i == 0 ? pdf1 : pdf20)).c_str(), size_of(row.ours).c_str(),
                        size_of(row.peer).c_str());
        }
        for (const auto& row : rows)
            if (!row.note.empty()) std::printf("Note: %s\n", row.note.c_str());
    } catch (const std::exception& error) {
        std::fprintf(stderr, "signing_bench: %s\n", error.what());
        return 1;
    }
    return 0;
}
