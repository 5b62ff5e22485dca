// Signatures per second through hsm/ (OpenSSL EVP_PKEY -> libp11 -> module) against raw
// PKCS#11 C_Sign on the same token and key, measured in one run. Not a test: it prints figures.
//
//   hsm_sign_bench [--seconds S]
//
// Both paths sign a precomputed SHA-256 digest, so the token does the same work in each; the
// difference is the cost of our layer. Runs alternate (raw, hsm, four times each) to spread drift.


#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "sign/hsm/token.h"
#include "sign/signature_scheme.h"
#include "softhsm_token.h"
#include "token_rates.h"

using namespace sign;

namespace {

double hsm_rate(const hsm::PrivateKey& key, bool rsa, int threads, double seconds) {
    auto scheme = rsa ? SignatureScheme::rsa_pkcs1v15 : SignatureScheme::ecdsa;
    return bench::measure(threads, seconds, [&](std::atomic<bool>& stop, std::atomic<long>& operations) {
        std::vector<uint8_t> digest(32, 0x5a);
        while (!stop) {
            sign_digest(key, scheme, "sha256", digest);
            ++operations;
        }
    });
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 3.0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--seconds S]   (time per measurement, default 3)\n", argv[0]);
            return 2;
        }
    }
    test::SoftHsmToken softhsm("bench");
    hsm::Token token = softhsm.open();
    hsm::PrivateKey rsa = token.generate_key_pair(hsm::KeySpec::parse("rsa-2048"), "bench-rsa");
    hsm::PrivateKey ec = token.generate_key_pair(hsm::KeySpec::parse("ec-p256"), "bench-ec");

    std::printf("%-10s %7s %12s %12s %8s\n", "key", "threads", "raw sig/s", "hsm/ sig/s", "ratio");
    for (auto [name, key, is_rsa] : {std::tuple{"RSA-2048", &rsa, true}, std::tuple{"P-256", &ec, false}}) {
        for (int threads : {1, 2}) {
            constexpr int rounds = 4;
            double raw = 0, ours = 0;
            for (int round = 0; round < rounds; ++round) {
                raw += bench::raw_token_rate(token, is_rsa ? "bench-rsa" : "bench-ec", is_rsa, threads, seconds / rounds);
                ours += hsm_rate(*key, is_rsa, threads, seconds / rounds);
            }
            std::printf("%-10s %7d %12.0f %12.0f %7.1f%%\n", name, threads, raw / rounds, ours / rounds, 100.0 * ours / raw);
            std::fflush(stdout);
        }
    }
    return 0;
}
