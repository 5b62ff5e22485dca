#include "token_pki.h"

#include <boost/test/unit_test.hpp>

#include <cstdlib>

namespace sign::test {

namespace {

// Builds the PKI and returns its folder, ready for the token to be opened.
SignctlFolder& built(SignctlFolder& folder) {
    auto result = folder.make_test_pki();
    if (result.exit_code != 0) throw std::runtime_error("make-test-pki failed:\n" + result.output);
    setenv("SOFTHSM2_CONF", folder.path("softhsm2.conf").c_str(), 1);
    return folder;
}

}  // namespace

TokenPki& TokenPki::shared() {
    static TokenPki pki;
    return pki;
}

TokenPki::TokenPki()
    : token_(hsm::Module::default_path(), "city-ca", hsm::Pin(built(folder_).user_pin())) {}

hsm::PrivateKey TokenPki::key(const std::string& label) {
    return token_.private_key("pkcs11:object=" + label + ";type=private");
}

Certificate TokenPki::certificate(const std::string& label) const { return Certificate::load(path("certs/" + label + ".pem")); }

Signer TokenPki::signer(const std::string& label, std::optional<SignatureScheme> scheme, const std::string& digest) {
    keys_.push_back(std::make_unique<hsm::PrivateKey>(key(label)));
    const hsm::PrivateKey& held = *keys_.back();
    std::vector<Certificate> chain;
    chain.push_back(certificate("issuing-ca"));
    auto public_key = held.public_key();
    return Signer{held, certificate(label), std::move(chain), scheme.value_or(default_scheme_for(public_key.get())), digest};
}

}  // namespace sign::test
