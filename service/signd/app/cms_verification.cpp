#include "app/cms_verification.h"

#include <memory>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509_vfy.h>

#include "sign/certificate.h"
#include "sign/error.h"
#include "sign/openssl_ptr.h"
#include "sign/utc_time.h"

namespace sign::signd {

namespace {


struct X509StackOwner {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};

// The digest BIOs CMS_dataInit pushed over the document's BIO, freed down to (not including) it.
struct DigestChain {
    BIO* chain = nullptr;
    BIO* content = nullptr;
    ~DigestChain() {
        if (!chain || chain == content) return;
        BIO_pop(content);
        BIO_free_all(chain);
    }
};
using OwnedX509Stack = std::unique_ptr<STACK_OF(X509), X509StackOwner>;

[[noreturn]] void not_cms() {
    ERR_clear_error();
    throw Error(ErrorKind::invalid_input, "not_a_cms_signature", "the signature is not a detached CMS SignedData (DER or PEM)");
}

std::chrono::system_clock::time_point time_of(const ASN1_TIME* time) {
    std::tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        throw Error(ErrorKind::invalid_input, "invalid_time", "a time in the signature does not parse");
    return std::chrono::system_clock::from_time_t(timegm(&parts));
}

CmsPtr parse(std::span<const std::uint8_t> signature) {
    BioPtr bio(BIO_new_mem_buf(signature.data(), static_cast<int>(signature.size())));
    CmsPtr cms;
    std::string_view text(reinterpret_cast<const char*>(signature.data()), signature.size());
    if (text.find("-----BEGIN") != std::string_view::npos) {
        // PEM armour as openssl cms -outform PEM writes it ("CMS"), or the older "PKCS7".
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* der = nullptr;
        long length = 0;
        if (PEM_read_bio(bio.get(), &name, &header, &der, &length) == 1) {
            std::string label = name;
            if (label == "CMS" || label == "PKCS7") {
                BioPtr decoded(BIO_new_mem_buf(der, static_cast<int>(length)));
                cms.reset(d2i_CMS_bio(decoded.get(), nullptr));
            }
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
    } else {
        cms.reset(d2i_CMS_bio(bio.get(), nullptr));
    }
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed || !CMS_is_detached(cms.get())) not_cms();
    return cms;
}

// The trust store: the city root only; our issuing CAs join the untrusted pool.
X509StorePtr trust_store(const ca::CaService& ca) {
    X509StorePtr store(X509_STORE_new());
    auto root = Certificate::from_pem(ca.root().pem);
    if (!store || X509_STORE_add_cert(store.get(), root.native()) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot build the trust store: " + drain_openssl_errors());
    return store;
}

// The signature time-stamp of `signer`, verified against the signature value and the root; the
// genTime when it verifies.
std::optional<std::chrono::system_clock::time_point> verified_timestamp(CMS_SignerInfo* signer, X509_STORE* store,
                                                                        STACK_OF(X509) * untrusted, bool& present) {
    int at = CMS_unsigned_get_attr_by_NID(signer, NID_id_smime_aa_timeStampToken, -1);
    present = at >= 0;
    if (!present) return std::nullopt;
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(signer, at), 0);
    if (!value || value->type != V_ASN1_SEQUENCE) return std::nullopt;
    const unsigned char* in = value->value.sequence->data;
    Pkcs7Ptr token(d2i_PKCS7(nullptr, &in, value->value.sequence->length));
    if (!token) return std::nullopt;
    TsTstInfoPtr info(PKCS7_to_TS_TST_INFO(token.get()));
    if (!info) return std::nullopt;
    ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(signer);
    // The imprint's digest is the token's own choice; the signature value is hashed with it.
    const X509_ALGOR* algorithm = TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(info.get()));
    const EVP_MD* md = EVP_get_digestbyobj(algorithm->algorithm);
    if (!md) return std::nullopt;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    if (EVP_Digest(ASN1_STRING_get0_data(signature), static_cast<size_t>(ASN1_STRING_length(signature)), digest, &length, md,
                   nullptr) != 1)
        return std::nullopt;
    TsVerifyCtxPtr context(TS_VERIFY_CTX_new());
    if (!context) return std::nullopt;
    auto* imprint = static_cast<unsigned char*>(OPENSSL_memdup(digest, length));
    TS_VERIFY_CTX_set_flags(context.get(), TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
    TS_VERIFY_CTX_set_imprint(context.get(), imprint, length);  // the context owns it now
    if (!X509_STORE_up_ref(store)) return std::nullopt;
    TS_VERIFY_CTX_set_store(context.get(), store);
    STACK_OF(X509)* certificates = X509_chain_up_ref(untrusted);
    TS_VERIFY_CTX_set_certs(context.get(), certificates);
    bool verified = TS_RESP_verify_token(context.get(), token.get()) == 1;
    ERR_clear_error();
    if (!verified) return std::nullopt;
    return time_of(TS_TST_INFO_get_time(info.get()));
}

}  // namespace

nlohmann::json CmsVerification::to_json() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : signers) {
        nlohmann::json one = {{"signer", s.signer},
                              {"certificateSerial", s.certificate_serial},
                              {"issuer", s.issuer},
                              {"integrity", s.integrity},
                              {"certificateTrusted", s.certificate_trusted},
                              {"revocation", s.revocation},
                              {"signingTime", s.signing_time ? nlohmann::json(*s.signing_time) : nlohmann::json()},
                              {"timestampTime", s.timestamp_time ? nlohmann::json(*s.timestamp_time) : nlohmann::json()},
                              {"timestampValid", s.timestamp_valid ? nlohmann::json(*s.timestamp_valid) : nlohmann::json()},
                              {"valid", s.valid},
                              {"messages", s.messages}};
        list.push_back(one);
    }
    return {{"valid", valid}, {"summary", summary}, {"signatures", list}};
}

