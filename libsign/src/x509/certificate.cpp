#include "sign/certificate.h"

#include <openssl/pem.h>

#include "openssl_util.h"
#include "sign/error.h"
#include "sign/serial_number.h"

namespace sign {
namespace {

Error not_a_certificate(const std::string& detail) {
    return Error(ErrorKind::invalid_input, "not_a_certificate", "not an X.509 certificate: " + detail);
}

}  // namespace

Certificate::Certificate(X509Ptr certificate) : certificate_(std::move(certificate)) {
    if (!certificate_) throw not_a_certificate("no certificate was given");
}

Certificate Certificate::from_pem(std::string_view pem) {
    BioPtr bio = detail::memory_bio(pem);
    X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate) throw not_a_certificate(drain_openssl_errors());
    return Certificate(std::move(certificate));
}

Certificate Certificate::from_der(std::span<const std::uint8_t> der) {
    const unsigned char* cursor = der.data();
    X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    if (!certificate) throw not_a_certificate(drain_openssl_errors());
    if (cursor != der.data() + der.size()) throw not_a_certificate("extra bytes after the DER certificate");
    return Certificate(std::move(certificate));
}

Certificate Certificate::load(const std::string& path) {
    std::vector<std::uint8_t> data = detail::read_file(path);
    if (detail::looks_like_pem(data))
        return from_pem(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    return from_der(data);
}

Certificate Certificate::copy() const {
    X509_up_ref(certificate_.get());
    return Certificate(X509Ptr(certificate_.get()));
}

std::string Certificate::to_pem() const {
    BioPtr bio = detail::output_bio();
    if (!PEM_write_bio_X509(bio.get(), certificate_.get())) detail::throw_openssl("encode_failed", "cannot write PEM");
    return detail::bio_contents(bio.get());
}

std::vector<std::uint8_t> Certificate::to_der() const { return detail::to_der(certificate_.get(), i2d_X509, "the certificate"); }

DistinguishedName Certificate::subject() const {
    return DistinguishedName::from_x509(X509_get_subject_name(certificate_.get()));
}

DistinguishedName Certificate::issuer() const {
    return DistinguishedName::from_x509(X509_get_issuer_name(certificate_.get()));
}

std::string Certificate::serial_hex() const { return serial_to_hex(X509_get0_serialNumber(certificate_.get())); }

std::chrono::system_clock::time_point Certificate::not_before() const {
    return detail::from_asn1_time(X509_get0_notBefore(certificate_.get()));
}

std::chrono::system_clock::time_point Certificate::not_after() const {
    return detail::from_asn1_time(X509_get0_notAfter(certificate_.get()));
}

EvpPkeyPtr Certificate::public_key() const {
    EvpPkeyPtr key(X509_get_pubkey(certificate_.get()));
    if (!key) throw Error(ErrorKind::invalid_input, "unsupported_key", "the certificate's public key cannot be read");
    return key;
}

bool Certificate::is_ca() const { return (X509_get_extension_flags(certificate_.get()) & EXFLAG_CA) != 0; }

std::string Certificate::fingerprint_sha256() const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!X509_digest(certificate_.get(), EVP_sha256(), digest, &length))
        detail::throw_openssl("digest_failed", "cannot hash the certificate");
    return to_hex(std::span(digest, length));
}

}  // namespace sign
