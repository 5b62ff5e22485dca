// RFC 3161 TimeStampReq as the TSA receives them over HTTP (application/timestamp-query): every
// request must get a TimeStampResp, granted or rejected, never an exception or a crash.
#include <chrono>
#include <cstdlib>

#include "sign/clock.h"
#include "sign/timestamp_authority.h"
#include "test_pki.h"

namespace {

// Made before the first input (its RSA keys take seconds under the sanitizers, beyond libFuzzer's
// per-input timeout); the test PKI reads the certificate profiles of config/ in the source tree.
sign::test::TestPki& test_pki() {
    ::setenv("SIGN_SOURCE_DIR", SIGN_SOURCE_DIR, 0);
    return sign::test::TestPki::shared();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    test_pki();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sign::test::TestPki& pki = test_pki();
    // Fixed for the run: the test PKI is issued at start-up, so its certificates are valid now.
    static const sign::FixedClock clock(std::chrono::system_clock::now());
    static const sign::TimestampAuthority tsa = [] {
        std::vector<sign::Certificate> chain;
        chain.push_back(pki.sub.copy());
        return sign::TimestampAuthority(pki.leaves.at("tsa").certificate.copy(), *pki.leaves.at("tsa").key,
                                        std::move(chain), clock);
    }();
    auto response = tsa.respond(std::span<const std::uint8_t>(data, size));
    // An empty answer would leave the client with nothing to read.
    if (response.empty()) __builtin_trap();
    return 0;
}
