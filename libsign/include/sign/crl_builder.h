#pragma once
// Certificate revocation lists (RFC 5280 section 5), signed by the issuing CA's
// key on the token. The caller supplies the revoked entries from its store and
// the next CRL number; this code only encodes and signs.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sign/certificate.h"
#include "sign/certificate_registry.h"
#include "sign/openssl_ptr.h"
#include "sign/signing_key.h"

namespace sign {

/// One CRL entry.
struct RevokedCertificate {
    std::string serial_hex;  ///< any hex spelling; see serial_number.h
    std::chrono::system_clock::time_point revoked_at;
    RevocationReason reason = RevocationReason::unspecified;  ///< unspecified is encoded by omitting reasonCode
};

/// Builds and signs a v2 CRL with cRLNumber and authorityKeyIdentifier, entries sorted by serial.
/// With a `distribution_point` URL it also carries a critical issuingDistributionPoint naming it,
/// which relying parties (Botan among them) match against the certificates' CRL distribution point.
/// Throws invalid_input (`not_a_crl_issuer`, `ca_key_mismatch`, `invalid_serial`, `invalid_crl_times`,
/// `duplicate_crl_entry`) or policy `weak_digest` before signing.
X509CrlPtr build_crl(const Certificate& issuer, const SigningKey& issuer_key,
                     const std::vector<RevokedCertificate>& revoked, std::uint64_t crl_number,
                     std::chrono::system_clock::time_point this_update,
                     std::chrono::system_clock::time_point next_update, std::string_view digest = "sha256",
                     std::string_view distribution_point = {});

/// PEM text ("-----BEGIN X509 CRL-----").
std::string crl_to_pem(const X509_CRL* crl);
/// DER, the form served at the CRL distribution point.
std::vector<std::uint8_t> crl_to_der(const X509_CRL* crl);

}  // namespace sign
