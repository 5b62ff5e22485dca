#include "sign/ocsp_responder.h"

#include "openssl_util.h"
#include "sign/error.h"
#include "sign/serial_number.h"

namespace sign {
namespace {

// More single requests than any client sends; bounds the work one request can cause.
constexpr int max_single_requests = 64;

std::vector<std::uint8_t> encode(const OCSP_RESPONSE* response) {
    return detail::to_der(response, i2d_OCSP_RESPONSE, "the OCSP response");
}

std::vector<std::uint8_t> status_only(int status) {
    OcspResponsePtr response(OCSP_response_create(status, nullptr));
    if (!response) detail::throw_openssl("ocsp_failed", "cannot create an OCSP response");
    return encode(response.get());
}

// True when the CertID's issuer name and key hashes are ours, whatever hash the client chose.
bool names_our_issuer(OCSP_CERTID* id, X509* issuer) {
    ASN1_OBJECT* hash_algorithm = nullptr;
    if (!OCSP_id_get0_info(nullptr, &hash_algorithm, nullptr, nullptr, id)) return false;
    const EVP_MD* digest = EVP_get_digestbyobj(hash_algorithm);
    if (digest == nullptr) return false;
    OcspCertIdPtr ours(OCSP_cert_to_id(digest, nullptr, issuer));
    return ours && OCSP_id_issuer_cmp(ours.get(), id) == 0;
}

}  // namespace

OcspResponder::OcspResponder(Certificate issuer, Certificate responder_certificate, const SigningKey& responder_key,
                             const CertificateRegistry& registry, std::chrono::seconds validity)
    : issuer_(std::move(issuer)),
      responder_certificate_(std::move(responder_certificate)),
      responder_key_(responder_key),
      registry_(registry),
      validity_(validity) {
    EvpPkeyPtr key = responder_key_.public_key();
    if (!detail::same_public_key(key.get(), X509_get0_pubkey(responder_certificate_.native())))
        throw Error(ErrorKind::invalid_input, "responder_key_mismatch",
                    "the key " + responder_key_.uri() + " does not belong to the OCSP responder certificate");
    bool is_issuer = X509_cmp(issuer_.native(), responder_certificate_.native()) == 0;
    // X509_get_extended_key_usage reports every bit when the extension is absent, so require it explicitly.
    X509* responder = responder_certificate_.native();
    bool delegated = X509_check_issued(issuer_.native(), responder) == X509_V_OK &&
                     (X509_get_extension_flags(responder) & EXFLAG_XKUSAGE) != 0 &&
                     (X509_get_extended_key_usage(responder) & XKU_OCSP_SIGN) != 0;
    if (!is_issuer && !delegated)
        throw Error(ErrorKind::invalid_input, "responder_not_authorized",
                    "the OCSP responder certificate must be the CA itself or issued by it with EKU OCSPSigning");
    if (validity_ <= std::chrono::seconds(0))
        throw Error(ErrorKind::invalid_input, "invalid_ocsp_validity", "the OCSP response validity must be positive");
}

std::vector<std::uint8_t> OcspResponder::respond(std::span<const std::uint8_t> der_request,
                                                 std::chrono::system_clock::time_point now) const {
    const unsigned char* cursor = der_request.data();
    OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &cursor, static_cast<long>(der_request.size())));
    if (!request || cursor != der_request.data() + der_request.size()) {
        drain_openssl_errors();
        return status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }
    int count = OCSP_request_onereq_count(request.get());
    if (count <= 0 || count > max_single_requests) return status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    // OpenSSL reads some CertIDs whose encoding it cannot read back (an algorithm's parameters
    // holding a stray end-of-contents tag); each is copied into the response, so such a request
    // is malformed.
    for (int i = 0; i < count; ++i) {
        OcspCertIdPtr copy(OCSP_CERTID_dup(OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i))));
        if (!copy) {
            drain_openssl_errors();
            return status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
        }
    }

    OcspBasicResponsePtr basic(OCSP_BASICRESP_new());
    Asn1TimePtr this_update = detail::to_asn1_time(now);
    Asn1TimePtr next_update = detail::to_asn1_time(now + validity_);
    if (!basic) detail::throw_openssl("ocsp_failed", "cannot create an OCSP response");

    for (int i = 0; i < count; ++i) {
        OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i));
        ASN1_INTEGER* serial = nullptr;
        OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, id);
        CertificateStatus status;
        if (serial != nullptr && names_our_issuer(id, issuer_.native())) status = registry_.status(serial_to_hex(serial));

        OCSP_SINGLERESP* single = nullptr;
        switch (status.state) {
        case CertificateStatus::State::good:
            single = OCSP_basic_add1_status(basic.get(), id, V_OCSP_CERTSTATUS_GOOD, 0, nullptr, this_update.get(), next_update.get());
            break;
        case CertificateStatus::State::revoked: {
            Asn1TimePtr revoked_at = detail::to_asn1_time(status.revoked_at.value_or(now));
            RevocationReason reason = status.reason.value_or(RevocationReason::unspecified);
            // Like the CRL, an unspecified reason is expressed by leaving the field out.
            int reason_code = reason == RevocationReason::unspecified ? OCSP_REVOKED_STATUS_NOSTATUS : static_cast<int>(reason);
            single = OCSP_basic_add1_status(basic.get(), id, V_OCSP_CERTSTATUS_REVOKED, reason_code, revoked_at.get(),
                                            this_update.get(), next_update.get());
            break;
        }
        case CertificateStatus::State::unknown:
            single = OCSP_basic_add1_status(basic.get(), id, V_OCSP_CERTSTATUS_UNKNOWN, 0, nullptr, this_update.get(), next_update.get());
            break;
        }
        if (single == nullptr) detail::throw_openssl("ocsp_failed", "cannot add a status to the OCSP response");
    }
    // The nonce extension is copied as it came; one that cannot be written again is the request's fault.
    if (OCSP_copy_nonce(basic.get(), request.get()) <= 0) {
        drain_openssl_errors();
        return status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }

    detail::sign_with(responder_key_, EVP_sha256(), false,
                      [&](EVP_MD_CTX* context) {
                          return OCSP_basic_sign_ctx(basic.get(), responder_certificate_.native(), context, nullptr, 0);
                      },
                      "OCSP response");
    OcspResponsePtr response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    if (!response) detail::throw_openssl("ocsp_failed", "cannot wrap the OCSP response");
    return encode(response.get());
}

}  // namespace sign
