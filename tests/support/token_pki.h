#pragma once
// The test PKI of certs-test/make-test-pki (root, issuing CA, agency seal,
// leader, citizen, TSA, OCSP, TLS; images), built once per test program with
// signctl and opened in-process so tests sign with its keys on its token.
//
// It points SOFTHSM2_CONF at its own token folder for the whole program, so a
// test program that uses it must not also use SoftHsmToken.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sign/certificate.h"
#include "sign/hsm/token.h"
#include "sign/signer.h"
#include "signctl_folder.h"

namespace sign::test {

class TokenPki {
public:
    /// Built on first use, then shared by every test of the program (tests only read it).
    static TokenPki& shared();

    /// The logged-in token holding every key of the PKI.
    hsm::Token& token() { return token_; }
    /// The key labelled `label` ("agency-seal", "leader", "citizen", "tsa", "ocsp", "tls-server").
    hsm::PrivateKey key(const std::string& label);
    /// certs/<label>.pem, e.g. "leader", "tsa", "issuing-ca", "root-ca".
    Certificate certificate(const std::string& label) const;
    /// A Signer for `label` with the issuing CA as chain; the scheme defaults to the key's natural one.
    /// The key must stay alive while the Signer is used, so it is kept here.
    Signer signer(const std::string& label, std::optional<SignatureScheme> scheme = {}, const std::string& digest = "sha256");
    /// A file of the PKI's data folder: "certs/root-ca.pem", "images/agency-seal.png", "crl/issuing-ca.pem", ...
    std::string path(const std::string& relative) const { return folder_.path(relative); }
    /// The folder, for running signctl against it.
    const SignctlFolder& folder() const { return folder_; }

private:
    TokenPki();
    SignctlFolder folder_;
    hsm::Token token_;
    std::vector<std::unique_ptr<hsm::PrivateKey>> keys_;
};

}  // namespace sign::test
