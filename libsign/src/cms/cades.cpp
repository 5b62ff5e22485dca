#include "sign/cades.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <openssl/asn1t.h>
#include <openssl/cms.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "../x509/openssl_util.h"
#include "sign/cades_long_term.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/signer_checks.h"

// Why the SignerInfo is assembled here rather than by CMS_sign(): OpenSSL's CMS code
// computes the message digest and signs in one step with a private EVP_PKEY, and it
// offers no call that returns the bytes to be signed. The hash-split needs exactly
// those bytes (the DER SET OF signed attributes, RFC 5652 5.4) and a way to put a
// signature made elsewhere into the SignerInfo. So we let OpenSSL build the
// SignedData skeleton and SignerInfo (CMS_add1_signer with the *public* key and
// CMS_PARTIAL, so nothing is signed), add the attributes through its attribute API,
// encode them with an ASN.1 template identical to OpenSSL's own CMS_Attributes_Sign,
// and set the signature value with CMS_SignerInfo_get0_signature.

namespace {

using SignedAttributeSet = STACK_OF(X509_ATTRIBUTE);

// The same template as OpenSSL's internal CMS_Attributes_Sign: a DER SET OF Attribute,
// sorted, with the universal SET tag that RFC 5652 5.4 says the signature covers.
ASN1_ITEM_TEMPLATE(SignedAttributeSet) =
    ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_ORDER, V_ASN1_SET, SignedAttributeSet, X509_ATTRIBUTE)
ASN1_ITEM_TEMPLATE_END(SignedAttributeSet)

}  // namespace

namespace sign {
namespace {

using EssSigningCertV2Ptr = std::unique_ptr<ESS_SIGNING_CERT_V2, OpenSslDeleter<ESS_SIGNING_CERT_V2_free>>;
using Asn1StringPtr = std::unique_ptr<ASN1_STRING, OpenSslDeleter<ASN1_STRING_free>>;

// The prepared state: a magic with a version, then level, scheme, digest name and the unsigned CMS.
constexpr std::string_view state_magic = "city-sign CAdES prepared v1";

[[noreturn]] void bad_state(const std::string& why) {
    throw Error(ErrorKind::invalid_input, "bad_prepared_state",
                "the prepared signature is damaged or was not made by prepare_cades: " + why);
}

std::vector<std::uint8_t> hash(const EVP_MD* md, std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> out(static_cast<size_t>(EVP_MD_get_size(md)));
    if (EVP_Digest(data.data(), data.size(), out.data(), nullptr, md, nullptr) != 1)
        detail::throw_openssl("openssl_failure", "hashing failed");
    return out;
}

std::vector<std::uint8_t> encode_cms(CMS_ContentInfo* cms) { return detail::to_der(cms, i2d_CMS_ContentInfo, "the CMS signature"); }

CMS_SignerInfo* only_signer(CMS_ContentInfo* cms) {
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
    if (infos == nullptr || sk_CMS_SignerInfo_num(infos) != 1) bad_state("it does not hold exactly one signer");
    return sk_CMS_SignerInfo_value(infos, 0);
}

// The DER bytes the signature covers (RFC 5652 5.4).
std::vector<std::uint8_t> signed_attributes_der(CMS_SignerInfo* signer_info) {
    std::unique_ptr<SignedAttributeSet, void (*)(SignedAttributeSet*)> attributes(
        sk_X509_ATTRIBUTE_new_null(), [](SignedAttributeSet* stack) { sk_X509_ATTRIBUTE_free(stack); });
    if (!attributes) detail::throw_openssl("out_of_memory", "cannot list the signed attributes");
    for (int i = 0; i < CMS_signed_get_attr_count(signer_info); ++i)
        if (!sk_X509_ATTRIBUTE_push(attributes.get(), CMS_signed_get_attr(signer_info, i)))
            detail::throw_openssl("out_of_memory", "cannot list the signed attributes");
    unsigned char* der = nullptr;
    int length = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(attributes.get()), &der, ASN1_ITEM_rptr(SignedAttributeSet));
    if (length <= 0) detail::throw_openssl("encode_failed", "cannot encode the signed attributes");
    std::vector<std::uint8_t> out(der, der + length);
    OPENSSL_free(der);
    return out;
}

// RSASSA-PSS-params (RFC 4055): the digest, MGF1 with the same digest, salt as long as the digest
// (what sign_digest() makes), default trailer.
void set_pss_algorithm(X509_ALGOR* algorithm, const EVP_MD* md) {
    RsaPssParamsPtr params(RSA_PSS_PARAMS_new());
    X509AlgorPtr mgf1_digest(X509_ALGOR_new());
    if (!params || !mgf1_digest) detail::throw_openssl("out_of_memory", "cannot build RSA-PSS parameters");
    params->hashAlgorithm = X509_ALGOR_new();
    params->maskGenAlgorithm = X509_ALGOR_new();
    params->saltLength = ASN1_INTEGER_new();
    if (!params->hashAlgorithm || !params->maskGenAlgorithm || !params->saltLength ||
        !ASN1_INTEGER_set(params->saltLength, EVP_MD_get_size(md)))
        detail::throw_openssl("out_of_memory", "cannot build RSA-PSS parameters");
    X509_ALGOR_set_md(params->hashAlgorithm, md);
    X509_ALGOR_set_md(mgf1_digest.get(), md);
    ASN1_STRING* mgf1_params = ASN1_item_pack(mgf1_digest.get(), ASN1_ITEM_rptr(X509_ALGOR), nullptr);
    if (!mgf1_params || !X509_ALGOR_set0(params->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1), V_ASN1_SEQUENCE, mgf1_params)) {
        ASN1_STRING_free(mgf1_params);
        detail::throw_openssl("out_of_memory", "cannot build RSA-PSS parameters");
    }
    ASN1_STRING* packed = ASN1_item_pack(params.get(), ASN1_ITEM_rptr(RSA_PSS_PARAMS), nullptr);
    if (!packed || !X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_rsassaPss), V_ASN1_SEQUENCE, packed)) {
        ASN1_STRING_free(packed);
        detail::throw_openssl("out_of_memory", "cannot set the RSA-PSS algorithm");
    }
}

