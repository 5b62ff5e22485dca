// Signatures per second through hsm/ (OpenSSL EVP_PKEY -> libp11 -> module) against raw
// PKCS#11 C_Sign on the same token and key, measured in one run. Not a test: it prints figures.
//
//   hsm_sign_bench [--seconds S]
//
// Both paths sign a precomputed SHA-256 digest, so the token does the same work in each; the
// difference is the cost of our layer. Runs alternate (raw, hsm, four times each) to spread drift.

#include <p11-kit/pkcs11.h>

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

using namespace sign;
using Clock = std::chrono::steady_clock;

namespace {

// DER DigestInfo prefix for SHA-256 (RFC 8017, section 9.2 note 1): what CKM_RSA_PKCS signs.
const uint8_t sha256_digest_info_prefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                             0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

// Runs `work` on `threads` threads for `seconds`; returns operations per second.
double measure(int threads, double seconds, const std::function<void(std::atomic<bool>&, std::atomic<long>&)>& work) {
    std::atomic<bool> stop{false};
    std::atomic<long> operations{0};
    std::vector<std::thread> workers;
    auto start = Clock::now();
    for (int i = 0; i < threads; ++i) workers.emplace_back([&] { work(stop, operations); });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& worker : workers) worker.join();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    return static_cast<double>(operations.load()) / elapsed;
}

// One raw session per thread, C_SignInit + C_Sign per signature, as a hand-written client would.
double raw_rate(const hsm::Token& token, const std::string& label, bool rsa, int threads, double seconds) {
    CK_FUNCTION_LIST* p11 = token.module().functions();
    return measure(threads, seconds, [&](std::atomic<bool>& stop, std::atomic<long>& operations) {
        CK_SESSION_HANDLE session;
        if (p11->C_OpenSession(token.slot_id(), CKF_SERIAL_SESSION, nullptr, nullptr, &session) != CKR_OK) std::abort();
        CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
        CK_ATTRIBUTE search[] = {{CKA_CLASS, &private_class, sizeof private_class},
                                 {CKA_LABEL, const_cast<char*>(label.data()), label.size()}};
        CK_OBJECT_HANDLE key;
        CK_ULONG found = 0;
        p11->C_FindObjectsInit(session, search, 2);
        p11->C_FindObjects(session, &key, 1, &found);
        p11->C_FindObjectsFinal(session);
        if (found != 1) std::abort();

        std::vector<uint8_t> input(32, 0x5a);
        if (rsa) input.insert(input.begin(), std::begin(sha256_digest_info_prefix), std::end(sha256_digest_info_prefix));
        CK_MECHANISM mechanism{rsa ? CKM_RSA_PKCS : CKM_ECDSA, nullptr, 0};
        uint8_t signature[512];
        while (!stop) {
            CK_ULONG length = sizeof signature;
            if (p11->C_SignInit(session, &mechanism, key) != CKR_OK ||
                p11->C_Sign(session, input.data(), input.size(), signature, &length) != CKR_OK)
                std::abort();
            ++operations;
        }
        p11->C_CloseSession(session);
    });
}

double hsm_rate(const hsm::PrivateKey& key, bool rsa, int threads, double seconds) {
    auto scheme = rsa ? SignatureScheme::rsa_pkcs1v15 : SignatureScheme::ecdsa;
    return measure(threads, seconds, [&](std::atomic<bool>& stop, std::atomic<long>& operations) {
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
                raw += raw_rate(token, is_rsa ? "bench-rsa" : "bench-ec", is_rsa, threads, seconds / rounds);
                ours += hsm_rate(*key, is_rsa, threads, seconds / rounds);
            }
            std::printf("%-10s %7d %12.0f %12.0f %7.1f%%\n", name, threads, raw / rounds, ours / rounds, 100.0 * ours / raw);
            std::fflush(stdout);
        }
    }
    return 0;
}
