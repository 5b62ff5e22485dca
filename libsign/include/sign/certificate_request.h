#pragma once
// A PKCS#10 certificate signing request that has already passed every check
// the CA makes before trusting it: a CertificateRequest object cannot exist
// with a bad self-signature, a weak key or a weak digest.

#include <cstdint>
#include <span>
#include <string_view>

#include "sign/distinguished_name.h"
#include "sign/openssl_ptr.h"

namespace sign {

class CertificateRequest {
public:
    /// Parses PEM ("CERTIFICATE REQUEST") or DER, whichever it is, then checks it (see below).
    static CertificateRequest parse(std::span<const std::uint8_t> data);
    /// Parses PEM text, then checks it. Throws invalid_input `not_a_csr` for anything else,
    /// invalid_input `csr_signature_invalid` when the self-signature fails (forged or tampered),
    /// policy `weak_key`/`unsupported_key` and `weak_digest`/`unsupported_digest` from key_policy.h.
    static CertificateRequest from_pem(std::string_view pem);
    /// Parses DER, then checks it; same errors as from_pem.
    static CertificateRequest from_der(std::span<const std::uint8_t> der);

    CertificateRequest(CertificateRequest&&) noexcept = default;
    CertificateRequest& operator=(CertificateRequest&&) noexcept = default;
    CertificateRequest(const CertificateRequest&) = delete;
    CertificateRequest& operator=(const CertificateRequest&) = delete;

    /// The subject the requester asked for; the CA still checks it against the profile.
    DistinguishedName subject() const;
    /// A new reference to the requested public key.
    EvpPkeyPtr public_key() const;
    /// The OpenSSL handle, still owned by this object.
    X509_REQ* native() const noexcept { return request_.get(); }

private:
    explicit CertificateRequest(X509ReqPtr request);
    X509ReqPtr request_;
};

}  // namespace sign
