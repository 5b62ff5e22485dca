#pragma once
// The raw speed of a token key, for benchmarks that report our throughput as a
// share of it: plain PKCS#11 C_SignInit + C_Sign on one session per thread, as
// a hand-written client would do, over a precomputed SHA-256 digest.

#include <atomic>
#include <functional>
#include <string>

#include "sign/hsm/token.h"

namespace sign::bench {

/// Runs `work` on `threads` threads for `seconds`; returns operations per second.
double measure(int threads, double seconds, const std::function<void(std::atomic<bool>& stop, std::atomic<long>& operations)>& work);

/// Signatures per second of the private key labelled `label` (RSA PKCS#1 v1.5 or ECDSA) on `threads` threads.
double raw_token_rate(const hsm::Token& token, const std::string& label, bool rsa, int threads, double seconds);

}  // namespace sign::bench
