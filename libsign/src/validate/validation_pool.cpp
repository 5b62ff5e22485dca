#include "validation_pool.h"

#include "../cms/signed_data_layout.h"

#include <cstring>

#include <openssl/err.h>
#include <openssl/pem.h>

namespace sign::validate::detail {
namespace {

bool looks_like_pem(std::span<const std::uint8_t> bytes) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return text.find("-----BEGIN ") != std::string_view::npos;
}

BioPtr memory(std::span<const std::uint8_t> bytes) {
    return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

}  // namespace

bool ValidationPool::add_certificate(X509Ptr certificate, DataSource source, const std::string& url) {
    if (!certificate || find(certificate.get())) return false;
    certificates.push_back({std::move(certificate), source, url});
    return true;
}

const PooledCertificate* ValidationPool::find(const X509* certificate) const {
    for (const auto& item : certificates)
        if (X509_cmp(item.certificate.get(), certificate) == 0) return &item;
    return nullptr;
}

X509StackPtr ValidationPool::stack() const {
    X509StackPtr out(sk_X509_new_null());
    for (const auto& item : certificates) sk_X509_push(out.get(), item.certificate.get());
    return out;
}

std::vector<X509Ptr> parse_certificates(std::span<const std::uint8_t> bytes) {
    std::vector<X509Ptr> out;
    if (bytes.empty() || bytes.size() > INT32_MAX) return out;
    if (looks_like_pem(bytes)) {
        BioPtr bio = memory(bytes);
        while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(certificate);
        ERR_clear_error();
        return out;
    }
    const unsigned char* cursor = bytes.data();
    if (X509* certificate = d2i_X509(nullptr, &cursor, static_cast<long>(bytes.size()))) {
        out.emplace_back(certificate);
        return out;
    }
    cursor = bytes.data();
    Pkcs7Ptr bundle(d2i_PKCS7(nullptr, &cursor, static_cast<long>(bytes.size())));
    if (bundle && PKCS7_type_is_signed(bundle.get()) && bundle->d.sign && bundle->d.sign->cert) {
        for (int i = 0; i < sk_X509_num(bundle->d.sign->cert); ++i) {
            X509* certificate = sk_X509_value(bundle->d.sign->cert, i);
            X509_up_ref(certificate);
            out.emplace_back(certificate);
        }
    }
    ERR_clear_error();
    return out;
}

X509CrlPtr parse_crl(std::span<const std::uint8_t> bytes) {
    if (bytes.empty() || bytes.size() > INT32_MAX) return nullptr;
    X509CrlPtr crl;
    if (looks_like_pem(bytes)) {
        BioPtr bio = memory(bytes);
        crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    } else {
        const unsigned char* cursor = bytes.data();
        crl.reset(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(bytes.size())));
    }
    ERR_clear_error();
    return crl;
}

OcspBasicResponsePtr parse_ocsp(std::span<const std::uint8_t> bytes) {
    if (bytes.empty() || bytes.size() > INT32_MAX) return nullptr;
    const unsigned char* cursor = bytes.data();
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(bytes.size())));
    OcspBasicResponsePtr basic;
    if (response) {
        if (OCSP_response_status(response.get()) == OCSP_RESPONSE_STATUS_SUCCESSFUL)
            basic.reset(OCSP_response_get1_basic(response.get()));
    } else {
        cursor = bytes.data();
        basic.reset(d2i_OCSP_BASICRESP(nullptr, &cursor, static_cast<long>(bytes.size())));
    }
    ERR_clear_error();
    return basic;
}

std::vector<std::vector<std::uint8_t>> other_revocation_info(std::span<const std::uint8_t> der, int limit) {
    std::vector<std::vector<std::uint8_t>> out;
    auto layout = sign::detail::read_signed_data_layout(der);
    if (!layout) return out;
    for (const auto& choice : layout->revocation_choices) {
        auto other = sign::detail::read_other_revocation_info(choice);
        if (!other) continue;
        if (other->format == sign::detail::ocsp_response_format_oid || other->format == "1.3.6.1.5.5.7.48.1.1") {
            out.emplace_back(other->value.begin(), other->value.end());
            if (static_cast<int>(out.size()) >= limit) return out;
        }
    }
    return out;
}

}  // namespace sign::validate::detail
