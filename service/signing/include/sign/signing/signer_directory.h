#pragma once
// The one place a signer is built from the CA database: its key on the token,
// its certificate and the chain sent with it. Seals, CSC signHash and
// signature requests all ask here, so they sign with the same certificate for
// the same key and parse it once.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sign/ca/ca_service.h"
#include "sign/certificate.h"
#include "sign/signature_scheme.h"
#include "sign/signer.h"
#include "sign/signing/key_cache.h"
#include "sign/store/certificate_store.h"

namespace sign::signing {

/// A certificate of the CA database, parsed, with the issuing CAs a signature carries (root
/// excluded). Immutable, so it is shared between requests; revocation is read separately, each time.
struct SignerCertificate {
    Certificate certificate;
    std::vector<Certificate> chain;
};

class SignerDirectory {
public:
    /// All borrowed; they must outlive the directory. `digest` is the data folder's default digest.
    SignerDirectory(const store::CertificateStore& certificates, const ca::CaService& ca, KeyCache& keys, std::string digest);

    /// The certificate with this serial (lower-case hex), parsed on first use. Throws not_found
    /// `unknown_certificate` when the CA database has no such certificate.
    std::shared_ptr<const SignerCertificate> certificate(const std::string& serial_hex) const;

    /// The key named by this PKCS#11 URI, opened on first use. Throws hsm::KeyNotFound.
    const hsm::PrivateKey& key(const std::string& key_uri) const;

    /// A signer with the key at `key_uri` and the certificate `serial_hex`, signing with `scheme`
    /// and the default digest.
    Signer signer(const std::string& key_uri, const std::string& serial_hex, SignatureScheme scheme) const;

    /// The root's certificate (PEM), which relying parties anchor the chain to.
    std::string root_pem() const;

    /// The CA database, for revocation status (libsign's CertificateRegistry).
    const store::CertificateStore& certificates() const { return certificates_; }

    const std::string& digest() const { return digest_; }

private:
    const store::CertificateStore& certificates_;
    const ca::CaService& ca_;
    KeyCache& keys_;
    std::string digest_;
    mutable std::mutex parsed_mutex_;
    mutable std::map<std::string, std::shared_ptr<const SignerCertificate>> parsed_;
};

}  // namespace sign::signing
