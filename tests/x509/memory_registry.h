#pragma once
// A test-only CertificateRegistry held in a map, standing in for the service's store.

#include <map>

#include "sign/certificate_registry.h"
#include "sign/serial_number.h"

namespace sign::test {

class MemoryRegistry : public CertificateRegistry {
public:
    /// Records an issued certificate as good.
    void add(const std::string& serial_hex) { entries_[normalize_serial_hex(serial_hex)].state = CertificateStatus::State::good; }

    /// Marks a certificate revoked.
    void revoke(const std::string& serial_hex, std::chrono::system_clock::time_point when, RevocationReason reason) {
        auto& entry = entries_[normalize_serial_hex(serial_hex)];
        entry.state = CertificateStatus::State::revoked;
        entry.revoked_at = when;
        entry.reason = reason;
    }

    bool serial_exists(const std::string& serial_hex) const override { return entries_.contains(serial_hex); }

    CertificateStatus status(const std::string& serial_hex) const override {
        auto found = entries_.find(serial_hex);
        return found == entries_.end() ? CertificateStatus{} : found->second;
    }

private:
    std::map<std::string, CertificateStatus> entries_;
};

}  // namespace sign::test