// Sets signatureAlgorithm ourselves, so the output depends on the scheme asked for, not on
// padding state hidden in a key object.
void set_signature_algorithm(CMS_SignerInfo* signer_info, SignatureScheme scheme, const EVP_MD* md) {
    X509_ALGOR* algorithm = nullptr;
    CMS_SignerInfo_get0_algs(signer_info, nullptr, nullptr, nullptr, &algorithm);
    switch (scheme) {
    case SignatureScheme::rsa_pss:
        set_pss_algorithm(algorithm, md);
        return;
    case SignatureScheme::rsa_pkcs1v15:
        // rsaEncryption with NULL parameters: what RFC 3370 3.2 and OpenSSL's own CMS use.
        if (!X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_rsaEncryption), V_ASN1_NULL, nullptr))
            detail::throw_openssl("out_of_memory", "cannot set the signature algorithm");
        return;
    case SignatureScheme::ecdsa: {
        int nid = NID_undef;
        if (!OBJ_find_sigid_by_algs(&nid, EVP_MD_get_type(md), NID_X9_62_id_ecPublicKey) ||
            !X509_ALGOR_set0(algorithm, OBJ_nid2obj(nid), V_ASN1_UNDEF, nullptr))
            detail::throw_openssl("unsupported_digest", "no ECDSA signature algorithm for this digest");
        return;
    }
    }
}

void add_signed_attribute(CMS_SignerInfo* signer_info, int nid, int type, const void* value, int length) {
    if (!CMS_signed_add1_attr_by_NID(signer_info, nid, type, value, length))
        detail::throw_openssl("cms_failed", std::string("cannot add the ") + OBJ_nid2sn(nid) + " attribute");
}

// ESSCertIDv2 with SHA-256 (the default, so hashAlgorithm is left out) and issuerSerial.
std::vector<std::uint8_t> signing_certificate_v2(X509* certificate) {
    EssSigningCertV2Ptr value(OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), certificate, nullptr, 1));
    if (!value) detail::throw_openssl("cms_failed", "cannot build the signing-certificate-v2 attribute");
    int length = i2d_ESS_SIGNING_CERT_V2(value.get(), nullptr);
    if (length <= 0) detail::throw_openssl("encode_failed", "cannot encode the signing-certificate-v2 attribute");
    std::vector<std::uint8_t> der(static_cast<size_t>(length));
    unsigned char* cursor = der.data();
    i2d_ESS_SIGNING_CERT_V2(value.get(), &cursor);
    return der;
}

