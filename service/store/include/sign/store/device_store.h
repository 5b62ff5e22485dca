#pragma once
// The phones of remote signers. A phone enrols with a one-time activation code
// an administrator issued for its signer, its ECDSA P-256 public key and the
// PIN its owner chose; only the code's SHA-256 and a verifier of the PIN (an
// HMAC under the token's PIN verifier key; older rows scrypt) are kept. A signer may have several devices; a revoked device can do nothing.
// Wrong PINs are counted per signer (SignerStore's count), across its devices.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/pin_key.h"
#include "sign/store/write_queue.h"

namespace sign::store {

struct DeviceRecord {
    std::string id;         ///< 22 base64url characters (128 random bits)
    std::string signer_id;
    std::string name;       ///< what the phone called itself, UTF-8, 1 to 100 characters
    std::vector<uint8_t> public_key_spki;  ///< DER SubjectPublicKeyInfo of its P-256 key
    std::chrono::system_clock::time_point created_at;
    std::optional<std::chrono::system_clock::time_point> revoked_at;

    bool revoked() const { return revoked_at.has_value(); }
};

/// An activation code just issued: the only time it exists in clear.
struct ActivationCode {
    std::string code;  ///< 20 Crockford base32 characters in groups of four: "K7QD-2M9X-…"
    std::string signer_id;
    std::chrono::system_clock::time_point expires_at;
};

class DeviceStore {
public:
    /// The longest an activation code is valid.
    static constexpr std::chrono::hours max_activation_validity{24};

    /// `pin_key` makes and checks the PIN verifiers; asked for only when a PIN is set or checked.
    DeviceStore(WriteQueue& queue, PinKeySource pin_key) : queue_(queue), pin_key_(std::move(pin_key)) {}

    /// Issues a one-time code for `signer_id`, valid for `validity` (1 minute to
    /// max_activation_validity). Throws not_found `unknown_signer`, invalid_input `validity_out_of_range`.
    ActivationCode issue_activation(const std::string& signer_id, std::chrono::seconds validity,
                                    std::chrono::system_clock::time_point now);

    /// Enrols a device: spends the code (typed in any case, with or without dashes and spaces) and
    /// stores the device and its PIN verifier in one write, with `in_same_write` (e.g. its audit
    /// record). Throws invalid_input `activation_code_invalid` (unknown, used or expired alike),
    /// `invalid_public_key` (not a DER SPKI of a P-256 key), `invalid_device_name`,
    /// `pin_too_short`/`pin_too_long` (4 to 64 characters). Two enrolments racing with one code
    /// give one device.
    DeviceRecord enrol(const std::string& activation_code, const std::vector<uint8_t>& public_key_spki,
                       const std::string& pin, const std::string& name, std::chrono::system_clock::time_point now,
                       const std::function<void(const Connection&)>& in_same_write = {});

    std::optional<DeviceRecord> find(const std::string& device_id) const;
    /// A signer's devices, revoked ones included, oldest first.
    std::vector<DeviceRecord> list(const std::string& signer_id) const;
    /// Whether the signer has a device that is not revoked.
    bool has_active_device(const std::string& signer_id) const;

    /// Revokes a device of `signer_id`. Throws not_found `unknown_device` (also when it belongs to
    /// another signer), conflict `device_already_revoked`.
    void revoke(const std::string& signer_id, const std::string& device_id, std::chrono::system_clock::time_point now);

    /// Checks `pin` against the device's verifier with the signer's durable count, exactly as
    /// SignerStore::verify_pin does for the CSC PIN: authentication `wrong_pin` (counted before it
    /// throws; the fifth in a row locks the signer), `signer_locked`, `device_revoked`; not_found
    /// `unknown_device`. A right PIN resets the signer's count.
    void verify_pin(const std::string& device_id, const std::string& pin, std::chrono::system_clock::time_point now);

private:
    WriteQueue& queue_;
    PinKeySource pin_key_;
};

}  // namespace sign::store
