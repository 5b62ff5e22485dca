#pragma once
// One logged-in PKCS#11 token: generates keys on it, finds keys and
// certificates by URI, stores certificates beside their keys. Thread-safe.

#include <memory>
#include <string>
#include <vector>

#include <openssl/x509.h>

#include "sign/hsm/key_spec.h"
#include "sign/hsm/module.h"
#include "sign/hsm/pin.h"
#include "sign/hsm/private_key.h"
#include "sign/hsm/uri.h"
#include "sign/openssl_ptr.h"

namespace sign::hsm {

namespace detail {
class Connection;
}

/// One object found on the token.
struct ObjectInfo {
    ObjectType type;
    std::string label;
    std::vector<uint8_t> id;
    std::string key_type;  ///< "rsa-2048", "ec-p256", ... for keys; empty for certificates
    /// The object's PKCS#11 URI within its token.
    std::string uri;
};

/// A user session on one token. Copies share the same connection.
class Token {
public:
    /// Finds the token labelled `label` in the module at `module_path` and logs in with `pin`.
    /// The PIN is kept (wiped on release) only to log in again after the token resets.
    /// Throws TokenAbsent, WrongPin or PinLocked.
    Token(const std::string& module_path, const std::string& label, Pin pin);

    /// The token's label.
    const std::string& label() const;

    /// Generates a key pair on the token: private half CKA_SENSITIVE, never extractable.
    /// `id` defaults to 16 random bytes. Throws sign::Error(conflict) if `object_label` is taken.
    PrivateKey generate_key_pair(const KeySpec& spec, const std::string& object_label,
                                 std::vector<uint8_t> id = {});

    /// The private key named by `uri` (its token= attribute, if any, must be this token).
    PrivateKey private_key(const Uri& uri) const;
    /// Convenience for private_key(Uri::parse(text)).
    PrivateKey private_key(const std::string& uri_text) const { return private_key(Uri::parse(uri_text)); }

    /// Stores `certificate` as a token object with the same label and id as its key.
    void store_certificate(X509* certificate, const std::string& object_label, const std::vector<uint8_t>& id);
    /// The certificate named by `uri`; throws KeyNotFound.
    X509Ptr certificate(const Uri& uri) const;

    /// Destroys every key and certificate labelled `object_label`; returns how many. Used to roll
    /// back a half-finished issuance so that no orphan key stays on the token.
    size_t destroy_objects(const std::string& object_label);

    /// Every key and certificate object visible to the logged-in user.
    std::vector<ObjectInfo> objects() const;

    /// Drops every session and logs in again; done automatically when the module reports a lost
    /// session, a logged-out user or a removed device. Exposed for administrators and tests.
    void reconnect();

    /// The module this token is reached through.
    const Module& module() const;
    /// The current slot of the token (it may change after reconnect()).
    CK_SLOT_ID slot_id() const;

private:
    std::shared_ptr<detail::Connection> connection_;
};

}  // namespace sign::hsm
