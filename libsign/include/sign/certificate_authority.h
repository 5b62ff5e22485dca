#pragma once
// The certificate authority: turns a checked request into a certificate signed
// by the CA key on the token. Every rule (algorithm policy, profile, subject,
// validity, CA state, serial uniqueness) is checked before the key is touched.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sign/certificate.h"
#include "sign/certificate_profile.h"
#include "sign/certificate_registry.h"
#include "sign/distinguished_name.h"
#include "sign/openssl_ptr.h"
#include "sign/signing_key.h"

namespace sign {

/// Where relying parties find this CA's revocation data and certificate; written into
/// the CRL distribution point and authority information access of what it issues.
struct CaEndpoints {
    std::string crl_url;         ///< required when a profile asks for revocation pointers
    std::string ocsp_url;        ///< optional: no OCSP entry in AIA when empty
    std::string ca_issuers_url;  ///< optional: no caIssuers entry in AIA when empty
};

/// What to issue. The public key usually comes from a CertificateRequest or from a token.
struct IssuanceRequest {
    std::string profile;                     ///< a name in the ProfileCatalog
    DistinguishedName subject;
    EvpPkeyPtr public_key;
    std::vector<std::string> dns_names;      ///< subjectAltName dNSName entries (tls-server)
    std::vector<std::string> ip_addresses;   ///< subjectAltName iPAddress entries, IPv4 or IPv6 text (tls-server)
    std::optional<int> validity_days;        ///< default: the profile's default, clamped to the CA's notAfter
    std::string digest = "sha256";
    bool rsa_pss = false;                    ///< sign with RSA-PSS instead of PKCS#1 v1.5 (RSA CA keys only)
    std::optional<std::string> serial_hex;   ///< only for imports and tests; normally random
};

class CertificateAuthority {
public:
    /// Checks that `ca_certificate` is a CA whose public key is `ca_key`'s and that the endpoint
    /// URLs are usable. `ca_key`, `registry` and `profiles` are borrowed and must outlive this object.
    CertificateAuthority(Certificate ca_certificate, const SigningKey& ca_key, CaEndpoints endpoints,
                         const CertificateRegistry& registry, const ProfileCatalog& profiles);

    /// Issues one certificate valid from `now` (see the .cpp for the order of checks). It does not
    /// record the result: the caller stores it, and its store's unique serial index closes the race
    /// between two issuers. Errors: policy `weak_key`/`weak_digest`/`validity_too_long`/
    /// `validity_beyond_ca`/`ca_expired`/`ca_revoked`/`path_length_exceeded`, invalid_input for
    /// subject and SAN problems, not_found `unknown_profile`, conflict `duplicate_serial`.
    Certificate issue(const IssuanceRequest& request, std::chrono::system_clock::time_point now) const;

    /// Makes a self-signed root with `key` (its public half is the subject key) and a profile whose
    /// self_signed flag is set; validity defaults to the profile's default.
    static Certificate create_root(const DistinguishedName& subject, const SigningKey& key,
                                   const CertificateProfile& profile, std::optional<int> validity_days,
                                   std::string_view digest, std::chrono::system_clock::time_point now,
                                   bool rsa_pss = false);

    /// The CA's own certificate.
    const Certificate& certificate() const noexcept { return ca_certificate_; }

private:
    Certificate ca_certificate_;
    const SigningKey& ca_key_;
    CaEndpoints endpoints_;
    const CertificateRegistry& registry_;
    const ProfileCatalog& profiles_;
};

}  // namespace sign
