#pragma once
// The shared state behind Token and PrivateKey: one libp11 context logged in to
// one token, the EVP_PKEY handles it lent out, and the lock that lets many
// threads sign while a reconnect waits for them to finish.

#include <libp11.h>

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>

#include "sign/hsm/module.h"
#include "sign/hsm/pin.h"
#include "sign/hsm/uri.h"
#include "sign/openssl_ptr.h"

namespace sign::hsm::detail {

class Connection {
public:
    /// Opens the token and logs in; throws TokenAbsent, WrongPin or PinLocked.
    Connection(const std::string& module_path, std::string label, Pin pin);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    const Module& module() const { return module_; }
    const std::string& label() const { return label_; }

    /// Shared while signing; exclusive while reconnecting or loading keys.
    std::shared_mutex& mutex() const { return mutex_; }
    /// Increases with every reconnect, so concurrent failures reconnect only once.
    uint64_t generation() const { return generation_; }
    /// The slot the token is in now. Caller holds mutex() in either mode.
    CK_SLOT_ID slot_id() const { return slot_id_; }

    /// The loaded key named `uri_text` (a Uri's to_string()), or nullptr when not loaded yet.
    /// Caller holds mutex() in either mode. Takes the text so the signing path builds no string.
    EVP_PKEY* loaded_key(const std::string& uri_text) const;
    /// Loads the key for `uri` through libp11. Caller holds mutex() exclusively. Throws KeyNotFound.
    EVP_PKEY* load_key(const Uri& uri);

    /// Drops every session and key handle and logs in again, unless another thread already did
    /// since `seen_generation`. Takes mutex() exclusively itself.
    void reconnect(uint64_t seen_generation);

private:
    void connect();
    void disconnect() noexcept;

    Module module_;
    std::string label_;
    Pin pin_;
    mutable std::shared_mutex mutex_;
    uint64_t generation_ = 0;

    PKCS11_CTX* context_ = nullptr;
    PKCS11_SLOT* slots_ = nullptr;
    unsigned slot_count_ = 0;
    PKCS11_SLOT* slot_ = nullptr;
    CK_SLOT_ID slot_id_ = 0;
    std::map<std::string, EvpPkeyPtr, std::less<>> keys_;  // by canonical URI text
};

/// The PKCS#11 result libp11 left on the OpenSSL error queue, or CKR_OK when there is none.
unsigned long pkcs11_result_from_openssl_errors();

}  // namespace sign::hsm::detail
