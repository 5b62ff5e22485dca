// signd under load: CSC signatures/signHash at 1, 8, 32 and 128 connections for an RSA-2048 and a
// P-256 key, as a share of the raw token throughput of the same key measured in the same run,
// with p50 and p99 latency; sealing a 1 MB PDF at 8 connections; signd's peak RSS. Not a test:
// it prints figures. Boost.Test only hosts the shared signd fixture (tests/support); CTest never
// runs this program.
//
//   signd_bench [-- --seconds S]
//
// Each signHash call carries one hash and spends one SAD. The SADs are issued beforehand
// straight into the data folder's store (what credentials/authorize does after the PIN check),
// so the figures are those of signHash alone, not of the deliberately slow PIN verifier.

#define BOOST_TEST_MODULE signd_bench
#include <boost/test/unit_test.hpp>

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "bench_documents.h"
#include "http_load.h"
#include "sign/data_folder/data_folder.h"
#include "sign/store/authorization_store.h"
#include "signd_process.h"
#include "temp_dir.h"
#include "token_rates.h"

using namespace sign;
using namespace std::chrono_literals;

namespace {

double seconds_per_run() {
    auto& master = boost::unit_test::framework::master_test_suite();
    for (int i = 1; i + 1 < master.argc; ++i)
        if (std::strcmp(master.argv[i], "--seconds") == 0) return std::atof(master.argv[i + 1]);
    return 4.0;
}

std::string base64(const std::vector<uint8_t>& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(length));
    return out;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// CPU seconds (user + system) a process has used so far.
double cpu_seconds(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long peak_rss_kb(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

struct Credential {
    std::string id;         ///< signer id and token label
    std::string profile;
    std::string key_type;
    std::string subject;
    std::string sign_algo;  ///< sha256WithRSAEncryption or ecdsa-with-SHA256
    bool rsa;
};

const std::vector<Credential> credentials = {
    {"bench-rsa", "leader", "rsa-2048", "CN=Lê Văn Bình,title=Chánh Văn phòng,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN,UID=CCCD:048090004321",
     "1.2.840.113549.1.1.11", true},
    {"bench-ec", "citizen", "ec-p256", "CN=Phạm Thị Hoa,L=Đà Nẵng,C=VN,UID=CCCD:048195004321", "1.2.840.10045.4.3.2", false},
};

// A pool of one-hash SADs per connection, issued through the write queue from many threads at
// once so that group commit keeps the set-up short.
struct SadPool {
    std::vector<std::vector<std::pair<std::string, std::string>>> per_connection;  // (SAD, base64 hash)
};

SadPool issue_sads(store::AuthorizationStore& store, const std::string& credential, int connections, long per_connection) {
    SadPool pool;
    pool.per_connection.resize(static_cast<size_t>(connections));
    std::vector<std::thread> issuers;
    for (int c = 0; c < connections; ++c) pool.per_connection[static_cast<size_t>(c)].resize(static_cast<size_t>(per_connection));
    constexpr int issuer_threads = 64;
    for (int t = 0; t < issuer_threads; ++t)
        issuers.emplace_back([&, t] {
            for (long n = t; n < per_connection * connections; n += issuer_threads) {
                std::vector<uint8_t> hash(32);
                RAND_bytes(hash.data(), 32);
                store::Authorization authorization{credential, "bench", {hash}, std::chrono::system_clock::now() + 5min};
                auto sad = store.issue(authorization);
                pool.per_connection[static_cast<size_t>(n % connections)][static_cast<size_t>(n / connections)] = {sad, base64(hash)};
            }
        });
    for (auto& issuer : issuers) issuer.join();
    return pool;
}

}  // namespace

BOOST_AUTO_TEST_CASE(signd_throughput) {
    const double seconds = seconds_per_run();
    test::SigndServer server({.flags = {"--max-concurrent", "256"},
                              .own_folder = true,
                              .prepare = [](const std::string& data_dir) {
                                  auto signctl = [&](std::vector<std::string> args) {
                                      args.insert(args.begin(), {SIGNCTL, "--data", data_dir, "--json"});
                                      auto result = test::run_command(args);
                                      if (result.exit_code != 0) throw std::runtime_error(result.output);
                                      return nlohmann::json::parse(result.output);
                                  };
                                  test::TempDir pins("bench-pins");
                                  std::ofstream(pins.path() / "pin") << "246810\n";
                                  for (const auto& credential : credentials) {
                                      auto issued = signctl({"cert", "issue", "--profile", credential.profile, "--label", credential.id,
                                                             "--key-type", credential.key_type, "--subject", credential.subject});
                                      signctl({"signer", "add", credential.id, "--name", credential.id, "--cert",
                                               issued["serial"].get<std::string>(), "--pin-file", (pins.path() / "pin").string()});
                                  }
                                  auto client = signctl({"client", "add", "bench", "--name", "Benchmark", "--signer", "*", "--seal", "*"});
                                  std::ofstream(data_dir + "/bench-client.key") << client["api_key"].get<std::string>();
                              }});
    const std::string api_key = read_text(server.data_dir() + "/bench-client.key");
    bench::HttpTarget target{"localhost", server.port(), server.root_ca_pem()};
    data_folder::DataFolder data(server.data_dir());

    std::printf("\nsignd signatures/signHash, one hash per request, %.0f s per run, %u cores\n", seconds,
                std::thread::hardware_concurrency());
    std::printf("%-9s %5s %11s %11s %7s %9s %9s %10s %10s %6s\n", "key", "conns", "raw sig/s", "signd sig/s", "ratio", "p50 ms",
                "p99 ms", "signd CPU", "client CPU", "errors");
    for (const auto& credential : credentials) {
        double raw_one = bench::raw_token_rate(data.token(), credential.id, credential.rsa, 1, seconds / 2);
        double raw_all = bench::raw_token_rate(data.token(), credential.id, credential.rsa,
                                               static_cast<int>(std::thread::hardware_concurrency()), seconds / 2);
        for (int connections : {1, 8, 32, 128}) {
            // Enough SADs for the run at the raw rate, plus a margin.
            long per_connection = static_cast<long>(raw_all * seconds * 1.3 / connections) + 50;
            auto pool = issue_sads(data.database().authorizations(), credential.id, connections, per_connection);
            double signd_cpu = cpu_seconds(server.pid()), client_cpu = cpu_seconds(getpid());
            std::fprintf(stderr, "run %s %d starts\n", credential.key_type.c_str(), connections);
            auto result = bench::run_load(target, connections, std::chrono::duration<double>(seconds),
                                          [&](int connection, long index, bench::LoadRequest& request) {
                                              auto& mine = pool.per_connection[static_cast<size_t>(connection)];
                                              if (index >= static_cast<long>(mine.size())) return false;
                                              request.path = "/csc/v2/signatures/signHash";
                                              request.content_type = "application/json";
                                              request.headers = {{"Authorization", "Bearer " + api_key}};
                                              request.body = nlohmann::json{{"credentialID", credential.id},
                                                                            {"SAD", mine[static_cast<size_t>(index)].first},
                                                                            {"hashes", {mine[static_cast<size_t>(index)].second}},
                                                                            {"signAlgo", credential.sign_algo}}
                                                                 .dump();
                                              return true;
                                          });
            double raw = connections == 1 ? raw_one : raw_all;
            // CPU used during the run as a share of one core: signd, and this process (the clients).
            signd_cpu = 100.0 * (cpu_seconds(server.pid()) - signd_cpu) / result.seconds;
            client_cpu = 100.0 * (cpu_seconds(getpid()) - client_cpu) / result.seconds;
            std::printf("%-9s %5d %11.0f %11.0f %6.1f%% %9.2f %9.2f %9.0f%% %9.0f%% %6ld\n", credential.key_type.c_str(), connections,
                        raw, result.per_second(), 100.0 * result.per_second() / raw, result.p50_ms, result.p99_ms, signd_cpu,
                        client_cpu, result.failures);
            if (result.failures) std::printf("          first failure: %s\n", result.first_failure.c_str());
            std::fflush(stdout);
        }
    }

    // Sealing a 1 MB PDF (PAdES B-T, seal at a fixed spot), 8 connections.
    test::TempDir work("signd-bench");
    bench::make_pdf(work.path() / "doc-1mb.pdf", 1024, 1);
    std::string pdf = read_text((work.path() / "doc-1mb.pdf").string());
    auto sealed = bench::run_load(target, 8, std::chrono::duration<double>(seconds * 2), [&](int, long, bench::LoadRequest& request) {
        request.path = "/api/v1/seals/agency-seal/pdf?page=1&xMm=120&yMm=40";
        request.content_type = "application/pdf";
        request.headers = {{"Authorization", "Bearer " + api_key}};
        request.body = pdf;
        return true;
    });
    std::printf("\nseal 1 MB PDF (PAdES B-T), 8 connections: %.1f documents/s, p50 %.0f ms, p99 %.0f ms, %ld errors\n",
                sealed.per_second(), sealed.p50_ms, sealed.p99_ms, sealed.failures);
    if (sealed.failures) std::printf("  first failure: %s\n", sealed.first_failure.c_str());
    std::printf("signd peak RSS over the whole run: %.1f MB\n", static_cast<double>(peak_rss_kb(server.pid())) / 1024.0);
}
