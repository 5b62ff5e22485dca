#pragma once
// The validation data one signature's validation can draw on, each item with
// where it came from: the signature's own certificates and revocation data,
// the caller's pool, local certificates, and what was fetched. Internal.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sign/openssl_ptr.h"
#include "sign/validate/report.h"

namespace sign::validate::detail {

struct PooledCertificate {
    X509Ptr certificate;
    DataSource source;
    std::string url;
};

struct PooledCrl {
    X509CrlPtr crl;
    DataSource source;
    std::string url;
};

struct PooledOcsp {
    OcspBasicResponsePtr response;
    DataSource source;
    std::string url;
};

struct ValidationPool {
    std::vector<PooledCertificate> certificates;
    std::vector<PooledCrl> crls;
    std::vector<PooledOcsp> ocsp_responses;

    /// Adds a certificate unless an equal one is there; true when added.
    bool add_certificate(X509Ptr certificate, DataSource source, const std::string& url = {});
    /// Where a certificate of the pool came from; `local` when it is not in the pool.
    const PooledCertificate* find(const X509* certificate) const;
    /// A borrowed stack of every certificate, for OpenSSL's chain builder.
    X509StackPtr stack() const;
};

/// Every certificate in DER, PEM (one or more) or a PKCS#7 certs-only bundle (.p7c, as AIA serves).
std::vector<X509Ptr> parse_certificates(std::span<const std::uint8_t> bytes);
/// A CRL in DER or PEM; null when it is neither.
X509CrlPtr parse_crl(std::span<const std::uint8_t> bytes);
/// A successful OCSPResponse's BasicOCSPResponse, or a bare BasicOCSPResponse; null otherwise.
OcspBasicResponsePtr parse_ocsp(std::span<const std::uint8_t> bytes);

/// The DER of each OtherRevocationInfoFormat in a SignedData's RevocationInfoChoices whose format
/// is id-ri-ocsp-response (an OCSPResponse) or id-pkix-ocsp-basic (a BasicOCSPResponse), which
/// OpenSSL 3.0's CMS API does not expose. Reads the ContentInfo DER with bounds checks; empty
/// when there are none or the DER is not as expected.
std::vector<std::vector<std::uint8_t>> other_revocation_info(std::span<const std::uint8_t> content_info_der, int limit);

}  // namespace sign::validate::detail
