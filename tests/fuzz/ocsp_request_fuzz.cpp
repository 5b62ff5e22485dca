// RFC 6960 OCSPRequest as the OCSP responder receives them over HTTP (POST body, or the base64 of
// a GET path once decoded): every request must get an OCSPResponse, never an exception or a crash.
#include <chrono>

#include "fuzz_test_pki.h"
#include "sign/ocsp_responder.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz_test_pki();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sign::test::TestPki& pki = fuzz_test_pki();
    static const sign::OcspResponder responder(pki.sub.copy(), pki.leaves.at("ocsp").certificate.copy(),
                                               *pki.leaves.at("ocsp").key, pki.registry);
    static const auto now = std::chrono::system_clock::now();  // the test PKI is issued at start-up
    auto response = responder.respond(std::span<const std::uint8_t>(data, size), now);
    if (response.empty()) __builtin_trap();
    return 0;
}
