#pragma once
// The API clients of signd (document-management systems, public-service
// portals, CSC signing tools) and what each may do. An API key is shown once
// when the client is added; only its SHA-256 is kept (the key is 256 random
// bits, so a slow hash adds nothing).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sign/store/write_queue.h"

namespace sign::store {

/// What a client may do. Empty lists grant nothing.
struct ClientScopes {
    std::vector<std::string> seals;    ///< agency seals (token key labels) it may apply; "*" for all
    std::vector<std::string> signers;  ///< signer ids it may ask to sign (its CSC credentials); "*" for all
    bool verify_only = false;          ///< may only verify; refused any signing operation
    /// Where its signature requests' callbacks may go: an http(s) URL matches itself, and one
    /// ending in '/' every URL below it, both compared in RFC 3986 normal form (sign/url.h). A client with none may not ask for callbacks, so a
    /// stolen API key cannot make signd call into the city's network.
    std::vector<std::string> callback_urls;

    bool may_seal(const std::string& seal) const;
    bool may_ask(const std::string& signer) const;
    bool may_call_back(const std::string& url) const;
};

struct ClientRecord {
    std::string id;  ///< [a-z0-9-]{1,64}, chosen by the administrator
    std::string name;
    ClientScopes scopes;
    /// Serial (canonical hex) of the mTLS client certificate from our CA, if it authenticates so.
    std::optional<std::string> certificate_serial;
    std::chrono::system_clock::time_point created_at;
    std::optional<std::chrono::system_clock::time_point> revoked_at;

    bool revoked() const { return revoked_at.has_value(); }
};

/// A client just added, with its API key in clear: the only time it exists outside the caller.
struct NewClient {
    ClientRecord record;
    std::string api_key;  ///< "<id>.<43 base64url characters>"
};

/// Whether `url` is an absolute http or https URL (at most 2048 printable ASCII characters) with a
/// host and no user information.
bool valid_callback_url(const std::string& url);

class ClientStore {
public:
    explicit ClientStore(WriteQueue& queue) : queue_(queue) {}

    /// Adds a client with a fresh API key. Throws invalid_input `invalid_client_id`,
    /// `invalid_client_name` (empty) or `invalid_callback_url`, conflict `client_exists` or `certificate_in_use` (another
    /// client authenticates with that certificate).
    NewClient add(const std::string& id, const std::string& name, const ClientScopes& scopes,
                  const std::optional<std::string>& certificate_serial, std::chrono::system_clock::time_point now);
    /// The client this API key belongs to, if the key is right and the client not revoked
    /// (constant-time comparison of the hashes).
    std::optional<ClientRecord> authenticate(const std::string& api_key) const;
    /// The client whose mTLS certificate has this serial, if not revoked.
    std::optional<ClientRecord> find_by_certificate(const std::string& serial_hex) const;
    std::optional<ClientRecord> find(const std::string& id) const;
    std::vector<ClientRecord> list() const;
    /// Revokes a client; its key stops working at once. Throws not_found `unknown_client`,
    /// conflict `client_already_revoked`.
    ClientRecord revoke(const std::string& id, std::chrono::system_clock::time_point now);

private:
    WriteQueue& queue_;
};

}  // namespace sign::store
