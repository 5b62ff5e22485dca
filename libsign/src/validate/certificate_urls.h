#pragma once
// Where a certificate says its issuer, its OCSP responder and its CRLs are: read by the validator
// (fetching what a chain lacks) and by the validation-data collector (long-term signatures).

#include <openssl/x509.h>

#include <string>
#include <vector>

namespace sign::validate {

/// The URIs of the certificate's Authority Information Access entries of `method`
/// (NID_ad_ca_issuers, NID_ad_OCSP), in order.
std::vector<std::string> access_urls(const X509* certificate, int method);
/// The URIs of its CRL distribution points' full names, in order.
std::vector<std::string> crl_urls(const X509* certificate);

}  // namespace sign::validate