bool self_signed(X509* certificate) { return (X509_get_extension_flags(certificate) & EXFLAG_SS) != 0; }

std::vector<std::uint8_t> write_state(SignatureLevel level, SignatureScheme scheme, const std::string& digest_name,
                                      const std::vector<std::uint8_t>& cms) {
    std::vector<std::uint8_t> state(state_magic.begin(), state_magic.end());
    state.push_back(static_cast<std::uint8_t>(level));
    state.push_back(static_cast<std::uint8_t>(scheme));
    state.push_back(static_cast<std::uint8_t>(digest_name.size()));
    state.insert(state.end(), digest_name.begin(), digest_name.end());
    state.insert(state.end(), cms.begin(), cms.end());
    return state;
}

struct ReadState {
    SignatureLevel level;
    SignatureScheme scheme;
    std::string digest_name;
    CmsPtr cms;
};

ReadState read_state(std::span<const std::uint8_t> state) {
    size_t header = state_magic.size() + 3;
    if (state.size() < header || !std::equal(state_magic.begin(), state_magic.end(), state.begin()))
        bad_state("it does not start with the expected marker");
    std::uint8_t level = state[state_magic.size()];
    std::uint8_t scheme = state[state_magic.size() + 1];
    size_t name_length = state[state_magic.size() + 2];
    if (level > static_cast<std::uint8_t>(SignatureLevel::b_t) || scheme > static_cast<std::uint8_t>(SignatureScheme::ecdsa) ||
        state.size() < header + name_length)
        bad_state("its header is out of range");
    ReadState read{static_cast<SignatureLevel>(level), static_cast<SignatureScheme>(scheme),
                   std::string(state.begin() + static_cast<long>(header), state.begin() + static_cast<long>(header + name_length)),
                   nullptr};
    const unsigned char* cursor = state.data() + header + name_length;
    const unsigned char* end = state.data() + state.size();
    read.cms.reset(d2i_CMS_ContentInfo(nullptr, &cursor, end - cursor));
    if (!read.cms || cursor != end || OBJ_obj2nid(CMS_get0_type(read.cms.get())) != NID_pkcs7_signed) {
        drain_openssl_errors();
        bad_state("its CMS part does not parse");
    }
    return read;
}

