#include "token_rates.h"

#include <p11-kit/pkcs11.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

namespace sign::bench {

namespace {

// DER DigestInfo prefix for SHA-256 (RFC 8017, section 9.2 note 1): what CKM_RSA_PKCS signs.
const uint8_t sha256_digest_info_prefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                             0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

}  // namespace

double measure(int threads, double seconds, const std::function<void(std::atomic<bool>&, std::atomic<long>&)>& work) {
    std::atomic<bool> stop{false};
    std::atomic<long> operations{0};
    std::vector<std::thread> workers;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < threads; ++i) workers.emplace_back([&] { work(stop, operations); });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& worker : workers) worker.join();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(operations.load()) / elapsed;
}

double raw_token_rate(const hsm::Token& token, const std::string& label, bool rsa, int threads, double seconds) {
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


}  // namespace sign::bench
