#include "app/client_auth.h"

#include <algorithm>
#include <cctype>

#include "sign/base64.h"

namespace sign::signd {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

// The credential after "<scheme> " in the Authorization header, if the scheme matches
// (case-insensitively, RFC 9110 11.1).
std::optional<std::string> authorization_credential(const HttpRequest& request, std::string_view scheme) {
    auto header = request.header("authorization");
    if (!header) return std::nullopt;
    std::string_view value = trim(*header);
    if (value.size() <= scheme.size() || value[scheme.size()] != ' ') return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != std::tolower(static_cast<unsigned char>(scheme[i])))
            return std::nullopt;
    return std::string(trim(value.substr(scheme.size() + 1)));
}

bool is_client_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 &&
           std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

std::string claimed_client(const HttpRequest& request) {
    if (auto basic = authorization_credential(request, "Basic")) {
        auto decoded = decode_base64(*basic);
        if (!decoded) return "";
        std::string text(decoded->begin(), decoded->end());
        std::string id = text.substr(0, text.find(':'));
        return is_client_id(id) ? id : "";
    }
    if (auto bearer = authorization_credential(request, "Bearer")) {
        if (bearer->find('.') != std::string::npos) return api_key_client(*bearer).value_or("");
        std::string claimed = AccessTokens::claimed_client(*bearer).value_or("");
        return is_client_id(claimed) ? claimed : "";
    }
    return "";
}

std::optional<std::string> api_key_client(const std::string& api_key) {
    auto dot = api_key.find('.');
    if (dot == std::string::npos) return std::nullopt;
    std::string id = api_key.substr(0, dot);
    if (!is_client_id(id)) return std::nullopt;
    return id;
}

void ClientAuthenticator::refuse_authentication(const HttpRequest& request, const std::string& actor,
                                                const std::string& code, const std::string& message) const {
    limits_.failed(Attempt::client_authentication, request, claimed_client(request));
    refusals_.count({.action = "authentication",
                     .actor = actor.empty() ? "anonymous" : actor,
                     .client_address = request.client_address,
                     .subject = request.method + " " + request.path,
                     .document_hash = "",
                     .result = code});
    throw Error(ErrorKind::authentication, code, message);
}

void ClientAuthenticator::refuse_scope(const Caller& caller, const HttpRequest& request, const std::string& action,
                                       const std::string& subject, const std::string& code,
                                       const std::string& message) const {
    audit_.append({.action = action,
                           .actor = caller.client.id,
                           .client_address = request.client_address,
                           .subject = subject,
                           .document_hash = "",
                           .result = code},
                          clock_.now());
    throw Forbidden(code, message);
}

Caller ClientAuthenticator::from_api_key(const HttpRequest& request, const std::string& api_key) const {
    if (auto client = clients_.authenticate(api_key)) return {*client, CredentialKind::api_key};
    refuse_authentication(request, api_key_client(api_key).value_or(""), "invalid_credential",
                          "the API key is not valid, or its client was revoked");
}

Caller ClientAuthenticator::authenticate(const HttpRequest& request) const {
    limits_.admit(Attempt::client_authentication, request, claimed_client(request));
    return check_bearer_or_certificate(request);
}

Caller ClientAuthenticator::authenticate_with_api_key(const HttpRequest& request) const {
    limits_.admit(Attempt::client_authentication, request, claimed_client(request));
    return check_api_key(request);
}

Caller ClientAuthenticator::check_bearer_or_certificate(const HttpRequest& request) const {
    if (auto bearer = authorization_credential(request, "Bearer")) {
        // API keys are "<id>.<secret>"; access tokens are one base64url word without a dot.
        if (bearer->find('.') != std::string::npos) return from_api_key(request, *bearer);
        std::string claimed = AccessTokens::claimed_client(*bearer).value_or("");
        AccessTokenClaims claims;
        try {
            claims = tokens_.verify(*bearer, clock_.now());
        } catch (const Error& error) {
            if (error.kind() != ErrorKind::authentication) throw;
            refuse_authentication(request, is_client_id(claimed) ? claimed : "", error.code(), error.what());
        }
        auto client = clients_.find(claims.client_id);
        if (!client) refuse_authentication(request, claims.client_id, "invalid_credential", "the access token's client no longer exists");
        if (client->revoked())
            refuse_authentication(request, claims.client_id, "client_revoked", "the access token's client was revoked");
        return {*client, CredentialKind::access_token};
    }
    if (request.header("authorization"))
        refuse_authentication(request, "", "invalid_credential", "the Authorization header must be 'Bearer <API key or access token>'");
    if (request.client_certificate_serial) {
        // The handshake checked the chain; revocation lives in our CA database.
        if (certificates_.status(*request.client_certificate_serial).state == CertificateStatus::State::revoked)
            refuse_authentication(request, "", "certificate_revoked",
                                  "the client certificate " + *request.client_certificate_serial + " is revoked");
        if (auto client = clients_.find_by_certificate(*request.client_certificate_serial))
            return {*client, CredentialKind::client_certificate};
        refuse_authentication(request, "", "invalid_credential",
                              "the client certificate " + *request.client_certificate_serial +
                                  " belongs to no client, or its client was revoked");
    }
    refuse_authentication(request, "", "missing_credential",
                          "send 'Authorization: Bearer <API key or access token>' or a client certificate");
}

Caller ClientAuthenticator::check_api_key(const HttpRequest& request) const {
    if (auto basic = authorization_credential(request, "Basic")) {
        auto decoded = decode_base64(*basic);
        std::string text = decoded ? std::string(decoded->begin(), decoded->end()) : std::string();
        auto colon = text.find(':');
        if (!decoded || colon == std::string::npos)
            refuse_authentication(request, "", "invalid_credential", "HTTP Basic credentials must be base64 of '<client id>:<API key>'");
        std::string id = text.substr(0, colon);
        std::string api_key = text.substr(colon + 1);
        std::string actor = is_client_id(id) ? id : "";
        if (api_key_client(api_key) != id)
            refuse_authentication(request, actor, "invalid_credential", "the API key does not belong to the client id given");
        return from_api_key(request, api_key);
    }
    if (auto bearer = authorization_credential(request, "Bearer")) {
        if (bearer->find('.') == std::string::npos)
            refuse_authentication(request, AccessTokens::claimed_client(*bearer).value_or(""), "invalid_credential",
                                  "auth/login takes the client's API key, not an access token");
        return from_api_key(request, *bearer);
    }
    refuse_authentication(request, "", request.header("authorization") ? "invalid_credential" : "missing_credential",
                          "send HTTP Basic credentials: the client id and its API key");
}

void ClientAuthenticator::require_signing(const Caller& caller, const HttpRequest& request, const std::string& action,
                                          const std::string& subject) const {
    if (caller.client.scopes.verify_only)
        refuse_scope(caller, request, action, subject, "verify_only_client", "this client may only verify signatures");
}

void ClientAuthenticator::require_seal(const Caller& caller, const HttpRequest& request, const std::string& action,
                                       const std::string& seal) const {
    require_signing(caller, request, action, seal);
    if (!caller.client.scopes.may_seal(seal))
        refuse_scope(caller, request, action, seal, "seal_not_granted", "this client may not apply the seal '" + seal + "'");
}

}  // namespace sign::signd