PreparedSignature prepare(const Signer& signer, std::span<const std::uint8_t> content_digest,
                          const std::span<const std::uint8_t>* enveloped_content, const CadesOptions& options,
                          std::chrono::system_clock::time_point signing_time) {
    // The hash-split makes B-B or B-T; B-LT and B-LTA are added around the result (extend_cades(),
    // or a PDF's /DSS), when the signature value is back.
    if (options.level != SignatureLevel::b_b && options.level != SignatureLevel::b_t)
        throw Error(ErrorKind::invalid_input, "unsupported_signature_level",
                    std::string("a prepared CAdES signature is made at b-b or b-t, then extended, not made at ") + to_string(options.level));
    check_signer(signer, options.registry, signing_time);
    const EVP_MD* md = check_digest(signer.digest);
    register_ecdsa_sha3_algorithms();
    if (content_digest.size() != static_cast<size_t>(EVP_MD_get_size(md)))
        throw Error(ErrorKind::invalid_input, "digest_length_mismatch",
                    "a " + signer.digest + " digest is " + std::to_string(EVP_MD_get_size(md)) + " bytes, not " +
                        std::to_string(content_digest.size()));

    CmsPtr cms(CMS_ContentInfo_new());
    if (!cms || !CMS_SignedData_init(cms.get())) detail::throw_openssl("cms_failed", "cannot start a CMS SignedData");
    if (enveloped_content != nullptr) {
        ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
        ASN1_OCTET_STRING* octets = ASN1_OCTET_STRING_new();
        if (content == nullptr || octets == nullptr ||
            !ASN1_OCTET_STRING_set(octets, enveloped_content->data(), static_cast<int>(enveloped_content->size()))) {
            ASN1_OCTET_STRING_free(octets);
            detail::throw_openssl("cms_failed", "cannot put the content in the CMS");
        }
        ASN1_OCTET_STRING_free(*content);
        *content = octets;
    }

    X509* certificate = signer.certificate.native();
    // The public key only, and CMS_PARTIAL: OpenSSL builds the SignerInfo but signs nothing.
    CMS_SignerInfo* signer_info = CMS_add1_signer(cms.get(), certificate, X509_get0_pubkey(certificate), md,
                                                  CMS_PARTIAL | CMS_NOATTR | CMS_NOCERTS | CMS_NOSMIMECAP);
    if (signer_info == nullptr) detail::throw_openssl("cms_failed", "cannot add the signer to the CMS");
    set_signature_algorithm(signer_info, signer.scheme, md);

    add_signed_attribute(signer_info, NID_pkcs9_contentType, V_ASN1_OBJECT, OBJ_nid2obj(NID_pkcs7_data), -1);
    if (options.signing_time_attribute) {
        // RFC 5652 11.3: UTCTime up to 2049, GeneralizedTime after, which ASN1_TIME_set chooses.
        Asn1TimePtr time = detail::to_asn1_time(signing_time);
        add_signed_attribute(signer_info, NID_pkcs9_signingTime, ASN1_STRING_type(time.get()), time.get(), -1);
    }
    add_signed_attribute(signer_info, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, content_digest.data(),
                         static_cast<int>(content_digest.size()));
    std::vector<std::uint8_t> ess = signing_certificate_v2(certificate);
    add_signed_attribute(signer_info, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, ess.data(),
                         static_cast<int>(ess.size()));

    if (!CMS_add1_cert(cms.get(), certificate)) detail::throw_openssl("cms_failed", "cannot add the signer's certificate");
    for (const Certificate& issuer : signer.chain)
        if (!self_signed(issuer.native()) && !CMS_add1_cert(cms.get(), issuer.native()))
            detail::throw_openssl("cms_failed", "cannot add a chain certificate");

    PreparedSignature prepared;
    prepared.digest = hash(md, signed_attributes_der(signer_info));
    prepared.digest_name = signer.digest;
    prepared.scheme = signer.scheme;
    prepared.state = write_state(options.level, signer.scheme, signer.digest, encode_cms(cms.get()));
    return prepared;
}

void require_detached(const CadesOptions& options) {
    if (!options.detached)
        throw Error(ErrorKind::invalid_input, "enveloping_needs_content",
                    "an enveloping signature carries the content, so it cannot be made from a digest alone");
}

void require_tsa_for_level(SignatureLevel level, const TimestampSource* tsa) {
    if (has_signature_timestamp(level) && tsa == nullptr)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing",
                    std::string("a ") + to_string(level) + " signature needs a time-stamp source (TSA)");
}

bool long_term(SignatureLevel level) { return level == SignatureLevel::b_lt || level == SignatureLevel::b_lta; }

// B-LT and B-LTA: Circular 15's check of the signer's status first, then B-T, then extend_cades().
std::vector<std::uint8_t> sign_long_term(const Signer& signer, const CadesOptions& options, TimestampSource* tsa,
                                         const validate::SignedContent& content,
                                         const std::function<std::vector<std::uint8_t>(const CadesOptions&)>& sign_at_b_t) {
    if (!options.validation_sources)
        throw Error(ErrorKind::invalid_input, "validation_sources_missing", "a B-LT or B-LTA signature needs sources of validation data");
    require_signer_in_good_standing(signer, *options.validation_sources);
    CadesOptions b_t = options;
    b_t.level = SignatureLevel::b_t;
    std::vector<std::uint8_t> cms = sign_at_b_t(b_t);
    return extend_cades(cms, options.detached ? content : validate::SignedContent::attached(), options.level,
                        *options.validation_sources, tsa);
}

}  // namespace

