#include "software_key.h"

#include <stdexcept>

#include "sign/error.h"

namespace sign::test {

SoftwareKey SoftwareKey::generate(std::string_view algorithm) {
    EVP_PKEY* key = nullptr;
    std::string name(algorithm);
    if (name.starts_with("rsa-")) {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(std::stoul(name.substr(4))));
    } else if (name.starts_with("ec-p")) {
        std::string curve = "P-" + name.substr(4);
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve.c_str());
    }
    if (key == nullptr) throw std::runtime_error("cannot generate a " + name + " key: " + drain_openssl_errors());
    return SoftwareKey(EvpPkeyPtr(key), name);
}

SoftwareKey::SoftwareKey(EvpPkeyPtr key, std::string name) : key_(std::move(key)), name_(std::move(name)) {}

void SoftwareKey::use(const std::function<bool(EVP_PKEY*)>& operation) const {
    if (!operation(key_.get()))
        throw Error(ErrorKind::token, "signing_failed", "software key failed to sign: " + drain_openssl_errors());
}

EvpPkeyPtr SoftwareKey::public_key() const {
    // Round-trip through SubjectPublicKeyInfo so the copy holds no private half, like a token's.
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(key_.get(), &der);
    if (length <= 0) throw std::runtime_error("cannot export a public key");
    const unsigned char* cursor = der;
    EvpPkeyPtr copy(d2i_PUBKEY(nullptr, &cursor, length));
    OPENSSL_free(der);
    return copy;
}

std::string SoftwareKey::uri() const { return "memory:" + name_; }

}  // namespace sign::test
