// RFC 6960 OCSPRequest as the OCSP responder receives them over HTTP (POST body, or the base64 of
// a GET path once decoded): every request must get an OCSPResponse, never an exception or a crash.
#include <chrono>
#include <cstdlib>

#include "sign/ocsp_responder.h"
#include "test_pki.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The test PKI reads the certificate profiles of config/ in the source tree.
    static sign::test::TestPki& pki = (::setenv("SIGN_SOURCE_DIR", SIGN_SOURCE_DIR, 0), sign::test::TestPki::shared());
    static const sign::OcspResponder responder(pki.sub.copy(), pki.leaves.at("ocsp").certificate.copy(),
                                               *pki.leaves.at("ocsp").key, pki.registry);
    static const auto now = std::chrono::system_clock::now();  // the test PKI is issued at start-up
    auto response = responder.respond(std::span<const std::uint8_t>(data, size), now);
    if (response.empty()) __builtin_trap();
    return 0;
}
