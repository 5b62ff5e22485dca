#include "sign/signing/signer_directory.h"

#include "sign/error.h"

namespace sign::signing {

SignerDirectory::SignerDirectory(const store::CertificateStore& certificates, const ca::CaService& ca, KeyCache& keys,
                                 std::string digest)
    : certificates_(certificates), ca_(ca), keys_(keys), digest_(std::move(digest)) {}

std::shared_ptr<const SignerCertificate> SignerDirectory::certificate(const std::string& serial_hex) const {
    {
        std::lock_guard lock(parsed_mutex_);
        if (auto found = parsed_.find(serial_hex); found != parsed_.end()) return found->second;
    }
    auto record = certificates_.find(serial_hex);
    if (!record) throw Error(ErrorKind::not_found, "unknown_certificate", "the signer's certificate is not in the CA database");
    Certificate certificate = Certificate::from_pem(record->pem);
    std::vector<Certificate> chain = ca_.chain_for(certificate);
    auto entry = std::make_shared<const SignerCertificate>(SignerCertificate{std::move(certificate), std::move(chain)});
    std::lock_guard lock(parsed_mutex_);
    return parsed_.emplace(serial_hex, std::move(entry)).first->second;
}

const hsm::PrivateKey& SignerDirectory::key(const std::string& key_uri) const { return keys_.key(key_uri); }

Signer SignerDirectory::signer(const std::string& key_uri, const std::string& serial_hex, SignatureScheme scheme) const {
    auto parsed = certificate(serial_hex);
    std::vector<Certificate> chain;
    for (const auto& ca : parsed->chain) chain.push_back(ca.copy());
    return Signer{key(key_uri), parsed->certificate.copy(), std::move(chain), scheme, digest_};
}

std::string SignerDirectory::root_pem() const { return ca_.root().pem; }

}  // namespace sign::signing