PreparedSignature prepare_cades(const Signer& signer, std::span<const std::uint8_t> content, const CadesOptions& options,
                                std::chrono::system_clock::time_point signing_time) {
    std::vector<std::uint8_t> content_digest = hash(check_digest(signer.digest), content);
    return prepare(signer, content_digest, options.detached ? nullptr : &content, options, signing_time);
}

PreparedSignature prepare_cades_digest(const Signer& signer, std::span<const std::uint8_t> content_digest,
                                       const CadesOptions& options, std::chrono::system_clock::time_point signing_time) {
    require_detached(options);
    return prepare(signer, content_digest, nullptr, options, signing_time);
}

std::vector<std::uint8_t> finalize_cades(const PreparedSignature& prepared, std::span<const std::uint8_t> signature_value,
                                         TimestampSource* tsa) {
    ReadState state = read_state(prepared.state);
    require_tsa_for_level(state.level, tsa);
    const EVP_MD* md = check_digest(state.digest_name);
    CMS_SignerInfo* signer_info = only_signer(state.cms.get());
    if (CMS_set1_signers_certs(state.cms.get(), nullptr, 0) <= 0) bad_state("the signer's certificate is missing");
    X509* certificate = nullptr;
    CMS_SignerInfo_get0_algs(signer_info, nullptr, &certificate, nullptr, nullptr);
    drain_openssl_errors();
    if (certificate == nullptr) bad_state("the signer's certificate is missing");

    // A wrong value (another key, another digest, a truncated transfer) is caught here, not by
    // whoever verifies the document later.
    if (!verify_data(X509_get0_pubkey(certificate), state.scheme, state.digest_name,
                     signed_attributes_der(signer_info), signature_value)) {
        drain_openssl_errors();
        throw Error(ErrorKind::invalid_input, "signature_mismatch",
                    "the signature value does not verify with the signer's certificate over the prepared attributes");
    }
    ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(signer_info);
    if (!ASN1_STRING_set(signature, signature_value.data(), static_cast<int>(signature_value.size())))
        detail::throw_openssl("out_of_memory", "cannot set the signature value");

    if (state.level == SignatureLevel::b_t) {
        // ETSI EN 319 122-1 5.3: the time-stamp covers the SignatureValue octets.
        std::vector<std::uint8_t> token = tsa->timestamp(state.digest_name, hash(md, signature_value));
        if (!CMS_unsigned_add1_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token.data(),
                                           static_cast<int>(token.size())))
            detail::throw_openssl("cms_failed", "cannot add the signature time-stamp");
    }
    return encode_cms(state.cms.get());
}

std::vector<std::uint8_t> sign_cades(const Signer& signer, std::span<const std::uint8_t> content,
                                     const CadesOptions& options, const Clock& clock, TimestampSource* tsa) {
    require_tsa_for_level(options.level, tsa);
    if (long_term(options.level))
        return sign_long_term(signer, options, tsa, validate::SignedContent::detached(content),
                              [&](const CadesOptions& b_t) { return sign_cades(signer, content, b_t, clock, tsa); });
    PreparedSignature prepared = prepare_cades(signer, content, options, clock.now());
    return finalize_cades(prepared, sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest), tsa);
}

std::vector<std::uint8_t> sign_cades_digest(const Signer& signer, std::span<const std::uint8_t> content_digest,
                                            const CadesOptions& options, const Clock& clock, TimestampSource* tsa) {
    require_tsa_for_level(options.level, tsa);
    if (long_term(options.level)) {
        require_detached(options);
        if (options.level == SignatureLevel::b_lta && EVP_MD_get_type(check_digest(signer.digest)) != NID_sha256)
            throw Error(ErrorKind::invalid_input, "digest_algorithm_mismatch",
                        "a B-LTA signature made from a digest needs a sha256 digest: its archive time-stamp covers the document's SHA-256");
        std::vector<std::uint8_t> digest(content_digest.begin(), content_digest.end());
        return sign_long_term(signer, options, tsa, validate::SignedContent::digest(signer.digest, std::move(digest)),
                              [&](const CadesOptions& b_t) { return sign_cades_digest(signer, content_digest, b_t, clock, tsa); });
    }
    PreparedSignature prepared = prepare_cades_digest(signer, content_digest, options, clock.now());
    return finalize_cades(prepared, sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest), tsa);
}

}  // namespace sign
