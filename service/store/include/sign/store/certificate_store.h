#pragma once
// The certificate database: every certificate the CA issued, its status and
// revocation, the profile and key it was issued for, and the CRL counters.
// It is also the CA's CertificateRegistry (duplicate serials, revoked CAs).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sign/certificate_registry.h"
#include "sign/crl_builder.h"
#include "sign/store/connection.h"

namespace sign::store {

/// One row of the database.
struct CertificateRecord {
    std::string serial_hex;         ///< canonical form of sign/serial_number.h
    std::string issuer_serial_hex;  ///< equals serial_hex for a self-signed root
    std::string profile;
    std::string subject;            ///< RFC 4514 text, UTF-8
    std::string key_uri;            ///< PKCS#11 URI of the private key; empty when the key came as a CSR
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
    std::chrono::system_clock::time_point issued_at;
    std::string pem;
    std::optional<std::chrono::system_clock::time_point> revoked_at;
    std::optional<RevocationReason> reason;

    bool revoked() const { return revoked_at.has_value(); }
};

class CertificateStore : public CertificateRegistry {
public:
    /// Opens or creates the database at `path` and brings its schema up to date.
    explicit CertificateStore(const std::string& path);

    /// Records a newly issued certificate; throws conflict `duplicate_serial` if the serial exists.
    void add(const CertificateRecord& record);
    /// The certificate with this serial (any hex spelling), if any.
    std::optional<CertificateRecord> find(const std::string& serial_hex) const;
    /// Certificates in issue order, optionally only one profile and/or only revoked or only valid ones.
    std::vector<CertificateRecord> list(const std::optional<std::string>& profile = {},
                                        const std::optional<bool>& revoked = {}) const;
    /// Marks a certificate revoked; throws not_found `unknown_certificate` or conflict `already_revoked`.
    CertificateRecord revoke(const std::string& serial_hex, std::chrono::system_clock::time_point when,
                             RevocationReason reason);
    /// Every revoked certificate issued by the CA with this serial, for its CRL.
    std::vector<RevokedCertificate> revoked_issued_by(const std::string& issuer_serial_hex) const;
    /// Reserves the next CRL number of this issuer (1, 2, 3, ...); durable before it returns.
    uint64_t next_crl_number(const std::string& issuer_serial_hex);

    /// A named setting of this CA (e.g. which certificate is the issuing CA).
    std::optional<std::string> setting(const std::string& name) const;
    void set_setting(const std::string& name, const std::string& value);

    bool serial_exists(const std::string& serial_hex) const override;
    CertificateStatus status(const std::string& serial_hex) const override;

    /// The database underneath, for operations that span several calls in one transaction.
    const Connection& database() const { return *database_; }

private:
    std::unique_ptr<Connection> database_;
};

}  // namespace sign::store
