#include "sign/validate/validation_data_collector.h"

#include <set>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "../x509/openssl_util.h"
#include "sign/distinguished_name.h"
#include "certificate_urls.h"
#include "sign/error.h"
#include "validation_pool.h"

namespace sign::validate {

namespace {

using Clock = std::chrono::system_clock;

struct X509StackOwner {
    void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_pop_free(stack, X509_free); }
};
using OwnedX509Stack = std::unique_ptr<STACK_OF(X509), X509StackOwner>;

std::string subject_of(const X509* certificate) {
    try {
        return DistinguishedName::from_x509(X509_get_subject_name(certificate)).to_string();
    } catch (const Error&) {
        char buffer[512];
        X509_NAME_oneline(X509_get_subject_name(certificate), buffer, sizeof buffer);
        return buffer;
    }
}

std::string serial_of(const X509* certificate) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
    std::string out = to_hex(std::span<const std::uint8_t>(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial))));
    return out.empty() ? "00" : out;
}

bool issued_by(const X509* issuer, const X509* subject) {
    bool ok = X509_check_issued(const_cast<X509*>(issuer), const_cast<X509*>(subject)) == X509_V_OK &&
              X509_verify(const_cast<X509*>(subject), X509_get0_pubkey(issuer)) == 1;
    ERR_clear_error();
    return ok;
}

bool self_signed(const X509* certificate) { return issued_by(certificate, certificate); }

}  // namespace

struct ValidationDataCollector::State {
    const CollectionSources& sources;
    FetchSession session;
    std::vector<X509Ptr> pool;        // every certificate seen, to build chains with
    std::vector<X509Ptr> anchors;
    std::vector<X509CrlPtr> local_crls;
    std::set<std::vector<std::uint8_t>> seen_certificates, seen_ocsp, seen_crls;
    std::set<std::string> done;        // fingerprints of certificates whose status was looked at
    CollectedValidationData out;

    explicit State(const CollectionSources& sources_in)
        : sources(sources_in), session(sources_in.fetcher, sources_in.fetch_limits) {
        for (const auto& anchor : sources.trust.trust_anchors) anchors.push_back(up_ref(anchor.native()));
        for (const auto& intermediate : sources.trust.intermediates) pool.push_back(up_ref(intermediate.native()));
        for (const auto& bytes : sources.local.certificates)
            for (X509Ptr& certificate : detail::parse_certificates(bytes)) pool.push_back(std::move(certificate));
        for (const auto& bytes : sources.local.crls)
            if (X509CrlPtr crl = detail::parse_crl(bytes)) local_crls.push_back(std::move(crl));
    }

    static X509Ptr up_ref(X509* certificate) {
        X509_up_ref(certificate);
        return X509Ptr(certificate);
    }

    void add_to_pool(X509* certificate) {
        for (const auto& known : pool)
            if (X509_cmp(known.get(), certificate) == 0) return;
        pool.push_back(up_ref(certificate));
    }

    bool is_anchor(const X509* certificate) const {
        for (const auto& anchor : anchors)
            if (X509_cmp(anchor.get(), certificate) == 0) return true;
        return false;
    }

    void keep_certificate(const X509* certificate) {
        auto der = ::sign::detail::to_der(certificate, i2d_X509, "a certificate");
        if (seen_certificates.insert(der).second) out.certificates.push_back(std::move(der));
    }

    void keep_ocsp(std::vector<std::uint8_t> der) {
        if (seen_ocsp.insert(der).second) out.ocsp_responses.push_back(std::move(der));
    }

    void keep_crl(const X509_CRL* crl) {
        auto der = ::sign::detail::to_der(crl, i2d_X509_CRL, "a CRL");
        if (seen_crls.insert(der).second) out.crls.push_back(std::move(der));
    }

    X509* find_issuer(const X509* certificate) {
        for (const auto& anchor : anchors)
            if (issued_by(anchor.get(), certificate)) return anchor.get();
        for (const auto& candidate : pool)
            if (X509_cmp(candidate.get(), certificate) != 0 && issued_by(candidate.get(), certificate)) return candidate.get();
        return nullptr;
    }

    X509* fetch_issuer(const X509* certificate) {
        for (const std::string& url : access_urls(certificate, NID_ad_ca_issuers)) {
            auto body = session.get(url);
            if (!body) continue;
            for (X509Ptr& fetched : detail::parse_certificates(*body)) add_to_pool(fetched.get());
            if (X509* issuer = find_issuer(certificate)) return issuer;
        }
        return nullptr;
    }

