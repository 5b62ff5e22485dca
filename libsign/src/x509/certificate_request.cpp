#include "sign/certificate_request.h"

#include <openssl/pem.h>

#include "openssl_util.h"
#include "sign/error.h"
#include "sign/key_policy.h"

namespace sign {
namespace {

Error not_a_csr(const std::string& detail) {
    return Error(ErrorKind::invalid_input, "not_a_csr", "not a PKCS#10 request: " + detail);
}

}  // namespace

CertificateRequest::CertificateRequest(X509ReqPtr request) : request_(std::move(request)) {
    EVP_PKEY* key = X509_REQ_get0_pubkey(request_.get());
    if (key == nullptr) throw not_a_csr("its public key cannot be read (" + drain_openssl_errors() + ")");
    check_key(key);
    const X509_ALGOR* algorithm = nullptr;
    X509_REQ_get0_signature(request_.get(), nullptr, &algorithm);
    check_signature_algorithm(algorithm);
    // Proof of possession: only the holder of the private key can have produced this signature.
    if (X509_REQ_verify(request_.get(), key) != 1) {
        drain_openssl_errors();
        throw Error(ErrorKind::invalid_input, "csr_signature_invalid",
                    "the request's signature does not match its public key: it was altered or forged");
    }
}

CertificateRequest CertificateRequest::parse(std::span<const std::uint8_t> data) {
    if (detail::looks_like_pem(data))
        return from_pem(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    return from_der(data);
}

CertificateRequest CertificateRequest::from_pem(std::string_view pem) {
    BioPtr bio = detail::memory_bio(pem);
    X509ReqPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
    if (!request) throw not_a_csr(drain_openssl_errors());
    return CertificateRequest(std::move(request));
}

CertificateRequest CertificateRequest::from_der(std::span<const std::uint8_t> der) {
    const unsigned char* cursor = der.data();
    X509ReqPtr request(d2i_X509_REQ(nullptr, &cursor, static_cast<long>(der.size())));
    if (!request) throw not_a_csr(drain_openssl_errors());
    if (cursor != der.data() + der.size()) throw not_a_csr("extra bytes after the DER request");
    return CertificateRequest(std::move(request));
}

DistinguishedName CertificateRequest::subject() const {
    return DistinguishedName::from_x509(X509_REQ_get_subject_name(request_.get()));
}

EvpPkeyPtr CertificateRequest::public_key() const {
    EvpPkeyPtr key(X509_REQ_get_pubkey(request_.get()));
    if (!key) detail::throw_openssl("unsupported_key", "cannot read the request's public key");
    return key;
}

}  // namespace sign
