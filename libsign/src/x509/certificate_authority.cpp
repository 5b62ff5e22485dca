#include "sign/certificate_authority.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <regex>

#include "openssl_util.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/serial_number.h"
#include "sign/subject_checks.h"

namespace sign {
namespace {

using Clock = std::chrono::system_clock;

// Attempts at drawing a serial the registry has not seen; a clash at 127 bits means a broken RNG.
constexpr int serial_attempts = 4;

std::string joined(const std::vector<std::string>& items, std::string_view separator, std::string_view prefix = "") {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += prefix;
        out += item;
    }
    return out;
}

// Everything that differs between a root and an issued certificate; the rest is shared.
struct CertificateDraft {
    const CertificateProfile* profile = nullptr;
    const DistinguishedName* subject = nullptr;
    EVP_PKEY* public_key = nullptr;
    Asn1IntegerPtr serial;
    Clock::time_point not_before;
    Clock::time_point not_after;
    const std::vector<std::string>* dns_names = nullptr;
    const std::vector<std::string>* ip_addresses = nullptr;
    const CaEndpoints* endpoints = nullptr;  // null for a root
};

void add_extension(X509* certificate, X509V3_CTX& context, int nid, const std::string& value) {
    X509ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
    if (!extension || !X509_add_ext(certificate, extension.get(), -1))
        detail::throw_openssl("extension_failed", std::string("cannot build the ") + OBJ_nid2ln(nid) + " extension");
}

// Built by hand: OpenSSL parses certificatePolicies text only with a configuration database.
void add_policies(X509* certificate, const std::vector<std::string>& oids) {
    using PoliciesPtr = std::unique_ptr<CERTIFICATEPOLICIES, OpenSslDeleter<CERTIFICATEPOLICIES_free>>;
    PoliciesPtr policies(CERTIFICATEPOLICIES_new());
    if (!policies) detail::throw_openssl("out_of_memory", "cannot build certificate policies");
    for (const auto& oid : oids) {
        POLICYINFO* info = POLICYINFO_new();
        if (info == nullptr || !sk_POLICYINFO_push(policies.get(), info)) {
            POLICYINFO_free(info);
            detail::throw_openssl("out_of_memory", "cannot build certificate policies");
        }
        ASN1_OBJECT_free(info->policyid);
        info->policyid = OBJ_txt2obj(oid.c_str(), 1);
        if (info->policyid == nullptr) detail::throw_openssl("extension_failed", "bad policy OID " + oid);
    }
    if (X509_add1_ext_i2d(certificate, NID_certificate_policies, policies.get(), 0, X509V3_ADD_DEFAULT) != 1)
        detail::throw_openssl("extension_failed", "cannot add the certificate policies extension");
}

// `issuer` is null for a self-signed certificate.
X509Ptr build(const CertificateDraft& draft, X509* issuer) {
    X509Ptr certificate(X509_new());
    if (!certificate) detail::throw_openssl("out_of_memory", "cannot create a certificate");
    X509* cert = certificate.get();
    X509NamePtr subject = draft.subject->to_x509();
    Asn1TimePtr not_before = detail::to_asn1_time(draft.not_before);
    Asn1TimePtr not_after = detail::to_asn1_time(draft.not_after);
    if (!X509_set_version(cert, X509_VERSION_3) || !X509_set_serialNumber(cert, draft.serial.get()) ||
        !X509_set_subject_name(cert, subject.get()) ||
        !X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : subject.get()) ||
        !X509_set1_notBefore(cert, not_before.get()) || !X509_set1_notAfter(cert, not_after.get()) ||
        !X509_set_pubkey(cert, draft.public_key))
        detail::throw_openssl("build_failed", "cannot fill in the certificate");