CmsVerification verify_cms(const ca::CaService& ca, const store::CertificateStore& certificates,
                           std::span<const std::uint8_t> signature,
                           std::span<const std::uint8_t> document, std::chrono::system_clock::time_point now) {
    CmsPtr cms = parse(signature);
    X509StorePtr store = trust_store(ca);
    // Untrusted pool: the certificates the signature carries, and our issuing CA.
    OwnedX509Stack untrusted(CMS_get1_certs(cms.get()));
    if (!untrusted) untrusted.reset(sk_X509_new_null());
    auto issuing = Certificate::from_pem(ca.issuing_ca().pem);
    X509_up_ref(issuing.native());
    sk_X509_push(untrusted.get(), issuing.native());

    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
    int count = sk_CMS_SignerInfo_num(infos);
    if (count <= 0) not_cms();
    // Attaches to each SignerInfo the certificate it names, from those the signature carries.
    CMS_set1_signers_certs(cms.get(), untrusted.get(), 0);
    ERR_clear_error();

    // Reading the document through the CMS digest BIOs computes each signer's message digest.
    BioPtr content(BIO_new_mem_buf(document.data(), static_cast<int>(document.size())));
    BIO* chain = CMS_dataInit(cms.get(), content.get());
    if (!chain) not_cms();
    DigestChain digests{chain, content.get()};
    char block[8192];
    while (BIO_read(chain, block, sizeof block) > 0) {
    }

    CmsVerification report;
    report.valid = true;
    for (int i = 0; i < count; ++i) {
        CMS_SignerInfo* info = sk_CMS_SignerInfo_value(infos, i);
        SignerVerification result;
        X509* certificate = nullptr;
        CMS_SignerInfo_get0_algs(info, nullptr, &certificate, nullptr, nullptr);
        if (!certificate) {
            result.messages.push_back("Chữ ký không kèm chứng thư số của người ký: không xác định được người ký.");
            result.revocation = "unknown";
            report.valid = false;
            report.signers.push_back(result);
            continue;
        }
        Certificate signer_certificate(X509Ptr(X509_dup(certificate)));
        result.signer = signer_certificate.subject().to_string();
        result.issuer = signer_certificate.issuer().to_string();
        result.certificate_serial = signer_certificate.serial_hex();

        // With signed attributes the signature covers them and they hold the document's digest;
        // without, the signature covers the digest itself.
        bool attributes = CMS_signed_get_attr_count(info) >= 0;
        result.integrity = (!attributes || CMS_SignerInfo_verify(info) == 1) && CMS_SignerInfo_verify_content(info, chain) == 1;
        ERR_clear_error();
        result.messages.push_back(result.integrity ? "Chữ ký toàn vẹn: tài liệu không bị thay đổi sau khi ký."
                                                   : "Chữ ký không hợp lệ: tài liệu đã bị thay đổi sau khi ký, hoặc chữ ký bị hỏng.");

        int signing_time_at = CMS_signed_get_attr_by_NID(info, NID_pkcs9_signingTime, -1);
        if (signing_time_at >= 0) {
            ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(info, signing_time_at), 0);
            if (value && (value->type == V_ASN1_UTCTIME || value->type == V_ASN1_GENERALIZEDTIME))
                result.signing_time = format_utc(time_of(value->value.asn1_string));
        }

        bool timestamp_present = false;
        auto stamped = verified_timestamp(info, store.get(), untrusted.get(), timestamp_present);
        if (timestamp_present) {
            result.timestamp_valid = stamped.has_value();
            if (stamped) {
                result.timestamp_time = format_utc(*stamped);
                result.messages.push_back("Có dấu thời gian hợp lệ: chữ ký đã tồn tại lúc " + *result.timestamp_time + " (UTC).");
            } else {
                result.messages.push_back("Dấu thời gian của chữ ký không hợp lệ.");
            }
        } else {
            result.messages.push_back("Chữ ký không có dấu thời gian; thời điểm ký chỉ do người ký tự khai.");
        }
        // The time that counts: the time-stamp's when it verified, else now.
        auto at = stamped.value_or(now);

        X509StoreCtxPtr context(X509_STORE_CTX_new());
        if (context && X509_STORE_CTX_init(context.get(), store.get(), signer_certificate.native(), untrusted.get()) == 1) {
            X509_VERIFY_PARAM* parameters = X509_STORE_CTX_get0_param(context.get());
            X509_VERIFY_PARAM_set_time(parameters, std::chrono::system_clock::to_time_t(at));
            result.certificate_trusted = X509_verify_cert(context.get()) == 1;
        }
        ERR_clear_error();
        result.messages.push_back(result.certificate_trusted
                                      ? "Chứng thư số của người ký do cơ quan chứng thực của thành phố cấp và còn hiệu lực tại thời điểm kiểm tra."
                                      : "Chứng thư số của người ký không được tin cậy: không do cơ quan chứng thực của thành phố cấp, hoặc đã hết hạn.");

        auto record = certificates.find(result.certificate_serial);
        if (!record || !result.certificate_trusted) {
            result.revocation = "unknown";
            result.messages.push_back("Không kiểm tra được tình trạng thu hồi của chứng thư số.");
        } else if (record->revoked_at && *record->revoked_at <= at) {
            result.revocation = "revoked";
            result.messages.push_back("Chứng thư số đã bị thu hồi lúc " + format_utc(*record->revoked_at) + " (UTC), trước thời điểm ký.");
        } else {
            result.revocation = "good";
            result.messages.push_back("Chứng thư số chưa bị thu hồi tại thời điểm ký.");
        }
        result.valid = result.integrity && result.certificate_trusted && result.revocation == "good" &&
                       result.timestamp_valid.value_or(true);
        if (!result.valid) report.valid = false;
        report.signers.push_back(std::move(result));
    }
    std::string total = std::to_string(report.signers.size());
    report.summary = report.valid ? "Tất cả " + total + " chữ ký đều hợp lệ."
                                  : "Có chữ ký không hợp lệ hoặc chưa xác minh được (" + total + " chữ ký).";
    return report;
}

}  // namespace sign::signd
