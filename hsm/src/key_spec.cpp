#include "sign/hsm/key_spec.h"

#include "sign/error.h"

namespace sign::hsm {

KeySpec KeySpec::parse(std::string_view name) {
    if (name == "rsa-2048") return {KeyAlgorithm::rsa, 2048, {}};
    if (name == "rsa-3072") return {KeyAlgorithm::rsa, 3072, {}};
    if (name == "rsa-4096") return {KeyAlgorithm::rsa, 4096, {}};
    if (name == "ec-p256") return {KeyAlgorithm::ec, 256, "prime256v1"};
    if (name == "ec-p384") return {KeyAlgorithm::ec, 384, "secp384r1"};
    throw sign::Error(ErrorKind::policy, "unsupported_key_type",
                      "key type '" + std::string(name) +
                          "' is not allowed: use rsa-2048, rsa-3072, rsa-4096, ec-p256 or ec-p384");
}

std::string KeySpec::name() const {
    if (algorithm == KeyAlgorithm::rsa) return "rsa-" + std::to_string(bits);
    return "ec-p" + std::to_string(bits);
}

}  // namespace sign::hsm
