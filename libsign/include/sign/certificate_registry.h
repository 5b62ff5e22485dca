#pragma once
// What the certificate authority needs to know about certificates it already
// issued. The library only reads through this interface; the service's store
// (SQLite or PostgreSQL) implements it.

#include <chrono>
#include <optional>
#include <string>

namespace sign {

/// RFC 5280 CRLReason values that an administrator may give when revoking.
enum class RevocationReason {
    unspecified = 0,
    key_compromise = 1,
    ca_compromise = 2,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    certificate_hold = 6,
    privilege_withdrawn = 9,
};

/// The state of one serial number as the CA database knows it.
struct CertificateStatus {
    enum class State { good, revoked, unknown };
    State state = State::unknown;
    std::optional<std::chrono::system_clock::time_point> revoked_at;
    std::optional<RevocationReason> reason;
};

/// Read access to the certificates this CA has issued, keyed by serial in lower-case hex.
class CertificateRegistry {
public:
    virtual ~CertificateRegistry() = default;
    /// True when any certificate in the database already carries this serial.
    virtual bool serial_exists(const std::string& serial_hex) const = 0;
    /// Status of the certificate with this serial; State::unknown when it was never issued here.
    virtual CertificateStatus status(const std::string& serial_hex) const = 0;
};

}  // namespace sign
