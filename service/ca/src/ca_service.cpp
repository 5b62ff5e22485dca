#include "sign/ca/ca_service.h"

#include <openssl/rand.h>

#include <openssl/x509v3.h>

#include "sign/certificate_request.h"
#include "sign/crl_builder.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/ocsp_responder.h"
#include "sign/subject_checks.h"

namespace sign::ca {

namespace {

constexpr const char* root_label = "root-ca";
constexpr const char* issuing_label = "issuing-ca";
constexpr const char* root_setting = "root_serial";
constexpr const char* issuing_setting = "issuing_serial";

std::string random_suffix() {
    uint8_t bytes[4];
    RAND_bytes(bytes, sizeof bytes);
    return to_hex(bytes);
}

// Removes keys generated for an operation that then failed, so the token is as it was.
class TokenRollback {
public:
    explicit TokenRollback(hsm::Token& token) : token_(token) {}
    ~TokenRollback() {
        if (committed_) return;
        for (const auto& label : labels_) {
            try {
                token_.destroy_objects(label);
            } catch (...) {
                // The original error matters more; a leftover object shows up in `signctl token objects`.
            }
        }
    }
    /// Call only after the objects under `label` were created by this operation: rolling back
    /// destroys everything under the label.
    void track(const std::string& label) { labels_.push_back(label); }
    void commit() { committed_ = true; }

private:
    hsm::Token& token_;
    std::vector<std::string> labels_;
    bool committed_ = false;
};

void check_validity_request(const CertificateProfile& profile, const std::optional<int>& days) {
    if (days && (*days <= 0 || *days > profile.max_validity_days))
        throw Error(ErrorKind::policy, "validity_too_long",
                    "profile '" + profile.name + "' allows 1 to " + std::to_string(profile.max_validity_days) +
                        " days of validity (asked for " + std::to_string(*days) + ")");
}

}  // namespace

CaEndpoints PublicationUrls::endpoints_for(const std::string& ca_name) const {
    std::string base = base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return {base + "/crl/" + ca_name + ".crl", base + "/ocsp", base + "/ca/" + ca_name + ".crt"};
}

CaService::CaService(TokenSource token, store::CertificateStore& store, ProfileSource profiles,
                     PublicationUrls urls, std::string digest)
    : token_(std::move(token)),
      store_(store),
      profiles_(std::move(profiles)),
      urls_(std::move(urls)),
      digest_(std::move(digest)) {}

bool CaService::initialized() const { return store_.setting(issuing_setting).has_value(); }

store::CertificateRecord CaService::record_by_setting(const std::string& setting) const {
    auto serial = store_.setting(setting);
    if (!serial) throw Error(ErrorKind::not_found, "ca_not_initialized", "the CA is not initialised yet: run `signctl ca init`");
    auto record = store_.find(*serial);
    if (!record) throw Error(ErrorKind::internal, "ca_record_missing", "the CA certificate " + *serial + " is missing from the database");
    return *record;
}

store::CertificateRecord CaService::root() const { return record_by_setting(root_setting); }

store::CertificateRecord CaService::issuing_ca() const { return record_by_setting(issuing_setting); }

store::CertificateRecord CaService::record_for(const Certificate& certificate, const std::string& issuer_serial,
                                               const std::string& profile, const std::string& key_uri,
                                               std::chrono::system_clock::time_point now) const {
    store::CertificateRecord record;
    record.serial_hex = certificate.serial_hex();
    record.issuer_serial_hex = issuer_serial.empty() ? record.serial_hex : issuer_serial;
    record.profile = profile;
    record.subject = certificate.subject().to_string();
    record.key_uri = key_uri;
    record.not_before = certificate.not_before();
    record.not_after = certificate.not_after();
    record.issued_at = now;
    record.pem = certificate.to_pem();
    return record;
}

std::pair<store::CertificateRecord, store::CertificateRecord> CaService::init(const CaInitOptions& options,
                                                                              std::chrono::system_clock::time_point now) {
    if (initialized())
        throw Error(ErrorKind::conflict, "ca_exists", "a CA hierarchy already exists (root " + root().serial_hex + ")");
    const CertificateProfile& root_profile = profiles_().get("root");
    const CertificateProfile& issuing_profile = profiles_().get("sub-ca");
    check_subject(root_profile, options.root_subject);
    check_subject(issuing_profile, options.issuing_subject);
    check_validity_request(root_profile, options.root_validity_days);
    check_validity_request(issuing_profile, options.issuing_validity_days);
    auto spec = hsm::KeySpec::parse(options.key_type);

    TokenRollback rollback(token_());
    hsm::PrivateKey root_key = token_().generate_key_pair(spec, root_label);
    rollback.track(root_label);
    Certificate root_certificate = CertificateAuthority::create_root(
        options.root_subject, root_key, root_profile, options.root_validity_days, digest_, now);

    hsm::PrivateKey issuing_key = token_().generate_key_pair(spec, issuing_label);
    rollback.track(issuing_label);
    CertificateAuthority root_ca(root_certificate.copy(), root_key, urls_.endpoints_for(root_label), store_, profiles_());
    IssuanceRequest request;
    request.profile = issuing_profile.name;
    request.subject = options.issuing_subject;
    request.public_key = issuing_key.public_key();
    request.validity_days = options.issuing_validity_days;
    request.digest = digest_;
    Certificate issuing_certificate = root_ca.issue(request, now);

    token_().store_certificate(root_certificate.native(), root_label, *root_key.parsed_uri().id);
    token_().store_certificate(issuing_certificate.native(), issuing_label, *issuing_key.parsed_uri().id);

    auto root_record = record_for(root_certificate, "", root_profile.name, root_key.uri(), now);
    auto issuing_record = record_for(issuing_certificate, root_record.serial_hex, issuing_profile.name, issuing_key.uri(), now);
    store_.database().transaction([&] {
        store_.add(root_record);
        store_.add(issuing_record);
        store_.set_setting(root_setting, root_record.serial_hex);
        store_.set_setting(issuing_setting, issuing_record.serial_hex);
    });
    rollback.commit();
    return {root_record, issuing_record};
}

store::CertificateRecord CaService::issue(const IssueOptions& options, std::chrono::system_clock::time_point now) {
    const CertificateProfile& profile = profiles_().get(options.profile);
    if (profile.self_signed)
        throw Error(ErrorKind::invalid_input, "profile_not_issuable", "profile '" + profile.name + "' is only for `signctl ca init`");
    store::CertificateRecord issuer = profile.is_ca ? root() : issuing_ca();

    std::optional<CertificateRequest> csr;
    if (options.csr) csr = CertificateRequest::parse(*options.csr);
    if (!options.subject && !csr)
        throw Error(ErrorKind::invalid_input, "subject_required", "give the subject (--subject) or a CSR (--csr)");
    DistinguishedName subject = options.subject ? *options.subject : csr->subject();
    check_subject(profile, subject);
    check_validity_request(profile, options.validity_days);
    if (profile.requires_dns_names && options.dns_names.empty())
        throw Error(ErrorKind::invalid_input, "dns_names_required", "profile '" + profile.name + "' needs at least one DNS name (--dns)");

    TokenRollback rollback(token_());
    std::optional<hsm::PrivateKey> subject_key;
    if (!csr) {
        auto spec = hsm::KeySpec::parse(options.key_type.value_or(profile.default_key_algorithm));
        std::string label = options.key_label.value_or(profile.name + "-" + random_suffix());
        subject_key = token_().generate_key_pair(spec, label);
        rollback.track(label);
    }

    hsm::PrivateKey issuer_key = token_().private_key(issuer.key_uri);
    CertificateAuthority authority(Certificate::from_pem(issuer.pem), issuer_key,
                                   urls_.endpoints_for(profile.is_ca ? root_label : issuing_label), store_, profiles_());
    IssuanceRequest request;
    request.profile = profile.name;
    request.subject = subject;
    request.public_key = subject_key ? subject_key->public_key() : csr->public_key();
    request.dns_names = options.dns_names;
    request.ip_addresses = options.ip_addresses;
    request.validity_days = options.validity_days;
    request.digest = digest_;
    Certificate certificate = authority.issue(request, now);

    std::string key_uri;
    if (subject_key) {
        const auto& uri = subject_key->parsed_uri();
        token_().store_certificate(certificate.native(), *uri.object, *uri.id);
        key_uri = subject_key->uri();
    }
    auto record = record_for(certificate, issuer.serial_hex, profile.name, key_uri, now);
    store_.add(record);
    rollback.commit();
    return record;
}

store::CertificateRecord CaService::revoke(const std::string& serial_hex, RevocationReason reason,
                                           std::chrono::system_clock::time_point now) {
    auto record = store_.find(serial_hex);
    if (!record) throw Error(ErrorKind::not_found, "unknown_certificate", "no certificate with serial " + serial_hex);
    if (record->serial_hex == record->issuer_serial_hex)
        throw Error(ErrorKind::policy, "root_not_revocable",
                    "a root certificate cannot be revoked: nobody above it publishes a CRL; retire it instead");
    return store_.revoke(record->serial_hex, now, reason);
}

X509CrlPtr CaService::generate_crl(const std::string& ca_name, std::chrono::system_clock::time_point now,
                                   std::chrono::hours validity) {
    store::CertificateRecord issuer;
    if (ca_name == issuing_label) issuer = issuing_ca();
    else if (ca_name == root_label) issuer = root();
    else throw Error(ErrorKind::invalid_input, "unknown_ca", "unknown CA '" + ca_name + "': use issuing-ca or root-ca");

    hsm::PrivateKey key = token_().private_key(issuer.key_uri);
    auto revoked = store_.revoked_issued_by(issuer.serial_hex);
    uint64_t number = store_.next_crl_number(issuer.serial_hex);
    return build_crl(Certificate::from_pem(issuer.pem), key, revoked, number, now, now + validity, digest_,
                     urls_.endpoints_for(ca_name).crl_url);
}

std::vector<uint8_t> CaService::respond_ocsp(const std::vector<uint8_t>& der_request,
                                             std::chrono::system_clock::time_point now) const {
    auto issuer = issuing_ca();
    std::optional<store::CertificateRecord> responder;
    for (auto& candidate : store_.list("ocsp", false))
        if (candidate.issuer_serial_hex == issuer.serial_hex && !candidate.key_uri.empty() &&
            candidate.not_before <= now && now < candidate.not_after)
            responder = candidate;  // the list is in issue order, so the newest wins
    if (!responder)
        throw Error(ErrorKind::not_found, "no_ocsp_responder",
                    "no valid OCSP responder certificate: issue one with `signctl cert issue --profile ocsp`");
    hsm::PrivateKey key = token_().private_key(responder->key_uri);
    OcspResponder ocsp(Certificate::from_pem(issuer.pem), Certificate::from_pem(responder->pem), key, store_);
    return ocsp.respond(der_request, now);
}

std::string CaService::chain_pem() const { return issuing_ca().pem + root().pem; }

std::vector<Certificate> CaService::chain_for(const Certificate& certificate) const {
    std::vector<Certificate> chain;
    Certificate issuing = Certificate::from_pem(issuing_ca().pem);
    if (X509_check_issued(issuing.native(), certificate.native()) == X509_V_OK) chain.push_back(std::move(issuing));
    return chain;
}

}  // namespace sign::ca
