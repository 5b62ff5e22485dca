#pragma once
// One X.509 certificate, owned. Move-only like the OpenSSL handle it wraps;
// copy() is explicit because a second owner is rarely what the caller means.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sign/distinguished_name.h"
#include "sign/openssl_ptr.h"

namespace sign {

class Certificate {
public:
    /// Takes ownership of a parsed certificate; throws invalid_input when it is null.
    explicit Certificate(X509Ptr certificate);

    /// Parses the first "CERTIFICATE" PEM block; throws invalid_input `not_a_certificate`.
    static Certificate from_pem(std::string_view pem);
    /// Parses exactly one DER certificate (no trailing bytes); throws invalid_input `not_a_certificate`.
    static Certificate from_der(std::span<const std::uint8_t> der);
    /// Reads a PEM or DER file; throws not_found `file_not_found` or invalid_input `not_a_certificate`.
    static Certificate load(const std::string& path);

    Certificate(Certificate&&) noexcept = default;
    Certificate& operator=(Certificate&&) noexcept = default;
    Certificate(const Certificate&) = delete;
    Certificate& operator=(const Certificate&) = delete;

    /// A second owner of the same certificate (reference-counted, no re-parse).
    Certificate copy() const;

    /// PEM text with the usual "-----BEGIN CERTIFICATE-----" armour.
    std::string to_pem() const;
    /// The DER encoding.
    std::vector<std::uint8_t> to_der() const;

    /// The subject name.
    DistinguishedName subject() const;
    /// The issuer name.
    DistinguishedName issuer() const;
    /// Serial in the canonical form of serial_number.h (lower-case hex, whole bytes, no sign byte).
    std::string serial_hex() const;
    /// Start of the validity period.
    std::chrono::system_clock::time_point not_before() const;
    /// End of the validity period.
    std::chrono::system_clock::time_point not_after() const;
    /// A new reference to the subject public key.
    EvpPkeyPtr public_key() const;
    /// True when basicConstraints says cA=TRUE.
    bool is_ca() const;
    /// Lower-case hex SHA-256 of the DER, the form certificate pinning and audit logs use.
    std::string fingerprint_sha256() const;

    /// The OpenSSL handle, still owned by this object.
    X509* native() const noexcept { return certificate_.get(); }

private:
    X509Ptr certificate_;
};

}  // namespace sign
