#include "sign/signer_checks.h"

#include "../x509/openssl_util.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/utc_time.h"

namespace sign {

void check_signer(const Signer& signer, const CertificateRegistry* registry, std::chrono::system_clock::time_point now) {
    check_digest(signer.digest);
    EvpPkeyPtr key = signer.key.public_key();
    check_key(key.get());
    bool rsa = EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA;
    if (rsa != (signer.scheme != SignatureScheme::ecdsa))
        throw Error(ErrorKind::invalid_input, "scheme_key_mismatch",
                    to_string(signer.scheme) + " cannot be used with " + (rsa ? "an RSA key" : "an EC key"));
    if (!detail::same_public_key(key.get(), X509_get0_pubkey(signer.certificate.native())))
        throw Error(ErrorKind::invalid_input, "key_certificate_mismatch",
                    "the key " + signer.key.uri() + " does not belong to the certificate of " +
                        signer.certificate.subject().to_string());
    if (now < signer.certificate.not_before())
        throw Error(ErrorKind::policy, "certificate_not_yet_valid",
                    "the signer's certificate is valid only from " + format_utc(signer.certificate.not_before()));
    if (now > signer.certificate.not_after())
        throw Error(ErrorKind::policy, "certificate_expired",
                    "the signer's certificate expired on " + format_utc(signer.certificate.not_after()));
    if (registry != nullptr) {
        CertificateStatus status = registry->status(signer.certificate.serial_hex());
        if (status.state == CertificateStatus::State::revoked)
            throw Error(ErrorKind::policy, "certificate_revoked",
                        "the signer's certificate (serial " + signer.certificate.serial_hex() + ") was revoked" +
                            (status.revoked_at ? " on " + format_utc(*status.revoked_at) : std::string()));
    }
}

void require_signer_in_good_standing(const Signer& signer, const validate::CollectionSources& sources) {
    validate::ValidationDataCollector collector(sources);
    collector.add_certificate(signer.certificate, signer.chain);
    const auto& collected = collector.collected();
    for (const auto& status : collected.statuses)
        if (status.status == "revoked") {
            std::string when = status.revocation_time ? " at " + format_utc(*status.revocation_time) : std::string();
            throw Error(ErrorKind::policy, "certificate_revoked",
                        "the certificate " + status.subject + " (serial " + status.serial_hex + ") was revoked" + when +
                            "; a signature made with it now would not be valid");
        }
    if (!collected.complete())
        throw Error(ErrorKind::policy, "certificate_status_unknown",
                    "the signer's certificate status cannot be established before signing: " + collected.problems_text());
}

}  // namespace sign