    // The OCSP response's signer when it is the issuer or a delegate the issuer certified for OCSP.
    X509* ocsp_signer(OCSP_BASICRESP* response, X509* issuer) {
        X509StackPtr extra(sk_X509_new_null());
        for (const auto& certificate : pool) sk_X509_push(extra.get(), certificate.get());
        sk_X509_push(extra.get(), issuer);
        X509* signer = nullptr;
        if (OCSP_resp_get0_signer(response, &signer, extra.get()) != 1 || !signer) return nullptr;
        if (X509_cmp(signer, issuer) != 0) {
            if (!issued_by(issuer, signer)) return nullptr;
            if (!(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN))
                return nullptr;
        }
        bool verified = ASN1_item_verify(ASN1_ITEM_rptr(OCSP_RESPDATA), const_cast<X509_ALGOR*>(OCSP_resp_get0_tbs_sigalg(response)),
                                         const_cast<ASN1_OCTET_STRING*>(OCSP_resp_get0_signature(response)),
                                         const_cast<OCSP_RESPDATA*>(OCSP_resp_get0_respdata(response)), X509_get0_pubkey(signer)) == 1;
        ERR_clear_error();
        return verified ? signer : nullptr;
    }

    // Looks the certificate up in an OCSPResponse; true when it gave a definite answer.
    bool use_ocsp(const std::vector<std::uint8_t>& der, X509* certificate, X509* issuer, CollectedStatus& status) {
        OcspBasicResponsePtr basic = detail::parse_ocsp(der);
        if (!basic) return false;
        OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), certificate, issuer));
        int state = -1, reason = -1;
        ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
        bool found = id && OCSP_resp_find_status(basic.get(), id.get(), &state, &reason, &revoked_at, &this_update, &next_update) == 1;
        ERR_clear_error();
        if (!found || (state != V_OCSP_CERTSTATUS_GOOD && state != V_OCSP_CERTSTATUS_REVOKED)) return false;
        X509* signer = ocsp_signer(basic.get(), issuer);
        if (!signer) return false;
        status.status = state == V_OCSP_CERTSTATUS_GOOD ? "good" : "revoked";
        if (revoked_at) status.revocation_time = ::sign::detail::from_asn1_time(revoked_at);
        status.source = "ocsp";
        keep_ocsp(der);
        // The responder's own chain belongs to the validation data too.
        if (X509_cmp(signer, issuer) != 0) add_chain(signer);
        return true;
    }

    bool use_crl(X509_CRL* crl, X509* certificate, X509* issuer, CollectedStatus& status) {
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) return false;
        bool verified = X509_CRL_verify(crl, X509_get0_pubkey(issuer)) == 1;
        ERR_clear_error();
        if (!verified) return false;
        // A published CRL past its nextUpdate no longer speaks for now.
        if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl); next && ::sign::detail::from_asn1_time(next) < Clock::now()) return false;
        X509_REVOKED* entry = nullptr;
        if (X509_CRL_get0_by_cert(crl, &entry, certificate) == 1 && entry) {
            status.status = "revoked";
            status.revocation_time = ::sign::detail::from_asn1_time(X509_REVOKED_get0_revocationDate(entry));
        } else {
            status.status = "good";
        }
        ERR_clear_error();
        status.source = "crl";
        keep_crl(crl);
        return true;
    }

    void find_status(X509* certificate, X509* issuer, CollectedStatus& status) {
        OcspRequestPtr request(OCSP_REQUEST_new());
        OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), certificate, issuer);
        std::vector<std::uint8_t> request_der;
        if (request && id && OCSP_request_add0_id(request.get(), id))
            request_der = ::sign::detail::to_der(request.get(), i2d_OCSP_REQUEST, "an OCSP request");
        else
            OCSP_CERTID_free(id);
        ERR_clear_error();
        if (!request_der.empty() && sources.ocsp_responder) {
            try {
                if (use_ocsp(sources.ocsp_responder(request_der), certificate, issuer, status)) return;
            } catch (const Error&) {
                // The local responder does not speak for this certificate: try the others.
            }
        }
        for (const std::string& url : access_urls(certificate, NID_ad_OCSP)) {
            if (request_der.empty()) break;
            auto body = session.post(url, "application/ocsp-request", request_der);
            if (body && use_ocsp(*body, certificate, issuer, status)) return;
        }
        for (const auto& crl : local_crls)
            if (use_crl(crl.get(), certificate, issuer, status)) return;
        for (const std::string& url : crl_urls(certificate)) {
            auto body = session.get(url);
            if (!body) continue;
            X509CrlPtr crl = detail::parse_crl(*body);
            if (crl && use_crl(crl.get(), certificate, issuer, status)) return;
        }
    }

    // The chain of `leaf` up to a trust anchor (or a self-signed root), each certificate kept and,
    // but for anchors and ocsp-nocheck responders, its revocation status found.
    void add_chain(X509* leaf) {
        X509* current = leaf;
        for (int depth = 0; current && depth < 10; ++depth) {
            std::string fingerprint = to_hex(::sign::detail::to_der(current, i2d_X509, "a certificate"));
            keep_certificate(current);
            if (!done.insert(fingerprint).second) return;
            add_to_pool(current);
            CollectedStatus status;
            status.subject = subject_of(current);
            status.serial_hex = serial_of(current);
            if (is_anchor(current) || self_signed(current)) {
                status.status = "not-checked";
                out.statuses.push_back(status);
                if (!is_anchor(current)) out.problems.push_back("the chain of " + subject_of(leaf) + " ends at " + status.subject + ", which is not a trust anchor");
                return;
            }
            X509* issuer = find_issuer(current);
            if (!issuer) issuer = fetch_issuer(current);
            if (!issuer) {
                status.status = "unknown";
                out.statuses.push_back(status);
                out.problems.push_back("the issuer of " + status.subject + " was not found");
                return;
            }
            if (X509_get_ext_by_NID(current, NID_id_pkix_OCSP_noCheck, -1) >= 0) {
                status.status = "not-checked";
            } else {
                status.status = "unknown";
                find_status(current, issuer, status);
                if (status.status == "unknown")
                    out.problems.push_back("no OCSP response or CRL gives the status of " + status.subject + " (serial " + status.serial_hex + ")");
            }
            out.statuses.push_back(status);
            current = issuer;
        }
    }

    void add_signed_data(CMS_ContentInfo* cms) {
        OwnedX509Stack certificates(CMS_get1_certs(cms));
        for (int i = 0; certificates && i < sk_X509_num(certificates.get()); ++i) add_to_pool(sk_X509_value(certificates.get(), i));
        STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms);
        for (int i = 0; signers && i < sk_CMS_SignerInfo_num(signers); ++i) {
            CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signers, i);
            X509* signer = nullptr;
            for (const auto& candidate : pool)
                if (CMS_SignerInfo_cert_cmp(signer_info, candidate.get()) == 0) {
                    signer = candidate.get();
                    break;
                }
            ERR_clear_error();
            if (!signer) {
                out.problems.push_back("the signer's certificate is not in the signature nor at hand");
                continue;
            }
            add_chain(signer);
            for (int at = CMS_unsigned_get_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, -1); at >= 0;
                 at = CMS_unsigned_get_attr_by_NID(signer_info, NID_id_smime_aa_timeStampToken, at)) {
                X509_ATTRIBUTE* attribute = CMS_unsigned_get_attr(signer_info, at);
                for (int n = 0; n < X509_ATTRIBUTE_count(attribute); ++n) {
                    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, n);
                    if (!value || value->type != V_ASN1_SEQUENCE) continue;
                    add_token(std::span<const std::uint8_t>(value->value.sequence->data,
                                                            static_cast<std::size_t>(value->value.sequence->length)));
                }
            }
        }
    }

    void add_token(std::span<const std::uint8_t> der) {
        const unsigned char* cursor = der.data();
        CmsPtr token(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
        ERR_clear_error();
        if (!token || OBJ_obj2nid(CMS_get0_type(token.get())) != NID_pkcs7_signed) {
            out.problems.push_back("a time-stamp token of the signature is unreadable");
            return;
        }
        add_signed_data(token.get());
    }
};

