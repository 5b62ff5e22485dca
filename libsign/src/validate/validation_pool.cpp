#include "validation_pool.h"

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

// One DER TLV at `cursor`: its tag and class, where its content starts and how long it is.
struct Tlv {
    int tag = 0;
    int tag_class = 0;
    bool constructed = false;
    const unsigned char* content = nullptr;
    long length = 0;
};

bool read_tlv(const unsigned char*& cursor, const unsigned char* end, Tlv& out) {
    if (cursor >= end) return false;
    const unsigned char* p = cursor;
    long length = 0;
    int tag = 0;
    int tag_class = 0;
    int flags = ASN1_get_object(&p, &length, &tag, &tag_class, end - cursor);
    if (flags & 0x80) return false;
    if (flags == 0x21) return false;  // indefinite length: OpenSSL re-encodes DER, so it does not occur here
    out = {tag, tag_class, (flags & V_ASN1_CONSTRUCTED) != 0, p, length};
    cursor = p + length;
    return true;
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
    const unsigned char* cursor = der.data();
    const unsigned char* end = der.data() + der.size();
    Tlv content_info;
    if (!read_tlv(cursor, end, content_info) || content_info.tag != V_ASN1_SEQUENCE) return out;
    cursor = content_info.content;
    end = content_info.content + content_info.length;
    Tlv item;
    if (!read_tlv(cursor, end, item) || item.tag != V_ASN1_OBJECT) return out;       // contentType
    Tlv explicit_content;
    if (!read_tlv(cursor, end, explicit_content) || explicit_content.tag_class != V_ASN1_CONTEXT_SPECIFIC) return out;
    cursor = explicit_content.content;
    end = explicit_content.content + explicit_content.length;
    Tlv signed_data;
    if (!read_tlv(cursor, end, signed_data) || signed_data.tag != V_ASN1_SEQUENCE) return out;
    cursor = signed_data.content;
    end = signed_data.content + signed_data.length;
    // version, digestAlgorithms, encapContentInfo, then [0] certificates and [1] crls when present.
    for (int skipped = 0; skipped < 3; ++skipped)
        if (!read_tlv(cursor, end, item)) return out;
    while (cursor < end) {
        if (!read_tlv(cursor, end, item)) return out;
        if (item.tag_class != V_ASN1_CONTEXT_SPECIFIC) break;  // signerInfos: done
        if (item.tag != 1) continue;
        const unsigned char* choice_cursor = item.content;
        const unsigned char* choice_end = item.content + item.length;
        Tlv choice;
        while (choice_cursor < choice_end && read_tlv(choice_cursor, choice_end, choice)) {
            // OtherRevocationInfoFormat is the [1] IMPLICIT alternative; a CRL is a plain SEQUENCE.
            if (choice.tag_class != V_ASN1_CONTEXT_SPECIFIC || choice.tag != 1) continue;
            const unsigned char* inner = choice.content;
            const unsigned char* inner_end = choice.content + choice.length;
            Tlv format;
            const unsigned char* oid_der = inner;
            if (!read_tlv(inner, inner_end, format) || format.tag != V_ASN1_OBJECT) continue;
            Asn1ObjectPtr oid(d2i_ASN1_OBJECT(nullptr, &oid_der, inner - oid_der));
            if (!oid) continue;
            int nid = OBJ_obj2nid(oid.get());
            char text[64] = {};
            OBJ_obj2txt(text, sizeof text, oid.get(), 1);
            bool ocsp_response = std::strcmp(text, "1.3.6.1.5.5.7.16.2") == 0;
            bool ocsp_basic = nid == NID_id_pkix_OCSP_basic;
            if ((ocsp_response || ocsp_basic) && inner < inner_end) {
                out.emplace_back(inner, inner_end);
                if (static_cast<int>(out.size()) >= limit) return out;
            }
        }
    }
    ERR_clear_error();
    return out;
}

}  // namespace sign::validate::detail
