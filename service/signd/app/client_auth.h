#pragma once
// Who is calling, and whether they may do what they ask. A client proves
// itself with its mTLS certificate from our CA, or with
// `Authorization: Bearer <credential>` where the credential is its API key or
// a CSC access token. Every refusal is written to the audit log before the
// caller hears of it, with the claimed identity when there is one.

#include <optional>
#include <string>
#include <vector>

#include "app/access_token.h"
#include "http/http_request.h"
#include "sign/audit/audit_log.h"
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
                        audit::AuditLog& audit, const Clock& clock, std::vector<unsigned char> token_secret)
        : clients_(clients), certificates_(certificates), audit_(audit), clock_(clock), token_secret_(std::move(token_secret)),
          tokens_(token_secret_) {}

    /// The caller of `request`. A bearer credential is used when present, else the mTLS client
    /// certificate. Throws authentication `missing_credential`, `invalid_credential`,
    /// `token_expired` or `client_revoked`, after auditing the attempt.
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

    const store::ClientStore& clients_;
    const store::CertificateStore& certificates_;
    audit::AuditLog& audit_;
    const Clock& clock_;
    std::vector<unsigned char> token_secret_;  // before tokens_, which borrows it
    AccessTokens tokens_;
};

/// The id an API key names ("<id>.<secret>"), or nullopt when it has no such shape.
std::optional<std::string> api_key_client(const std::string& api_key);

}  // namespace sign::signd
