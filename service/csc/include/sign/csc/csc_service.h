#pragma once
// The Cloud Signature Consortium use case below HTTP: which credentials a
// client may use, signature activation data (SAD) issued against a PIN or a
// phone approval, and signHash, synchronous or in the background. Every rule
// the CSC API keeps lives here: a SAD authorises exactly its hashes, is spent
// on disk before the token signs, and each step commits with its audit record.
// signd's csc_routes parse the JSON, call one method and render the answer.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sign/audit/audit_log.h"
#include "sign/clock.h"
#include "sign/error.h"
#include "sign/mobile/signature_request_service.h"
#include "sign/signing/hash_signer.h"
#include "sign/store/authorization_store.h"
#include "sign/store/certificate_store.h"
#include "sign/store/client_store.h"
#include "sign/store/csc_response_store.h"
#include "sign/store/device_store.h"
#include "sign/store/signature_request_store.h"
#include "sign/store/signer_store.h"

namespace sign::csc {

/// Hashes one SAD may authorise (credentials/info "multisign").
inline constexpr std::size_t max_hashes_per_authorization = 100;

using Hashes = std::vector<std::vector<std::uint8_t>>;

/// The stores the CSC rules read and write.
struct CscStores {
    store::SignerStore& signers;
    store::AuthorizationStore& authorizations;
    store::DeviceStore& devices;
    store::SignatureRequestStore& requests;
    store::CscResponseStore& responses;
    const store::CertificateStore& certificates;
};

/// What the service tells its host, which owns metrics and the error catalogue.
struct CscHooks {
    /// `count` signatures were made with a key of `key_type` ("rsa-2048", ...).
    std::function<void(const std::string& key_type, unsigned count)> signed_hashes;
    /// How a background signHash's failure is answered when the client polls.
    std::function<store::CscStoredError(const Error&)> stored_error;
    /// Runs a job on the background thread (asynchronous signHash).
    std::function<void(std::function<void()>)> post;
};

struct CscSettings {
    /// How long a SAD stays usable; at most store::AuthorizationStore::max_lifetime.
    std::chrono::seconds sad_lifetime{300};
};

/// An authenticated client's call, and the audit record it will leave. The service fills the
/// record's subject and hashes as it learns them and appends it on success; the caller records a
/// refusal with the same event.
struct CscCall {
    const store::ClientRecord& client;
    const std::string& address;
    audit::AuditEvent& event;
};

/// credentials/info: a credential, its key and its certificate's status now.
struct CredentialInfo {
    store::SignerRecord signer;
    signing::CredentialKey key;
    std::string certificate_status;  ///< valid, expired, not_yet_valid, revoked or unknown
};

struct AuthorizeInput {
    std::string credential_id;
    Hashes hashes;
    long long num_signatures = 0;
    std::string hash_algorithm_oid;
    std::optional<std::string> pin;
    std::optional<std::string> description;  ///< what a phone shows
};

/// A SAD, or the handle of a phone approval to poll with authorizeCheck.
struct Authorization {
    std::optional<std::string> sad;
    std::chrono::seconds expires_in{0};
    std::optional<std::string> handle;
};

struct SignHashInput {
    std::string credential_id;
    Hashes hashes;
    std::string sad;
    std::string sign_algo;
    std::optional<std::string> hash_algorithm_oid;
    std::optional<std::vector<std::uint8_t>> sign_algo_params;
    bool asynchronous = false;
    std::chrono::milliseconds validity{300'000};  ///< asynchronous results are kept this long
};

/// The signatures, or (asynchronous) the id to poll with signPolling.
struct SignHashResult {
    Hashes signatures;
    std::optional<std::string> response_id;
};

class CscService {
public:
    /// Asynchronous results are kept at most this long.
    static constexpr std::chrono::milliseconds max_validity{600'000};

    /// All borrowed; they must outlive the service.
    CscService(CscStores stores, audit::AuditLog& audit, const signing::HashSigner& hash_signer,
               mobile::SignatureRequestService& requests, const Clock& clock, CscHooks hooks, CscSettings settings);

    /// credentials/list: the signers `client` may ask, in the store's order.
    std::vector<store::SignerRecord> credentials(const store::ClientRecord& client) const;
    /// credentials/info. Throws not_found `unknown_credential` for a signer the client may not ask.
    CredentialInfo credential(const CscCall& call, const std::string& credential_id) const;
    /// A credential's key and certificate status now, for one of credentials()'s signers.
    CredentialInfo describe(store::SignerRecord signer) const;

    /// credentials/authorize: checks the request, then issues a SAD against the PIN, or creates a
    /// phone approval for a phone-only signer and for one whose client sent no PIN.
    Authorization authorize(const CscCall& call, const AuthorizeInput& input);
    /// credentials/authorizeCheck: the phone approval's state; once approved, its one SAD.
    Authorization authorize_check(const CscCall& call, const std::string& handle);

    /// signatures/signHash: every check before the SAD is spent, the SAD spent on disk before the
    /// token signs, then the signatures or, asynchronously, a response id.
    SignHashResult sign_hash(const CscCall& call, const SignHashInput& input);
    /// signatures/signPolling: the client's own asynchronous result; not_found `invalid_request_id`.
    store::CscResponse poll(const CscCall& call, const std::string& response_id) const;

private:
    store::SignerRecord signer_for(const CscCall& call, const std::string& credential_id) const;
    Authorization authorize_on_phone(const CscCall& call, const AuthorizeInput& input, const store::SignerRecord& signer);
    std::chrono::seconds sad_lifetime() const;
    /// Signs on the background thread and records the result, or the error a synchronous call
    /// would have answered, with its audit record.
    void sign_in_background(const signing::HashSigning& signing, const Hashes& hashes, audit::AuditEvent event,
                            const std::string& response_id);

    CscStores stores_;
    audit::AuditLog& audit_;
    const signing::HashSigner& hash_signer_;
    mobile::SignatureRequestService& requests_;
    const Clock& clock_;
    CscHooks hooks_;
    CscSettings settings_;
};

}  // namespace sign::csc
