#include "sign/crl_builder.h"

#include <set>

#include <openssl/pem.h>

#include "openssl_util.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/serial_number.h"

namespace sign {
namespace {

using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, OpenSslDeleter<ASN1_ENUMERATED_free>>;

X509RevokedPtr make_entry(const RevokedCertificate& entry) {
    X509RevokedPtr revoked(X509_REVOKED_new());
    Asn1IntegerPtr serial = serial_from_hex(entry.serial_hex);
    Asn1TimePtr when = detail::to_asn1_time(entry.revoked_at);
    if (!revoked || !X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) ||
        !X509_REVOKED_set_revocationDate(revoked.get(), when.get()))
        detail::throw_openssl("crl_failed", "cannot build a CRL entry");
    if (entry.reason != RevocationReason::unspecified) {
        Asn1EnumeratedPtr reason(ASN1_ENUMERATED_new());
        if (!reason || !ASN1_ENUMERATED_set(reason.get(), static_cast<long>(entry.reason)) ||
            X509_REVOKED_add1_ext_i2d(revoked.get(), NID_crl_reason, reason.get(), 0, 0) != 1)
            detail::throw_openssl("crl_failed", "cannot add a CRL reason code");
    }
    return revoked;
}

void add_issuing_distribution_point(X509_CRL* crl, std::string_view url) {
    std::unique_ptr<ISSUING_DIST_POINT, OpenSslDeleter<ISSUING_DIST_POINT_free>> point(ISSUING_DIST_POINT_new());
    point->distpoint = DIST_POINT_NAME_new();
    point->distpoint->type = 0;  // fullName
    point->distpoint->name.fullname = sk_GENERAL_NAME_new_null();
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_IA5STRING* uri = ASN1_IA5STRING_new();
    ASN1_STRING_set(uri, url.data(), static_cast<int>(url.size()));
    GENERAL_NAME_set0_value(name, GEN_URI, uri);
    sk_GENERAL_NAME_push(point->distpoint->name.fullname, name);
    // RFC 5280 section 5.2.5: the extension is critical.
    if (X509_CRL_add1_ext_i2d(crl, NID_issuing_distribution_point, point.get(), 1, 0) != 1)
        detail::throw_openssl("crl_failed", "cannot add the issuing distribution point");
}

}  // namespace

X509CrlPtr build_crl(const Certificate& issuer, const SigningKey& issuer_key,
                     const std::vector<RevokedCertificate>& revoked, std::uint64_t crl_number,
                     std::chrono::system_clock::time_point this_update,
                     std::chrono::system_clock::time_point next_update, std::string_view digest_name,
                     std::string_view distribution_point) {
    X509* ca = issuer.native();
    if (!issuer.is_ca() || ((X509_get_extension_flags(ca) & EXFLAG_KUSAGE) && !(X509_get_key_usage(ca) & KU_CRL_SIGN)))
        throw Error(ErrorKind::invalid_input, "not_a_crl_issuer", "this certificate may not sign CRLs (no CA flag or no cRLSign)");
    EvpPkeyPtr key = issuer_key.public_key();
    if (!detail::same_public_key(key.get(), X509_get0_pubkey(ca)))
        throw Error(ErrorKind::invalid_input, "ca_key_mismatch", "the key " + issuer_key.uri() + " does not belong to the CRL issuer");
    if (next_update <= this_update)
        throw Error(ErrorKind::invalid_input, "invalid_crl_times", "nextUpdate must be later than thisUpdate");
    const EVP_MD* digest = check_digest(digest_name);

    X509CrlPtr crl(X509_CRL_new());
    Asn1TimePtr last = detail::to_asn1_time(this_update);
    Asn1TimePtr next = detail::to_asn1_time(next_update);
    if (!crl || !X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) ||
        !X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca)) || !X509_CRL_set1_lastUpdate(crl.get(), last.get()) ||
        !X509_CRL_set1_nextUpdate(crl.get(), next.get()))
        detail::throw_openssl("crl_failed", "cannot fill in the CRL");

    std::set<std::string> seen;
    for (const auto& entry : revoked) {
        if (!seen.insert(normalize_serial_hex(entry.serial_hex)).second)
            throw Error(ErrorKind::invalid_input, "duplicate_crl_entry", "serial " + entry.serial_hex + " is listed twice");
        X509RevokedPtr revoked_entry = make_entry(entry);
        if (!X509_CRL_add0_revoked(crl.get(), revoked_entry.get())) detail::throw_openssl("crl_failed", "cannot add a CRL entry");
        revoked_entry.release();  // now owned by the CRL
    }
    X509_CRL_sort(crl.get());

    Asn1IntegerPtr number(ASN1_INTEGER_new());
    if (!number || !ASN1_INTEGER_set_uint64(number.get(), crl_number) ||
        X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1)
        detail::throw_openssl("crl_failed", "cannot add the CRL number");
    X509V3_CTX context;
    X509V3_set_ctx(&context, ca, nullptr, nullptr, crl.get(), 0);
    X509ExtensionPtr key_id(X509V3_EXT_conf_nid(nullptr, &context, NID_authority_key_identifier, "keyid:always"));
    if (!key_id || !X509_CRL_add_ext(crl.get(), key_id.get(), -1))
        detail::throw_openssl("crl_failed", "cannot add the authority key identifier (does the CA certificate have one?)");

    if (!distribution_point.empty()) add_issuing_distribution_point(crl.get(), distribution_point);

    detail::sign_with(issuer_key, digest, false, [&](EVP_MD_CTX* context) { return X509_CRL_sign_ctx(crl.get(), context); }, "CRL");
    if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ca)) != 1)
        detail::throw_openssl("signature_check_failed", "the new CRL's signature does not verify");
    return crl;
}

std::string crl_to_pem(const X509_CRL* crl) {
    BioPtr bio = detail::output_bio();
    if (!PEM_write_bio_X509_CRL(bio.get(), const_cast<X509_CRL*>(crl))) detail::throw_openssl("encode_failed", "cannot write the CRL as PEM");
    return detail::bio_contents(bio.get());
}

std::vector<std::uint8_t> crl_to_der(const X509_CRL* crl) { return detail::to_der(crl, i2d_X509_CRL, "the CRL"); }

}  // namespace sign