std::string CollectedValidationData::problems_text() const {
    std::string text;
    for (const auto& problem : problems) text += (text.empty() ? "" : "; ") + problem;
    return text;
}

const CollectedStatus* CollectedValidationData::status_of(const Certificate& certificate) const {
    std::string serial = serial_of(certificate.native());
    std::string subject = subject_of(certificate.native());
    for (const auto& status : statuses)
        if (status.serial_hex == serial && status.subject == subject) return &status;
    return nullptr;
}

ValidationDataCollector::ValidationDataCollector(const CollectionSources& sources) : state_(std::make_unique<State>(sources)) {}

ValidationDataCollector::~ValidationDataCollector() = default;

void ValidationDataCollector::add_signature(std::span<const std::uint8_t> cms) {
    const unsigned char* cursor = cms.data();
    CmsPtr parsed(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(cms.size())));
    ERR_clear_error();
    if (!parsed || OBJ_obj2nid(CMS_get0_type(parsed.get())) != NID_pkcs7_signed)
        throw Error(ErrorKind::invalid_input, "signature_unreadable", "the signature is not a CMS SignedData");
    state_->add_signed_data(parsed.get());
}

void ValidationDataCollector::add_certificate(const Certificate& certificate, const std::vector<Certificate>& helpers) {
    for (const auto& helper : helpers) state_->add_to_pool(helper.native());
    state_->add_chain(certificate.native());
}

const CollectedValidationData& ValidationDataCollector::collected() const { return state_->out; }

}  // namespace sign::validate
