#include "signed_data_layout.h"

#include <algorithm>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "../x509/openssl_util.h"
#include "sign/openssl_ptr.h"

namespace sign::detail {
namespace {

// One TLV at `cursor`, definite length only; the cursor moves past it.
struct Tlv {
    int tag = 0;
    int tag_class = 0;
    DerRange whole;
    DerRange content;
};

bool read_tlv(const std::uint8_t*& cursor, const std::uint8_t* end, Tlv& out) {
    if (cursor >= end) return false;
    const unsigned char* p = cursor;
    long length = 0;
    int flags = ASN1_get_object(&p, &length, &out.tag, &out.tag_class, end - cursor);
    ERR_clear_error();
    // 0x80: an error; 0x21: constructed with indefinite length, which DER never has.
    if ((flags & 0x80) || flags == 0x21 || length < 0 || length > end - p) return false;
    out.whole = DerRange(cursor, static_cast<std::size_t>(p + length - cursor));
    out.content = DerRange(p, static_cast<std::size_t>(length));
    cursor = p + length;
    return true;
}

// Every TLV inside `range`, or nullopt when it does not split into whole TLVs.
std::optional<std::vector<Tlv>> children(DerRange range) {
    std::vector<Tlv> out;
    const std::uint8_t* cursor = range.data();
    const std::uint8_t* end = range.data() + range.size();
    while (cursor < end) {
        Tlv item;
        if (!read_tlv(cursor, end, item)) return std::nullopt;
        out.push_back(item);
    }
    return out;
}

bool is(const Tlv& tlv, int tag_class, int tag) { return tlv.tag_class == tag_class && tlv.tag == tag; }

std::optional<AttributeLayout> read_attribute(const Tlv& attribute) {
    if (!is(attribute, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE)) return std::nullopt;
    auto fields = children(attribute.content);
    if (!fields || fields->size() != 2 || !is((*fields)[0], V_ASN1_UNIVERSAL, V_ASN1_OBJECT) ||
        !is((*fields)[1], V_ASN1_UNIVERSAL, V_ASN1_SET))
        return std::nullopt;
    auto values = children((*fields)[1].content);
    if (!values) return std::nullopt;
    AttributeLayout out{attribute.whole, (*fields)[0].whole, {}};
    for (const auto& value : *values) out.values.push_back(value.whole);
    return out;
}

std::optional<SignerInfoLayout> read_signer_info(const Tlv& signer_info) {
    if (!is(signer_info, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE)) return std::nullopt;
    auto fields = children(signer_info.content);
    // version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsignedAttrs?
    if (!fields || fields->size() < 5) return std::nullopt;
    std::size_t signature_at = is((*fields)[3], V_ASN1_CONTEXT_SPECIFIC, 0) ? 5 : 4;
    if (signature_at >= fields->size() || !is((*fields)[signature_at], V_ASN1_UNIVERSAL, V_ASN1_OCTET_STRING)) return std::nullopt;
    SignerInfoLayout out;
    out.whole = signer_info.whole;
    const std::uint8_t* from = (*fields)[0].whole.data();
    const auto& signature = (*fields)[signature_at].whole;
    out.signed_fields = DerRange(from, static_cast<std::size_t>(signature.data() + signature.size() - from));
    out.signature_value = (*fields)[signature_at].content;
    if (signature_at + 1 < fields->size()) {
        const Tlv& unsigned_attributes = (*fields)[signature_at + 1];
        if (signature_at + 2 != fields->size() || !is(unsigned_attributes, V_ASN1_CONTEXT_SPECIFIC, 1)) return std::nullopt;
        auto attributes = children(unsigned_attributes.content);
        if (!attributes) return std::nullopt;
        for (const auto& attribute : *attributes) {
            auto layout = read_attribute(attribute);
            if (!layout) return std::nullopt;
            out.unsigned_attributes.push_back(std::move(*layout));
        }
    }
    return out;
}

void append(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

}  // namespace

std::vector<std::uint8_t> der_tlv(std::uint8_t tag, std::span<const std::uint8_t> content) {
    std::vector<std::uint8_t> out{tag};
    std::size_t length = content.size();
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
    } else {
        std::vector<std::uint8_t> octets;
        for (std::size_t rest = length; rest > 0; rest >>= 8) octets.insert(octets.begin(), static_cast<std::uint8_t>(rest & 0xff));
        out.push_back(static_cast<std::uint8_t>(0x80 | octets.size()));
        append(out, octets);
    }
    append(out, content);
    return out;
}

std::optional<SignedDataLayout> read_signed_data_layout(std::span<const std::uint8_t> der) {
    const std::uint8_t* cursor = der.data();
    const std::uint8_t* end = der.data() + der.size();
    Tlv content_info;
    if (!read_tlv(cursor, end, content_info) || cursor != end || !is(content_info, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE))
        return std::nullopt;
    auto outer = children(content_info.content);
    if (!outer || outer->size() != 2 || !is((*outer)[0], V_ASN1_UNIVERSAL, V_ASN1_OBJECT) ||
        !is((*outer)[1], V_ASN1_CONTEXT_SPECIFIC, 0))
        return std::nullopt;
    auto wrapped = children((*outer)[1].content);
    if (!wrapped || wrapped->size() != 1 || !is((*wrapped)[0], V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE)) return std::nullopt;
    auto fields = children((*wrapped)[0].content);
    // version, digestAlgorithms, encapContentInfo, [0] certificates?, [1] crls?, signerInfos
    if (!fields || fields->size() < 4 || !is((*fields)[2], V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE) ||
        !is(fields->back(), V_ASN1_UNIVERSAL, V_ASN1_SET))
        return std::nullopt;
    SignedDataLayout out;
    out.content_info_type = (*outer)[0].whole;
    for (const auto& field : *fields) out.signed_data_fields.push_back(field.whole);
    auto encapsulated = children((*fields)[2].content);
    if (!encapsulated || encapsulated->empty() || !is((*encapsulated)[0], V_ASN1_UNIVERSAL, V_ASN1_OBJECT)) return std::nullopt;
    out.content_type = (*encapsulated)[0].whole;
    for (std::size_t i = 3; i + 1 < fields->size(); ++i) {
        const Tlv& field = (*fields)[i];
        auto items = children(field.content);
        if (!items) return std::nullopt;
        if (is(field, V_ASN1_CONTEXT_SPECIFIC, 0) && !out.certificates && !out.crls) {
            out.certificates = field.whole;
            for (const auto& item : *items) out.certificate_choices.push_back(item.whole);
        } else if (is(field, V_ASN1_CONTEXT_SPECIFIC, 1) && !out.crls) {
            out.crls = field.whole;
            for (const auto& item : *items) out.revocation_choices.push_back(item.whole);
        } else {
            return std::nullopt;
        }
    }
    out.signer_infos = fields->back().whole;
    auto signer_infos = children(fields->back().content);
    if (!signer_infos) return std::nullopt;
    for (const auto& signer_info : *signer_infos) {
        auto layout = read_signer_info(signer_info);
        if (!layout) return std::nullopt;
        out.signers.push_back(std::move(*layout));
    }
    return out;
}

const SignerInfoLayout* find_signer(const SignedDataLayout& layout, std::span<const std::uint8_t> signature_value) {
    for (const auto& signer : layout.signers)
        if (std::equal(signer.signature_value.begin(), signer.signature_value.end(), signature_value.begin(), signature_value.end()))
            return &signer;
    return nullptr;
}

std::optional<OtherRevocationInfo> read_other_revocation_info(DerRange choice) {
    const std::uint8_t* cursor = choice.data();
    Tlv tlv;
    // OtherRevocationInfoFormat is the [1] IMPLICIT alternative; a CRL is a plain SEQUENCE.
    if (!read_tlv(cursor, choice.data() + choice.size(), tlv) || !is(tlv, V_ASN1_CONTEXT_SPECIFIC, 1)) return std::nullopt;
    auto fields = children(tlv.content);
    if (!fields || fields->size() != 2 || !is((*fields)[0], V_ASN1_UNIVERSAL, V_ASN1_OBJECT)) return std::nullopt;
    const unsigned char* oid_der = (*fields)[0].whole.data();
    Asn1ObjectPtr oid(d2i_ASN1_OBJECT(nullptr, &oid_der, static_cast<long>((*fields)[0].whole.size())));
    ERR_clear_error();
    if (!oid) return std::nullopt;
    char text[128] = {};
    if (OBJ_obj2txt(text, sizeof text, oid.get(), 1) <= 0) return std::nullopt;
    return OtherRevocationInfo{text, (*fields)[1].whole};
}

std::vector<std::uint8_t> ocsp_revocation_choice(std::span<const std::uint8_t> ocsp_response) {
    // 06 08 2B 06 01 05 05 07 10 02: id-ri-ocsp-response.
    static constexpr std::uint8_t format[] = {0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x10, 0x02};
    std::vector<std::uint8_t> content(std::begin(format), std::end(format));
    append(content, ocsp_response);
    return der_tlv(0xA1, content);
}

std::vector<std::uint8_t> with_revocation_choices(const SignedDataLayout& layout,
                                                  const std::vector<std::vector<std::uint8_t>>& extra) {
    // A DER SET OF lists its elements in the order of their encodings (X.690 11.6).
    std::vector<std::vector<std::uint8_t>> sorted;
    for (const auto& choice : layout.revocation_choices) sorted.emplace_back(choice.begin(), choice.end());
    sorted.insert(sorted.end(), extra.begin(), extra.end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint8_t> choices;
    for (const auto& choice : sorted) append(choices, choice);
    std::vector<std::uint8_t> crls = der_tlv(0xA1, choices);
    std::vector<std::uint8_t> fields;
    bool placed = false;
    for (std::size_t i = 0; i < layout.signed_data_fields.size(); ++i) {
        DerRange field = layout.signed_data_fields[i];
        bool last = i + 1 == layout.signed_data_fields.size();
        if (layout.crls && field.data() == layout.crls->data()) {
            append(fields, crls);
            placed = true;
            continue;
        }
        if (last && !placed) append(fields, crls);  // before signerInfos, after any certificates
        append(fields, field);
    }
    std::vector<std::uint8_t> signed_data = der_tlv(0x30, fields);
    std::vector<std::uint8_t> content = der_tlv(0xA0, signed_data);
    std::vector<std::uint8_t> outer(layout.content_info_type.begin(), layout.content_info_type.end());
    append(outer, content);
    return der_tlv(0x30, outer);
}

}  // namespace sign::detail

namespace sign::detail {
namespace {

std::vector<std::uint8_t> digest(const EVP_MD* md, std::span<const std::uint8_t> first, std::span<const std::uint8_t> second = {}) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    EvpMdCtxPtr context(EVP_MD_CTX_new());
    if (!context || EVP_DigestInit_ex(context.get(), md, nullptr) != 1 || EVP_DigestUpdate(context.get(), first.data(), first.size()) != 1 ||
        EVP_DigestUpdate(context.get(), second.data(), second.size()) != 1 || EVP_DigestFinal_ex(context.get(), out.data(), nullptr) != 1) {
        throw_openssl("openssl_failure", "hashing failed");
    }
    return out;
}

// The three lists of an index, hashed as its entries are.
struct IndexedElements {
    std::vector<std::vector<std::uint8_t>> certificates, crls, unsigned_attributes;
};

IndexedElements indexed_elements(const SignedDataLayout& layout, const SignerInfoLayout& signer, const EVP_MD* md) {
    IndexedElements out;
    for (const auto& choice : layout.certificate_choices) out.certificates.push_back(digest(md, choice));
    for (const auto& choice : layout.revocation_choices) out.crls.push_back(digest(md, choice));
    for (const auto& attribute : signer.unsigned_attributes)
        for (const auto& value : attribute.values) out.unsigned_attributes.push_back(digest(md, attribute.type, value));
    return out;
}

std::vector<std::uint8_t> sequence_of_octet_strings(const std::vector<std::vector<std::uint8_t>>& items) {
    std::vector<std::uint8_t> content;
    for (const auto& item : items) append(content, der_tlv(0x04, item));
    return der_tlv(0x30, content);
}

}  // namespace

std::vector<std::uint8_t> ats_hash_index_v3(const SignedDataLayout& layout, const SignerInfoLayout& signer, const EVP_MD* md) {
    IndexedElements elements = indexed_elements(layout, signer, md);
    std::vector<std::uint8_t> content;
    if (EVP_MD_get_type(md) != NID_sha256) {
        X509AlgorPtr algorithm(X509_ALGOR_new());
        if (!algorithm) throw_openssl("out_of_memory", "cannot name the index's digest");
        X509_ALGOR_set_md(algorithm.get(), md);
        unsigned char* der = nullptr;
        int length = i2d_X509_ALGOR(algorithm.get(), &der);
        if (length <= 0) throw_openssl("encode_failed", "cannot encode the index's digest");
        content.insert(content.end(), der, der + length);
        OPENSSL_free(der);
    }
    append(content, sequence_of_octet_strings(elements.certificates));
    append(content, sequence_of_octet_strings(elements.crls));
    append(content, sequence_of_octet_strings(elements.unsigned_attributes));
    return der_tlv(0x30, content);
}

std::vector<std::uint8_t> archive_timestamp_input(const SignedDataLayout& layout, const SignerInfoLayout& signer,
                                                  std::span<const std::uint8_t> content_hash,
                                                  std::span<const std::uint8_t> hash_index) {
    std::vector<std::uint8_t> out(layout.content_type.begin(), layout.content_type.end());
    append(out, content_hash);
    append(out, signer.signed_fields);
    append(out, hash_index);
    return out;
}

HashIndexCheck check_ats_hash_index_v3(std::span<const std::uint8_t> hash_index, const SignedDataLayout& layout,
                                       const SignerInfoLayout& signer) {
    const std::uint8_t* cursor = hash_index.data();
    Tlv index;
    if (!read_tlv(cursor, hash_index.data() + hash_index.size(), index) || cursor != hash_index.data() + hash_index.size() ||
        !is(index, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE))
        return HashIndexCheck::unreadable;
    auto fields = children(index.content);
    if (!fields || (fields->size() != 3 && fields->size() != 4)) return HashIndexCheck::unreadable;
    const EVP_MD* md = EVP_sha256();
    std::size_t lists = 0;
    if (fields->size() == 4) {
        const unsigned char* der = (*fields)[0].whole.data();
        X509AlgorPtr algorithm(d2i_X509_ALGOR(nullptr, &der, static_cast<long>((*fields)[0].whole.size())));
        md = algorithm ? EVP_get_digestbyobj(algorithm->algorithm) : nullptr;
        ERR_clear_error();
        if (!md) return HashIndexCheck::unreadable;
        lists = 1;
    }
    IndexedElements present = indexed_elements(layout, signer, md);
    const std::vector<std::vector<std::uint8_t>>* against[] = {&present.certificates, &present.crls, &present.unsigned_attributes};
    for (std::size_t list = 0; list < 3; ++list) {
        const Tlv& field = (*fields)[lists + list];
        auto entries = children(field.content);
        if (!is(field, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE) || !entries) return HashIndexCheck::unreadable;
        for (const auto& entry : *entries) {
            if (!is(entry, V_ASN1_UNIVERSAL, V_ASN1_OCTET_STRING)) return HashIndexCheck::unreadable;
            std::vector<std::uint8_t> value(entry.content.begin(), entry.content.end());
            const auto& candidates = *against[list];
            if (std::find(candidates.begin(), candidates.end(), value) == candidates.end()) return HashIndexCheck::unmatched;
        }
    }
    return HashIndexCheck::matches;
}

}  // namespace sign::detail
