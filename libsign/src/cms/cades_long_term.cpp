#include "sign/cades_long_term.h"

#include <algorithm>
#include <cstring>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "../x509/openssl_util.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "signed_data_layout.h"

// Why part of this is DER work rather than OpenSSL's CMS API: OpenSSL 3.0 can add certificates,
// CRLs and unsigned attributes to a parsed SignedData (and does here), but it has no public way to
// add an OtherRevocationInfoFormat choice (the CMS_RevocationInfoChoice structure is opaque), and
// no way to name the exact encodings an archive-time-stamp-v3 hashes. So OCSP responses are spliced
// into the encoded `crls` field, and the hashes are taken from the encoded SignedData
// (signed_data_layout.h). OpenSSL re-encodes the SignedData it parsed; that keeps the signature
// only when the input was DER, which extend_cades() checks on the way out.

namespace sign {
namespace {

using detail::SignedDataLayout;

CmsPtr parse_signed_data(std::span<const std::uint8_t> der) {
    const unsigned char* cursor = der.data();
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
    bool whole = cms && cursor == der.data() + der.size();
    ERR_clear_error();
    if (!whole || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed)
        throw Error(ErrorKind::invalid_input, "signature_unreadable", "the signature is not a DER CMS SignedData");
    return cms;
}

SignedDataLayout layout_of(std::span<const std::uint8_t> der) {
    auto layout = detail::read_signed_data_layout(der);
    if (!layout)
        throw Error(ErrorKind::invalid_input, "signature_not_der",
                    "the signature is not in DER (definite lengths); adding to it would change what was signed");
    return std::move(*layout);
}

std::vector<std::uint8_t> encode(CMS_ContentInfo* cms) { return detail::to_der(cms, i2d_CMS_ContentInfo, "the CMS signature"); }

std::span<const std::uint8_t> signature_value_of(CMS_SignerInfo* signer_info) {
    const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(signer_info);
    return {ASN1_STRING_get0_data(value), static_cast<std::size_t>(ASN1_STRING_length(value))};
}

// The DER values of the unsigned attribute `oid` of a signer.
std::vector<std::vector<std::uint8_t>> unsigned_values(CMS_SignerInfo* signer_info, const ASN1_OBJECT* oid) {
    std::vector<std::vector<std::uint8_t>> out;
    for (int at = CMS_unsigned_get_attr_by_OBJ(signer_info, oid, -1); at >= 0; at = CMS_unsigned_get_attr_by_OBJ(signer_info, oid, at)) {
        X509_ATTRIBUTE* attribute = CMS_unsigned_get_attr(signer_info, at);
        for (int i = 0; i < X509_ATTRIBUTE_count(attribute); ++i) {
            ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, i);
            if (value && value->type == V_ASN1_SEQUENCE)
                out.emplace_back(value->value.sequence->data, value->value.sequence->data + value->value.sequence->length);
        }
    }
    ERR_clear_error();
    return out;
}

Asn1ObjectPtr object(const char* dotted) {
    Asn1ObjectPtr oid(OBJ_txt2obj(dotted, 1));
    if (!oid) detail::throw_openssl("out_of_memory", "cannot make an object identifier");
    return oid;
}

void add_unsigned_sequence(CMS_SignerInfo* signer_info, const ASN1_OBJECT* oid, std::span<const std::uint8_t> der, const char* what) {
    if (!CMS_unsigned_add1_attr_by_OBJ(signer_info, oid, V_ASN1_SEQUENCE, der.data(), static_cast<int>(der.size())))
        detail::throw_openssl("cms_failed", std::string("cannot add the ") + what);
}

// Every signer's signed fields in `after` as they were in `before`: nothing that was signed moved.
void require_signed_fields_unchanged(const SignedDataLayout& before, const SignedDataLayout& after) {
    bool same = before.signers.size() == after.signers.size() &&
                std::equal(before.content_type.begin(), before.content_type.end(), after.content_type.begin(), after.content_type.end());
    for (const auto& signer : before.signers) {
        const auto* now = detail::find_signer(after, signer.signature_value);
        same = same && now &&
               std::equal(signer.signed_fields.begin(), signer.signed_fields.end(), now->signed_fields.begin(), now->signed_fields.end());
    }
    if (!same)
        throw Error(ErrorKind::invalid_input, "signature_not_der",
                    "the signature's signed attributes are not in DER; re-encoding them would break the signature");
}

std::vector<std::uint8_t> hash(const EVP_MD* md, std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    if (EVP_Digest(data.data(), data.size(), out.data(), nullptr, md, nullptr) != 1)
        detail::throw_openssl("openssl_failure", "hashing failed");
    return out;
}

// The content's SHA-256 for the archive time-stamp; when the bytes are at hand, they must be what
// every signer's message-digest names.
std::vector<std::uint8_t> content_sha256(CMS_ContentInfo* cms, const validate::SignedContent& content) {
    std::span<const std::uint8_t> bytes;
    bool have_bytes = false;
    ASN1_OCTET_STRING** inside = CMS_get0_content(cms);
    if (inside && *inside) {
        bytes = {ASN1_STRING_get0_data(*inside), static_cast<std::size_t>(ASN1_STRING_length(*inside))};
        have_bytes = true;
    } else if (content.kind() == validate::SignedContent::Kind::detached) {
        bytes = content.document();
        have_bytes = true;
    }
    ERR_clear_error();
    if (have_bytes) {
        STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms);
        for (int i = 0; i < sk_CMS_SignerInfo_num(signers); ++i) {
            CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signers, i);
            X509_ALGOR* digest_algorithm = nullptr;
            CMS_SignerInfo_get0_algs(signer_info, nullptr, nullptr, &digest_algorithm, nullptr);
            const EVP_MD* md = digest_algorithm ? EVP_get_digestbyobj(digest_algorithm->algorithm) : nullptr;
            auto* message_digest = static_cast<ASN1_OCTET_STRING*>(
                CMS_signed_get0_data_by_OBJ(signer_info, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
            ERR_clear_error();
            if (!md || !message_digest) continue;
            std::vector<std::uint8_t> expected = hash(md, bytes);
            if (expected.size() != static_cast<std::size_t>(ASN1_STRING_length(message_digest)) ||
                std::memcmp(expected.data(), ASN1_STRING_get0_data(message_digest), expected.size()) != 0)
                throw Error(ErrorKind::invalid_input, "content_mismatch",
                            "the document given is not the one the signature signs (its digest differs from message-digest)");
        }
        return hash(EVP_sha256(), bytes);
    }
    switch (content.kind()) {
        case validate::SignedContent::Kind::digest:
            if (EVP_MD_get_type(check_digest(content.digest_name())) != NID_sha256)
                throw Error(ErrorKind::invalid_input, "digest_algorithm_mismatch",
                            "an archive time-stamp is made over the document's SHA-256, not its " + content.digest_name());
            if (content.digest_value().size() != 32)
                throw Error(ErrorKind::invalid_input, "digest_length_mismatch", "a SHA-256 digest is 32 bytes");
            return content.digest_value();
        case validate::SignedContent::Kind::digester:
            return content.digest_function()("SHA256");
        default:
            throw Error(ErrorKind::invalid_input, "signed_data_not_found",
                        "the signature is detached: its archive time-stamp needs the signed document");
    }
}

// The time-stamp token with its ats-hash-index-v3 as an unsigned attribute of its signer.
std::vector<std::uint8_t> with_hash_index(std::span<const std::uint8_t> token, std::span<const std::uint8_t> hash_index) {
    CmsPtr parsed = parse_signed_data(token);
    SignedDataLayout before = layout_of(token);
    STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(parsed.get());
    if (!signers || sk_CMS_SignerInfo_num(signers) != 1)
        throw Error(ErrorKind::internal, "timestamp_malformed", "the time-stamp token does not have exactly one signer");
    add_unsigned_sequence(sk_CMS_SignerInfo_value(signers, 0), object(detail::ats_hash_index_v3_oid).get(), hash_index,
                          "ats-hash-index-v3 attribute");
    std::vector<std::uint8_t> out = encode(parsed.get());
    require_signed_fields_unchanged(before, layout_of(out));
    return out;
}

}  // namespace