    const CertificateProfile& profile = *draft.profile;
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer ? issuer : cert, cert, nullptr, nullptr, 0);

    std::string basic = profile.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
    if (profile.is_ca && profile.path_length) basic += ",pathlen:" + std::to_string(*profile.path_length);
    add_extension(cert, context, NID_basic_constraints, basic);
    add_extension(cert, context, NID_key_usage, "critical," + joined(profile.key_usage, ","));
    if (!profile.extended_key_usage.empty())
        add_extension(cert, context, NID_ext_key_usage,
                      (profile.extended_key_usage_critical ? "critical," : "") + joined(profile.extended_key_usage, ","));
    // SKI first: for a root, the AKI below is copied from it.
    add_extension(cert, context, NID_subject_key_identifier, "hash");
    add_extension(cert, context, NID_authority_key_identifier, "keyid:always");
    if (!profile.policy_oids.empty()) add_policies(cert, profile.policy_oids);
    if (profile.revocation_pointers && draft.endpoints != nullptr) {
        add_extension(cert, context, NID_crl_distribution_points, "URI:" + draft.endpoints->crl_url);
        std::vector<std::string> access;
        if (!draft.endpoints->ocsp_url.empty()) access.push_back("OCSP;URI:" + draft.endpoints->ocsp_url);
        if (!draft.endpoints->ca_issuers_url.empty()) access.push_back("caIssuers;URI:" + draft.endpoints->ca_issuers_url);
        if (!access.empty()) add_extension(cert, context, NID_info_access, joined(access, ","));
    }
    if (profile.ocsp_no_check) add_extension(cert, context, NID_id_pkix_OCSP_noCheck, "yes");
    std::vector<std::string> alternative_names;
    if (draft.dns_names != nullptr)
        for (const auto& name : *draft.dns_names) alternative_names.push_back("DNS:" + name);
    if (draft.ip_addresses != nullptr)
        for (const auto& address : *draft.ip_addresses) alternative_names.push_back("IP:" + address);
    if (!alternative_names.empty()) add_extension(cert, context, NID_subject_alt_name, joined(alternative_names, ","));
    return certificate;
}

void sign_and_verify(X509* certificate, const SigningKey& key, EVP_PKEY* signer_public_key, const EVP_MD* digest,
                     bool rsa_pss) {
    detail::sign_with(key, digest, rsa_pss, [&](EVP_MD_CTX* context) { return X509_sign_ctx(certificate, context); },
                      "certificate");
    // Catches a token that signed with another key than the certificate says, before anyone relies on it.
    if (X509_verify(certificate, signer_public_key) != 1)
        detail::throw_openssl("signature_check_failed", "the new certificate's signature does not verify");
}

int validity_days_for(const CertificateProfile& profile, std::optional<int> requested) {
    int days = requested.value_or(profile.default_validity_days);
    if (days <= 0) throw Error(ErrorKind::invalid_input, "invalid_validity", "the validity must be at least one day");
    if (days > profile.max_validity_days)
        throw Error(ErrorKind::policy, "validity_too_long",
                    "a '" + profile.name + "' certificate may be valid for at most " +
                        std::to_string(profile.max_validity_days) + " days (asked for " + std::to_string(days) + ")");
    return days;
}

// Validity is inclusive at both ends (RFC 5280 4.1.2.5), so N days end one second early.
Clock::time_point end_of_validity(Clock::time_point start, int days) {
    return start + std::chrono::hours(24) * days - std::chrono::seconds(1);
}

Clock::time_point whole_seconds(Clock::time_point when) {
    return std::chrono::time_point_cast<std::chrono::seconds>(when);
}

void check_dns_names(const CertificateProfile& profile, const std::vector<std::string>& names,
                     const DistinguishedName& subject) {
    if (!profile.requires_dns_names) {
        if (!names.empty())
            throw Error(ErrorKind::invalid_input, "dns_names_not_allowed",
                        "a '" + profile.name + "' certificate carries no DNS names");
        return;
    }
    if (names.empty())
        throw Error(ErrorKind::invalid_input, "dns_names_required",
                    "a '" + profile.name + "' certificate needs at least one DNS name");
    // Single-label names are allowed: a service on the city's own network is often "localhost" or "signd".
    static const std::regex host(R"(^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]{2,63}$)");
    for (const auto& name : names)
        if (name.size() > 253 || !std::regex_match(name, host))
            throw Error(ErrorKind::invalid_input, "invalid_dns_name",
                        "'" + name + "' is not a DNS host name (use A-labels, e.g. xn--... for accented names)");
    // Clients that still read the CN (and CA/B rules) expect it to be one of the names.
    if (auto common_name = subject.get("CN"); common_name && std::find(names.begin(), names.end(), *common_name) == names.end())
        throw Error(ErrorKind::invalid_input, "cn_not_in_dns_names",
                    "the CN '" + *common_name + "' must also be one of the DNS names");
}

