#pragma once
// Who signs and how: the key on the token, its certificate and the chain to
// include, and the algorithms. Every signature format takes one of these.

#include <string>
#include <vector>

#include "sign/certificate.h"
#include "sign/signature_scheme.h"
#include "sign/signing_key.h"

namespace sign {

struct Signer {
    const SigningKey& key;               ///< borrowed; must outlive the signing operation
    Certificate certificate;             ///< the signer's certificate, matching `key`
    std::vector<Certificate> chain;      ///< issuing CAs up to, not including, the root
    SignatureScheme scheme;              ///< rsa-pss, rsa-pkcs1 or ecdsa; must fit the key
    std::string digest = "sha256";       ///< for the content and the signature
};

}  // namespace sign
