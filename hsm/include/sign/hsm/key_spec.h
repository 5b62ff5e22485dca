#pragma once
// The key types the project may generate on a token, limited to what
// Circular 15/2025/TT-BKHCN allows (RSA >= 2048, ECDSA >= 256).

#include <string>
#include <string_view>

namespace sign::hsm {

enum class KeyAlgorithm { rsa, ec };

/// One generatable key type.
struct KeySpec {
    KeyAlgorithm algorithm;
    unsigned bits;          ///< RSA modulus size, or EC field size
    std::string curve;      ///< OpenSSL curve name for EC keys ("prime256v1", "secp384r1")

    /// Parses "rsa-2048", "rsa-3072", "rsa-4096", "ec-p256", "ec-p384"; anything else is refused.
    static KeySpec parse(std::string_view name);
    /// The name parse() accepts.
    std::string name() const;
};

}  // namespace sign::hsm