// Each address must be IPv4 or IPv6 text as inet_pton reads it, so nothing else (another name, a
// zone id, a port) reaches the extension's text.
void check_ip_addresses(const CertificateProfile& profile, const std::vector<std::string>& addresses) {
    if (addresses.empty()) return;
    if (!profile.allows_ip_addresses)
        throw Error(ErrorKind::invalid_input, "ip_addresses_not_allowed",
                    "a '" + profile.name + "' certificate carries no IP addresses (its profile needs ip_addresses_allowed = true)");
    for (const auto& address : addresses) {
        unsigned char binary[sizeof(in6_addr)];
        if (inet_pton(AF_INET, address.c_str(), binary) != 1 && inet_pton(AF_INET6, address.c_str(), binary) != 1)
            throw Error(ErrorKind::invalid_input, "invalid_ip_address",
                        "'" + address + "' is not an IPv4 or IPv6 address (e.g. 127.0.0.1 or ::1)");
    }
}

void check_url(const std::string& url, std::string_view what) {
    if (url.empty()) return;
    static const std::regex usable(R"(^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+;=%-]+$)");
    if (!std::regex_match(url, usable))
        throw Error(ErrorKind::invalid_input, "invalid_url",
                    std::string(what) + " '" + url + "' must be an http(s) URL without spaces or commas");
}

}  // namespace

CertificateAuthority::CertificateAuthority(Certificate ca_certificate, const SigningKey& ca_key, CaEndpoints endpoints,
                                           const CertificateRegistry& registry, const ProfileCatalog& profiles)
    : ca_certificate_(std::move(ca_certificate)),
      ca_key_(ca_key),
      endpoints_(std::move(endpoints)),
      registry_(registry),
      profiles_(profiles) {
    X509* ca = ca_certificate_.native();
    if (!ca_certificate_.is_ca() || ((X509_get_extension_flags(ca) & EXFLAG_KUSAGE) && !(X509_get_key_usage(ca) & KU_KEY_CERT_SIGN)))
        throw Error(ErrorKind::invalid_input, "not_a_ca", "the certificate given for the CA may not issue certificates");
    EvpPkeyPtr key = ca_key_.public_key();
    if (!detail::same_public_key(key.get(), X509_get0_pubkey(ca)))
        throw Error(ErrorKind::invalid_input, "ca_key_mismatch", "the CA key " + ca_key_.uri() + " does not belong to the CA certificate");
    check_url(endpoints_.crl_url, "the CRL URL");
    check_url(endpoints_.ocsp_url, "the OCSP URL");
    check_url(endpoints_.ca_issuers_url, "the CA issuers URL");
}

