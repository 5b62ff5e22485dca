#pragma once
// The test PKI for the harnesses that answer as our TSA or OCSP responder. Made before the first
// input (its RSA keys take seconds under the sanitizers, beyond libFuzzer's per-input timeout);
// it reads the certificate profiles of config/ in the source tree.

#include <cstdlib>

#include "test_pki.h"

inline sign::test::TestPki& fuzz_test_pki() {
    ::setenv("SIGN_SOURCE_DIR", SIGN_SOURCE_DIR, 0);
    return sign::test::TestPki::shared();
}
