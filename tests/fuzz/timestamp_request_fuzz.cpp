// RFC 3161 TimeStampReq as the TSA receives them over HTTP (application/timestamp-query): every
// request must get a TimeStampResp, granted or rejected, never an exception or a crash.
#include <chrono>

#include "fuzz_test_pki.h"
#include "sign/clock.h"
#include "sign/timestamp_authority.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz_test_pki();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sign::test::TestPki& pki = fuzz_test_pki();
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
