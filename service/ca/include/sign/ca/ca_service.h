#pragma once
// The certificate authority as the city runs it: the root and issuing CA keys on
// the token, the certificate database beside them, and the workflows that tie
// the two together (initialise, issue, revoke, publish CRLs, answer OCSP) so
// that a failure half-way leaves neither an orphan key nor an unrecorded
// certificate. signctl is a thin command line over this; signd serves it.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sign/certificate_authority.h"
#include "sign/certificate_profile.h"
#include "sign/distinguished_name.h"
#include "sign/hsm/token.h"
#include "sign/store/certificate_store.h"

namespace sign::ca {

/// Where relying parties fetch this PKI's CRLs, OCSP answers and CA certificates.
struct PublicationUrls {
    std::string base_url = "http://127.0.0.1:8443";  ///< the signing service's public address

    /// CRL, OCSP and caIssuers URLs for certificates issued by the CA called `ca_name`
    /// ("root-ca" or "issuing-ca").
    CaEndpoints endpoints_for(const std::string& ca_name) const;
};

struct CaInitOptions {
    DistinguishedName root_subject;
    DistinguishedName issuing_subject;
    std::string key_type = "rsa-3072";    ///< for both CA keys
    std::optional<int> root_validity_days;
    std::optional<int> issuing_validity_days;
};

struct IssueOptions {
    std::string profile;
    std::optional<DistinguishedName> subject;   ///< required unless a CSR supplies it
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;      ///< IPv4 or IPv6, for profiles that allow them (tls-server)
    std::optional<int> validity_days;
    std::optional<std::string> key_type;        ///< default: the profile's; ignored with a CSR
    std::optional<std::string> key_label;       ///< default: "<profile>-<random>"
    std::optional<std::vector<uint8_t>> csr;    ///< PKCS#10, PEM or DER: the key stays with the requester
};

class CaService {
public:
    /// Hands out the logged-in token when an operation first needs a key, so that reading the
    /// hierarchy (root(), issuing_ca(), chain_pem()) needs no PIN.
    using TokenSource = std::function<hsm::Token&()>;
    /// Hands out the profiles when issuing first needs them, so that reading the hierarchy
    /// (chain_for() before each signature) compiles no subject patterns.
    using ProfileSource = std::function<const ProfileCatalog&()>;

    /// `store` and what `profiles` returns are borrowed and must outlive the service.
    CaService(TokenSource token, store::CertificateStore& store, ProfileSource profiles,
              PublicationUrls urls, std::string digest = "sha256");

    /// True once init() has created the hierarchy in this store.
    bool initialized() const;
    /// Creates the root and the issuing CA, keys generated on the token. Refuses (conflict
    /// `ca_exists`) when a hierarchy exists. Returns {root, issuing CA}.
    std::pair<store::CertificateRecord, store::CertificateRecord> init(const CaInitOptions& options,
                                                                       std::chrono::system_clock::time_point now);

    /// The root and the issuing CA records; throw not_found `ca_not_initialized` before init().
    store::CertificateRecord root() const;
    store::CertificateRecord issuing_ca() const;

    /// Issues a certificate from the issuing CA (or from the root for profile sub-ca), with a new key
    /// on the token unless a CSR is given. Everything is checked before any key is generated.
    store::CertificateRecord issue(const IssueOptions& options, std::chrono::system_clock::time_point now);

    /// Revokes by serial; the CA certificates themselves may be revoked only through their issuer.
    store::CertificateRecord revoke(const std::string& serial_hex, RevocationReason reason,
                                    std::chrono::system_clock::time_point now);

    /// A fresh CRL of `ca_name` ("issuing-ca" or "root-ca") with the next CRL number.
    X509CrlPtr generate_crl(const std::string& ca_name, std::chrono::system_clock::time_point now,
                            std::chrono::hours validity = std::chrono::hours(24 * 7));

    /// Answers a DER OCSP request about certificates of the issuing CA, signed by the newest valid
    /// certificate of profile "ocsp" whose key is on the token.
    std::vector<uint8_t> respond_ocsp(const std::vector<uint8_t>& der_request,
                                      std::chrono::system_clock::time_point now) const;

    /// The PEM chain from the issuing CA up to and including the root.
    std::string chain_pem() const;
    /// The CA certificates a signature should carry beside `certificate`: the issuing CA when it
    /// issued it, else none (the root is the verifier's trust anchor and is never sent).
    std::vector<Certificate> chain_for(const Certificate& certificate) const;

    /// The digest this folder signs with (signctl.toml `digest`), for certificates and signatures alike.
    const std::string& digest() const { return digest_; }

private:
    store::CertificateRecord record_by_setting(const std::string& setting) const;
    store::CertificateRecord record_for(const Certificate& certificate, const std::string& issuer_serial,
                                        const std::string& profile, const std::string& key_uri,
                                        std::chrono::system_clock::time_point now) const;

    TokenSource token_;
    store::CertificateStore& store_;
    ProfileSource profiles_;
    PublicationUrls urls_;
    std::string digest_;
};

}  // namespace sign::ca
