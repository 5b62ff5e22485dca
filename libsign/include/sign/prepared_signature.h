#pragma once
// The hash-split used by remote and mobile signing: a format's prepare() returns
// the digest the key must sign and an opaque state; finalize() takes the state
// and a signature value made elsewhere (CSC signHash, a phone-approved HSM
// operation; in the form sign_digest() returns, DER for ECDSA) and produces
// the signed output. Given the same signature value and
// signing time, the output is byte-identical to one-shot signing.

#include <cstdint>
#include <string>
#include <vector>

#include "sign/signature_scheme.h"

namespace sign {

struct PreparedSignature {
    std::vector<uint8_t> digest;   ///< what the private key signs (sign_digest input)
    std::string digest_name;       ///< the algorithm `digest` was made with
    SignatureScheme scheme;        ///< how it must be signed
    std::vector<uint8_t> state;    ///< opaque to callers; store it as is until finalize()
};

}  // namespace sign