Certificate CertificateAuthority::issue(const IssuanceRequest& request, Clock::time_point now) const {
    const CertificateProfile& profile = profiles_.get(request.profile);
    if (profile.self_signed)
        throw Error(ErrorKind::invalid_input, "root_profile",
                    "profile '" + profile.name + "' is for self-signed roots; create those with create_root");

    // The CA itself must be fit to sign at `now`.
    X509* ca = ca_certificate_.native();
    if (now < ca_certificate_.not_before() || now > ca_certificate_.not_after())
        throw Error(ErrorKind::policy, "ca_expired", "the CA certificate is not valid at the requested time (expired or not yet valid)");
    if (registry_.status(ca_certificate_.serial_hex()).state == CertificateStatus::State::revoked)
        throw Error(ErrorKind::policy, "ca_revoked", "the CA certificate has been revoked; it may not issue anything");
    if (profile.is_ca) {
        long ca_path_length = X509_get_pathlen(ca);  // -1: unlimited
        if (ca_path_length == 0 || (ca_path_length > 0 && (!profile.path_length || *profile.path_length >= ca_path_length)))
            throw Error(ErrorKind::policy, "path_length_exceeded", "this CA's path length does not allow it to issue a '" + profile.name + "' CA");
    }
    if (profile.revocation_pointers && endpoints_.crl_url.empty())
        throw Error(ErrorKind::invalid_input, "missing_crl_url", "profile '" + profile.name + "' needs the CA's CRL URL, and none is configured");

    // Then the request.
    check_key(request.public_key.get());
    const EVP_MD* digest = check_digest(request.digest);
    check_subject(profile, request.subject);
    check_dns_names(profile, request.dns_names, request.subject);
    check_ip_addresses(profile, request.ip_addresses);

    Clock::time_point start = whole_seconds(now);
    int days = validity_days_for(profile, request.validity_days);
    Clock::time_point end = end_of_validity(start, days);
    if (end > ca_certificate_.not_after()) {
        // An explicit request is refused so nobody gets less than they asked for without noticing;
        // the profile default is clamped so routine issuance keeps working as the CA ages.
        if (request.validity_days)
            throw Error(ErrorKind::policy, "validity_beyond_ca",
                        "the certificate would outlive the CA certificate; ask for fewer days");
        end = ca_certificate_.not_after();
    }

    CertificateDraft draft;
    if (request.serial_hex) {
        std::string serial = normalize_serial_hex(*request.serial_hex);
        if (registry_.serial_exists(serial))
            throw Error(ErrorKind::conflict, "duplicate_serial", "a certificate with serial " + serial + " already exists");
        draft.serial = serial_from_hex(serial);
    } else {
        for (int attempt = 0; attempt < serial_attempts && !draft.serial; ++attempt) {
            Asn1IntegerPtr candidate = random_serial();
            if (!registry_.serial_exists(serial_to_hex(candidate.get()))) draft.serial = std::move(candidate);
        }
        if (!draft.serial) throw Error(ErrorKind::internal, "serial_collision", "could not draw an unused serial number");
    }
    draft.profile = &profile;
    draft.subject = &request.subject;
    draft.public_key = request.public_key.get();
    draft.not_before = start;
    draft.not_after = end;
    draft.dns_names = &request.dns_names;
    draft.ip_addresses = &request.ip_addresses;
    draft.endpoints = &endpoints_;

    X509Ptr certificate = build(draft, ca);
    sign_and_verify(certificate.get(), ca_key_, X509_get0_pubkey(ca), digest, request.rsa_pss);
    return Certificate(std::move(certificate));
}

Certificate CertificateAuthority::create_root(const DistinguishedName& subject, const SigningKey& key,
                                              const CertificateProfile& profile, std::optional<int> validity_days,
                                              std::string_view digest_name, Clock::time_point now, bool rsa_pss) {
    if (!profile.self_signed)
        throw Error(ErrorKind::invalid_input, "not_a_root_profile", "profile '" + profile.name + "' is not for self-signed roots");
    EvpPkeyPtr public_key = key.public_key();
    check_key(public_key.get());
    const EVP_MD* digest = check_digest(digest_name);
    check_subject(profile, subject);
    Clock::time_point start = whole_seconds(now);

    CertificateDraft draft;
    draft.profile = &profile;
    draft.subject = &subject;
    draft.public_key = public_key.get();
    draft.serial = random_serial();
    draft.not_before = start;
    draft.not_after = end_of_validity(start, validity_days_for(profile, validity_days));

    X509Ptr certificate = build(draft, nullptr);
    sign_and_verify(certificate.get(), key, public_key.get(), digest, rsa_pss);
    return Certificate(std::move(certificate));
}

}  // namespace sign
