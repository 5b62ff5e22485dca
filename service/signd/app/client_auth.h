#pragma once
// Who is calling, and whether they may do what they ask. A client proves
// itself with its mTLS certificate from our CA, or with
// `Authorization: Bearer <credential>` where the credential is its API key or
// a CSC access token. Every refusal is on record before the caller hears of
// it, with the claimed identity when there is one: counted per minute and
// source (the caller is not authenticated, so anyone can cause them), while
// scope refusals of authenticated callers are a record each. Failures spend
// the address's and the claimed client's attempts (AttemptLimits).

#include <optional>
#include <string>
#include <vector>

#include "app/access_token.h"
#include "app/attempt_limits.h"
#include "http/http_request.h"
#include "sign/audit/audit_log.h"
#include "sign/audit/audit_tally.h"
#include "sign/clock.h"
#include "sign/error.h"
#include "sign/store/certificate_store.h"
#include "sign/store/client_store.h"

namespace sign::signd {

/// How a caller proved who it is.
enum class CredentialKind { api_key, client_certificate, access_token };

/// An authenticated caller.
struct Caller {
    store::ClientRecord client;
    CredentialKind credential = CredentialKind::api_key;
};

/// A caller known but not granted what it asked for: HTTP 403. Its kind is policy.
class Forbidden : public Error {
public:
    Forbidden(std::string code, const std::string& message) : Error(ErrorKind::policy, std::move(code), message) {}
};

class ClientAuthenticator {
public:
    /// The stores, `audit` and `clock` are borrowed and must outlive this. `token_secret` signs CSC
    /// access tokens.
    ClientAuthenticator(const store::ClientStore& clients, const store::CertificateStore& certificates,
                        audit::AuditLog& audit, audit::AuditTally& refusals, AttemptLimits& limits, const Clock& clock,
                        std::vector<unsigned char> token_secret)
        : clients_(clients), certificates_(certificates), audit_(audit), refusals_(refusals), limits_(limits), clock_(clock),
          token_secret_(std::move(token_secret)), tokens_(token_secret_) {}

    /// The caller of `request`. A bearer credential is used when present, else the mTLS client
    /// certificate. Throws authentication `missing_credential`, `invalid_credential`,
    /// `token_expired` or `client_revoked`, after auditing the attempt; RateLimited while the
    /// address or the claimed client has failed too often.
    Caller authenticate(const HttpRequest& request) const;

    /// The caller of CSC auth/login: HTTP Basic with the client id and its API key, or the API
    /// key as a bearer credential. Same errors as authenticate().
    Caller authenticate_with_api_key(const HttpRequest& request) const;

    /// Refuses verify-only clients any signing operation (Forbidden `verify_only_client`).
    void require_signing(const Caller& caller, const HttpRequest& request, const std::string& action,
                         const std::string& subject) const;
    /// Refuses a seal outside the caller's scope (Forbidden `seal_not_granted`).
    void require_seal(const Caller& caller, const HttpRequest& request, const std::string& action,
                      const std::string& seal) const;

    /// Issues and checks CSC access tokens.
    const AccessTokens& tokens() const { return tokens_; }

private:
    [[noreturn]] void refuse_authentication(const HttpRequest& request, const std::string& actor, const std::string& code,
                                            const std::string& message) const;
    [[noreturn]] void refuse_scope(const Caller& caller, const HttpRequest& request, const std::string& action,
                                   const std::string& subject, const std::string& code, const std::string& message) const;
    Caller from_api_key(const HttpRequest& request, const std::string& api_key) const;
    Caller check_bearer_or_certificate(const HttpRequest& request) const;
    Caller check_api_key(const HttpRequest& request) const;

    const store::ClientStore& clients_;
    const store::CertificateStore& certificates_;
    audit::AuditLog& audit_;
    audit::AuditTally& refusals_;
    AttemptLimits& limits_;
    const Clock& clock_;
    std::vector<unsigned char> token_secret_;  // before tokens_, which borrows it
    AccessTokens tokens_;
};

/// The client id the credentials of `request` claim (Basic's user, an API key's id, an access
/// token's client), whether or not they prove it; empty when they claim none.
std::string claimed_client(const HttpRequest& request);

/// The id an API key names ("<id>.<secret>"), or nullopt when it has no such shape.
std::optional<std::string> api_key_client(const std::string& api_key);

}  // namespace sign::signd