std::vector<std::uint8_t> extend_cades(std::span<const std::uint8_t> signature, const validate::SignedContent& content,
                                       SignatureLevel level, const validate::CollectionSources& sources, TimestampSource* tsa,
                                       CadesExtension* done) {
    if (level != SignatureLevel::b_lt && level != SignatureLevel::b_lta)
        throw Error(ErrorKind::invalid_input, "unsupported_signature_level",
                    std::string("a CAdES signature is extended to b-lt or b-lta, not ") + to_string(level));
    if (level == SignatureLevel::b_lta && !tsa)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "a B-LTA extension needs a time-stamp source");
    CadesExtension result;
    CmsPtr cms = parse_signed_data(signature);
    const SignedDataLayout original = layout_of(signature);
    STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
    int signer_count = signers ? sk_CMS_SignerInfo_num(signers) : 0;
    if (signer_count <= 0) throw Error(ErrorKind::invalid_input, "signature_unreadable", "the SignedData has no signer");
    Asn1ObjectPtr archive_oid = object(detail::archive_timestamp_v3_oid);
    bool archived = false;
    for (int i = 0; i < signer_count; ++i) {
        CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signers, i);
        if (CMS_unsigned_get_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, -1) < 0)
            throw Error(ErrorKind::invalid_input, "signature_timestamp_missing",
                        "a signature is extended from B-T: signer " + std::to_string(i + 1) + " has no signature time-stamp");
        archived |= CMS_unsigned_get_attr_by_OBJ(signer_info, archive_oid.get(), -1) >= 0;
    }
    ERR_clear_error();
    // Before anything is fetched or time-stamped: a B-LTA over the wrong document would be worthless.
    std::vector<std::uint8_t> content_hash;
    if (level == SignatureLevel::b_lta) content_hash = content_sha256(cms.get(), content);

    // The data of what came before the last archive time-stamp is inside and protected by it; what
    // that time-stamp needs is gathered now. Without one, everything the signature needs.
    validate::ValidationDataCollector collector(sources);
    if (!archived) {
        collector.add_signature(signature);
    } else {
        for (int i = 0; i < signer_count; ++i) {
            auto archive_timestamps = unsigned_values(sk_CMS_SignerInfo_value(signers, i), archive_oid.get());
            if (!archive_timestamps.empty()) collector.add_signature(archive_timestamps.back());
        }
    }
    const auto& collected = collector.collected();
    if (!collected.complete())
        throw Error(ErrorKind::policy, "validation_data_incomplete",
                    "the validation data for a long-term signature is incomplete: " + collected.problems_text());

    for (const auto& der : collected.certificates) {
        const unsigned char* cursor = der.data();
        X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
        if (!certificate) detail::throw_openssl("certificate_unreadable", "a gathered certificate does not parse");
        bool present = std::any_of(original.certificate_choices.begin(), original.certificate_choices.end(),
                                   [&](const detail::DerRange& choice) { return std::equal(choice.begin(), choice.end(), der.begin(), der.end()); });
        if (present) continue;
        if (!CMS_add1_cert(cms.get(), certificate.get())) detail::throw_openssl("cms_failed", "cannot add a certificate");
        ++result.certificates;
    }
    for (const auto& der : collected.crls) {
        bool present = std::any_of(original.revocation_choices.begin(), original.revocation_choices.end(),
                                   [&](const detail::DerRange& choice) { return std::equal(choice.begin(), choice.end(), der.begin(), der.end()); });
        if (present) continue;
        const unsigned char* cursor = der.data();
        X509CrlPtr crl(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(der.size())));
        if (!crl) detail::throw_openssl("crl_unreadable", "a gathered CRL does not parse");
        if (!CMS_add1_crl(cms.get(), crl.get())) detail::throw_openssl("cms_failed", "cannot add a CRL");
        ++result.crls;
    }
    std::vector<std::uint8_t> extended = encode(cms.get());
    SignedDataLayout layout = layout_of(extended);
    std::vector<std::vector<std::uint8_t>> ocsp_choices;
    for (const auto& der : collected.ocsp_responses) {
        std::vector<std::uint8_t> choice = detail::ocsp_revocation_choice(der);
        bool present = std::any_of(layout.revocation_choices.begin(), layout.revocation_choices.end(),
                                   [&](const detail::DerRange& have) { return std::equal(have.begin(), have.end(), choice.begin(), choice.end()); });
        if (present || std::find(ocsp_choices.begin(), ocsp_choices.end(), choice) != ocsp_choices.end()) continue;
        ocsp_choices.push_back(std::move(choice));
        ++result.ocsp_responses;
    }
    if (!ocsp_choices.empty()) {
        extended = detail::with_revocation_choices(layout, ocsp_choices);
        layout = layout_of(extended);
    }
    require_signed_fields_unchanged(original, layout);

    if (level == SignatureLevel::b_lta) {
        // One archive time-stamp per signer, each over the SignedData as it is then (a later one
        // covers the earlier one's attribute through its hash index).
        for (const auto& signer : original.signers) {
            CmsPtr current = parse_signed_data(extended);
            SignedDataLayout now = layout_of(extended);
            const detail::SignerInfoLayout* signer_now = detail::find_signer(now, signer.signature_value);
            CMS_SignerInfo* signer_info = nullptr;
            STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(current.get());
            for (int i = 0; i < sk_CMS_SignerInfo_num(infos) && !signer_info; ++i) {
                auto value = signature_value_of(sk_CMS_SignerInfo_value(infos, i));
                if (std::equal(value.begin(), value.end(), signer.signature_value.begin(), signer.signature_value.end()))
                    signer_info = sk_CMS_SignerInfo_value(infos, i);
            }
            if (!signer_now || !signer_info)
                throw Error(ErrorKind::internal, "signer_lost", "a signer could not be found again in the extended signature");
            std::vector<std::uint8_t> index = detail::ats_hash_index_v3(now, *signer_now, EVP_sha256());
            std::vector<std::uint8_t> input = detail::archive_timestamp_input(now, *signer_now, content_hash, index);
            std::vector<std::uint8_t> token = with_hash_index(tsa->timestamp("sha256", hash(EVP_sha256(), input)), index);
            add_unsigned_sequence(signer_info, archive_oid.get(), token, "archive-time-stamp-v3 attribute");
            extended = encode(current.get());
            ++result.archive_timestamps;
        }
        require_signed_fields_unchanged(original, layout_of(extended));
    }
    if (done) *done = result;
    return extended;
}

}  // namespace sign
