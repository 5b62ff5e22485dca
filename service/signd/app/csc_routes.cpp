#include "app/csc_routes.h"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/base64.h"
#include "app/client_auth.h"
#include "app/timestamp_token.h"
#include "sign/certificate.h"
#include "sign/error.h"
#include "sign/hex.h"

namespace sign::signd {

namespace {

using nlohmann::json;

/// A refusal in the CSC error format. `code` is our stable code, written to the audit log and
/// put first in the description so that a client can branch on it too.
struct CscError {
    int status;
    std::string error;
    std::string code;
    std::string description;
};

[[noreturn]] void invalid_request(const std::string& code, const std::string& description) {
    throw CscError{400, "invalid_request", code, description};
}

HttpResponse csc_response(const CscError& error) {
    auto response = HttpResponse::json(error.status, {{"error", error.error}, {"error_description", error.code + ": " + error.description}});
    if (error.status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"signd\"");
    return response;
}

// Our errors in CSC terms. The specification answers nearly every refusal with 400 and one of a
// few error names; PIN and scope problems have names of their own.
CscError csc_error_of(const Error& error, bool login) {
    const std::string& code = error.code();
    if (dynamic_cast<const Forbidden*>(&error)) return {403, "access_denied", code, error.what()};
    switch (error.kind()) {
        case ErrorKind::authentication:
            if (code == "wrong_pin") return {400, "invalid_pin", code, error.what()};
            if (code == "signer_locked") return {400, "access_denied", code, error.what()};
            return {401, login ? "invalid_client" : "invalid_token", code, error.what()};
        case ErrorKind::token: return {503, "temporarily_unavailable", code, error.what()};
        case ErrorKind::internal: return {500, "server_error", code, "the service failed; nothing was signed"};
        case ErrorKind::not_found:
        case ErrorKind::conflict:
        case ErrorKind::invalid_input:
        case ErrorKind::policy: return {400, "invalid_request", code, error.what()};
    }
    return {500, "server_error", code, error.what()};
}

json parse_body(const HttpRequest& request) {
    if (request.body.empty()) return json::object();
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) invalid_request("malformed_json", "the request body is not valid JSON");
    if (!body.is_object()) invalid_request("malformed_json", "the request body must be a JSON object");
    return body;
}

std::string required_string(const json& body, const std::string& name) {
    if (!body.contains(name) || !body[name].is_string() || body[name].get_ref<const std::string&>().empty())
        invalid_request("missing_parameter", "Missing (or invalid type) string parameter " + name);
    return body[name].get<std::string>();
}

std::optional<std::string> optional_string(const json& body, const std::string& name) {
    if (!body.contains(name) || body[name].is_null()) return std::nullopt;
    if (!body[name].is_string()) invalid_request("missing_parameter", "Invalid type of string parameter " + name);
    return body[name].get<std::string>();
}

bool optional_bool(const json& body, const std::string& name, bool fallback) {
    if (!body.contains(name) || body[name].is_null()) return fallback;
    if (!body[name].is_boolean()) invalid_request("missing_parameter", "Invalid type of boolean parameter " + name);
    return body[name].get<bool>();
}

std::vector<std::vector<std::uint8_t>> required_hashes(const json& body, const std::string& name = "hashes") {
    if (!body.contains(name) || !body[name].is_array() || body[name].empty())
        invalid_request("missing_parameter", "Missing (or invalid type) array parameter " + name);
    if (body[name].size() > max_hashes_per_authorization)
        invalid_request("too_many_hashes", "at most " + std::to_string(max_hashes_per_authorization) + " hashes at once");
    std::vector<std::vector<std::uint8_t>> hashes;
    for (const auto& item : body[name]) {
        if (!item.is_string()) invalid_request("missing_parameter", "Invalid type of array parameter " + name);
        auto decoded = decode_base64(item.get_ref<const std::string&>());
        if (!decoded || decoded->empty()) invalid_request("invalid_base64", "Invalid Base64 " + name + " string parameter");
        hashes.push_back(std::move(*decoded));
    }
    return hashes;
}

std::string joined_hex(const std::vector<std::vector<std::uint8_t>>& hashes) {
    std::string joined;
    for (const auto& hash : hashes) {
        if (!joined.empty()) joined += ',';
        joined += to_hex(hash);
    }
    return joined;
}

// CSC writes certificate times as GeneralizedTime text.
std::string generalized_time(std::chrono::system_clock::time_point when) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[16];
    std::strftime(text, sizeof text, "%Y%m%d%H%M%SZ", &utc);
    return text;
}

class CscApi {
public:
    explicit CscApi(ServiceContext& context) : context_(context), auth_(context) {}

    HttpResponse info(const HttpRequest& request) {
        return guarded(nullptr, [&](audit::AuditEvent&) {
            parse_body(request);
            json methods = {"auth/login",           "credentials/list",    "credentials/info",
                            "credentials/authorize", "signatures/signHash", "signatures/timestamp"};
            json algorithms = {"1.2.840.113549.1.1.1",  "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
                               "1.2.840.113549.1.1.13", "1.2.840.113549.1.1.10", "1.2.840.10045.2.1",
                               "1.2.840.10045.4.3.2",   "1.2.840.10045.4.3.3",   "1.2.840.10045.4.3.4"};
            return HttpResponse::json(200, {{"specs", "2.0.0.2"},
                                            {"name", "signd"},
                                            {"logo", ""},
                                            {"region", "VN"},
                                            {"lang", "vi-VN"},
                                            {"description", "Dịch vụ ký số từ xa của thành phố (remote signing service)"},
                                            {"authType", {"basic"}},
                                            {"methods", methods},
                                            {"signAlgorithms", {{"algos", algorithms}}},
                                            {"validationInfo", false}});
        });
    }

    HttpResponse login(const HttpRequest& request) {
        return guarded(nullptr, [&](audit::AuditEvent&) {
            Caller caller = auth_.authenticate_with_api_key(request);
            json body = parse_body(request);
            optional_bool(body, "rememberMe", false);  // no refresh tokens: one-hour tokens only
            return HttpResponse::json(200, {{"access_token", auth_.tokens().issue(caller.client.id, context_.clock.now())},
                                            {"token_type", "Bearer"},
                                            {"expires_in", std::chrono::seconds(AccessTokens::lifetime).count()}});
        }, true);
    }

    HttpResponse list(const HttpRequest& request) {
        Caller caller;
        return authenticated(request, caller, "csc.credentials.list", [&](audit::AuditEvent&) {
            json body = parse_body(request);
            bool with_info = optional_bool(body, "credentialInfo", false);
            json ids = json::array();
            json infos = json::array();
            for (const auto& signer : context_.signers.list()) {
                if (!caller.client.scopes.may_ask(signer.id)) continue;
                ids.push_back(signer.id);
                if (with_info) {
                    json info = describe(signer, body);
                    info["credentialID"] = signer.id;
                    infos.push_back(info);
                }
            }
            json answer = {{"credentialIDs", ids}, {"onlyValid", false}};
            if (with_info) answer["credentialInfos"] = infos;
            return HttpResponse::json(200, answer);
        });
    }

    HttpResponse info_of_credential(const HttpRequest& request) {
        Caller caller;
        return authenticated(request, caller, "csc.credentials.info", [&](audit::AuditEvent& event) {
            json body = parse_body(request);
            auto signer = credential(caller, body, event);
            return HttpResponse::json(200, describe(signer, body));
        });
    }

    HttpResponse authorize(const HttpRequest& request) {
        Caller caller;
        return authenticated(request, caller, "csc.authorize", [&](audit::AuditEvent& event) {
            auth_.require_signing(caller, request, event.action, "");
            json body = parse_body(request);
            auto signer = credential(caller, body, event);
            auto hashes = required_hashes(body);
            event.document_hash = joined_hex(hashes);
            if (!body.contains("numSignatures") || !body["numSignatures"].is_number_integer())
                invalid_request("missing_parameter", "Missing (or invalid type) integer parameter numSignatures");
            auto count = body["numSignatures"].get<long long>();
            if (count < 1 || count > static_cast<long long>(max_hashes_per_authorization))
                invalid_request("invalid_num_signatures", "numSignatures must be between 1 and " +
                                                              std::to_string(max_hashes_per_authorization));
            if (static_cast<std::size_t>(count) != hashes.size())
                invalid_request("num_signatures_mismatch", "numSignatures is " + std::to_string(count) + " but " +
                                                               std::to_string(hashes.size()) + " hashes were sent");
            std::string hash_algorithm = required_string(body, "hashAlgorithmOID");
            std::size_t length = digest_length_of(hash_algorithm);
            if (length == 0) invalid_request("unsupported_hash_algorithm", "Invalid parameter hashAlgorithmOID");
            for (const auto& hash : hashes)
                if (hash.size() != length)
                    invalid_request("invalid_hash_length", "a hash's length does not match hashAlgorithmOID");
            std::string pin = pin_of(body);
            auto now = context_.clock.now();
            context_.signers.verify_pin(signer.id, pin, now);
            auto lifetime = std::min<std::chrono::seconds>(context_.sad_lifetime, store::AuthorizationStore::max_lifetime);
            // The SAD and its audit record commit together: no SAD exists unrecorded.
            std::string sad = context_.authorizations.issue(
                {.credential_id = signer.id, .client_id = caller.client.id, .hashes = hashes, .expires_at = now + lifetime}, now,
                [&](const store::SqliteDatabase& write) { context_.audit.append(write, event, now); });
            return HttpResponse::json(200, {{"SAD", sad}, {"expiresIn", lifetime.count()}});
        });
    }

    HttpResponse sign_hash(const HttpRequest& request) {
        Caller caller;
        return authenticated(request, caller, "csc.signHash", [&](audit::AuditEvent& event) {
            auth_.require_signing(caller, request, event.action, "");
            json body = parse_body(request);
            auto signer = credential(caller, body, event);
            auto hashes = required_hashes(body);
            event.document_hash = joined_hex(hashes);
            std::string sad = required_string(body, "SAD");
            std::string sign_algo = required_string(body, "signAlgo");
            auto hash_algorithm = optional_string(body, "hashAlgorithmOID");
            std::optional<std::vector<std::uint8_t>> parameters;
            if (auto text = optional_string(body, "signAlgoParams")) {
                parameters = decode_base64(*text);
                if (!parameters) invalid_request("invalid_base64", "Invalid Base64 signAlgoParams string parameter");
            }
            if (auto mode = optional_string(body, "operationMode"); mode && *mode != "S")
                invalid_request("unsupported_operation_mode", "only synchronous signing (operationMode \"S\") is offered");
            // Every check (algorithm, parameters, hash lengths, the certificate) before the SAD is spent.
            auto now = context_.clock.now();
            auto signing = context_.hash_signer.prepare(signer, hashes, sign_algo, hash_algorithm, parameters, now);
            // Used up on disk before the token is asked, so neither a replay nor a crash can sign twice;
            // its own audit record commits with it, so a crash before the signature's record below
            // still leaves the spent SAD on record.
            audit::AuditEvent spent = event;
            spent.action = "csc.sad.use";
            context_.authorizations.consume(sad, caller.client.id, signer.id, hashes, now,
                                            [&](const store::SqliteDatabase& write) { context_.audit.append(write, spent, now); });
            auto signatures = context_.hash_signer.sign(signing, hashes);
            context_.audit.append(event, context_.clock.now());
            context_.metrics.count_signature("hash", signing.key_type, static_cast<unsigned>(signatures.size()));
            json encoded = json::array();
            for (const auto& signature : signatures) encoded.push_back(encode_base64(signature));
            return HttpResponse::json(200, {{"signatures", encoded}});
        });
    }

    HttpResponse timestamp(const HttpRequest& request) {
        Caller caller;
        return authenticated(request, caller, "csc.timestamp", [&](audit::AuditEvent& event) {
            json body = parse_body(request);
            auto hash = decode_base64(required_string(body, "hash"));
            if (!hash) invalid_request("invalid_base64", "Invalid Base64 hash string parameter");
            event.document_hash = to_hex(*hash);
            std::string hash_algorithm = required_string(body, "hashAlgorithmOID");
            std::optional<std::vector<std::uint8_t>> nonce;
            if (auto text = optional_string(body, "nonce")) {
                bool hex = !text->empty() && text->size() <= 64 && text->size() % 2 == 0 &&
                           text->find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
                if (!hex) invalid_request("invalid_nonce", "nonce must be 1 to 32 bytes as hexadecimal text");
                nonce.emplace();
                for (std::size_t i = 0; i < text->size(); i += 2)
                    nonce->push_back(static_cast<std::uint8_t>(std::stoi(text->substr(i, 2), nullptr, 16)));
            }
            try {
                auto token = timestamp_token(context_.timestamps.authority(), *hash, hash_algorithm, nonce);
                return HttpResponse::json(200, {{"timestamp", encode_base64(token)}});
            } catch (const Error& error) {
                if (error.code() == "unsupported_hash_algorithm") invalid_request(error.code(), "Invalid parameter hashAlgorithmOID");
                throw;
            }
        });
    }

private:
    // Runs `work`, turning errors into CSC answers; failures with an audit action are recorded
    // (authentication refusals record themselves).
    template <typename Work>
    HttpResponse guarded(audit::AuditEvent* event, Work&& work, bool login = false) {
        audit::AuditEvent unused;
        audit::AuditEvent& target = event ? *event : unused;
        auto record = [&](const std::string& code) {
            if (event && !event->action.empty() && !event->actor.empty()) {
                event->result = code;
                context_.audit.append(*event, context_.clock.now());
            }
        };
        try {
            return work(target);
        } catch (const CscError& error) {
            record(error.code);
            return csc_response(error);
        } catch (const Error& error) {
            if (error.kind() == ErrorKind::token) context_.metrics.count_token_error();
            bool self_audited = error.kind() == ErrorKind::authentication && error.code() != "wrong_pin" &&
                                error.code() != "signer_locked";
            if (!self_audited && !dynamic_cast<const Forbidden*>(&error)) record(error.code());
            return csc_response(csc_error_of(error, login));
        } catch (const std::exception&) {
            record("internal_error");
            return csc_response({500, "server_error", "internal_error", "the service failed; nothing was signed"});
        }
    }

    template <typename Work>
    HttpResponse authenticated(const HttpRequest& request, Caller& caller, const std::string& action, Work&& work) {
        audit::AuditEvent event{.action = action, .actor = "", .client_address = request.client_address,
                                .subject = "", .document_hash = "", .result = "ok"};
        HttpResponse response = guarded(&event, [&](audit::AuditEvent& target) {
            caller = auth_.authenticate(request);
            target.actor = caller.client.id;
            return work(target);
        });
        response.client_id = event.actor;  // for the request log; empty when authentication failed
        return response;
    }

    // The signer named by credentialID, if the caller may ask it; another client's credential is
    // answered exactly like an unknown one.
    store::SignerRecord credential(const Caller& caller, const json& body, audit::AuditEvent& event) {
        std::string id = required_string(body, "credentialID");
        event.subject = id;
        auto signer = context_.signers.find(id);
        if (!signer || !caller.client.scopes.may_ask(id))
            invalid_request("unknown_credential", "Invalid parameter credentialID");
        return *signer;
    }

    static std::string pin_of(const json& body) {
        if (body.contains("authData")) {
            if (!body["authData"].is_array()) invalid_request("missing_parameter", "Invalid type of array parameter authData");
            for (const auto& item : body["authData"]) {
                if (!item.is_object() || !item.contains("id") || !item.contains("value") || !item["id"].is_string() ||
                    !item["value"].is_string())
                    invalid_request("missing_parameter", "each authData entry needs string members id and value");
                if (item["id"] == "PIN") return item["value"].get<std::string>();
            }
        }
        if (auto pin = optional_string(body, "PIN")) return *pin;
        invalid_request("missing_pin", "Missing authData entry with id PIN");
    }

    json describe(const store::SignerRecord& signer, const json& body) {
        std::string certificates = optional_string(body, "certificates").value_or("single");
        if (certificates != "none" && certificates != "single" && certificates != "chain")
            invalid_request("invalid_parameter", "Invalid parameter certificates: none, single or chain");
        bool cert_info = optional_bool(body, "certInfo", false);
        bool auth_info = optional_bool(body, "authInfo", true);

        auto key = context_.hash_signer.describe(signer);
        json key_json = {{"status", signer.locked() ? "disabled" : "enabled"}, {"algo", key.sign_algorithms}, {"len", key.bits}};
        if (key.curve_oid) key_json["curve"] = *key.curve_oid;

        auto record = context_.data.store().find(signer.certificate_serial);
        std::string status = "valid";
        if (!record) status = "unknown";
        else if (record->revoked()) status = "revoked";
        else if (context_.clock.now() > record->not_after) status = "expired";
        else if (context_.clock.now() < record->not_before) status = "not_yet_valid";
        json cert = {{"status", status}};
        if (certificates != "none") {
            json list = json::array();
            for (const auto& pem : key.chain_pem) {
                list.push_back(encode_base64(Certificate::from_pem(pem).to_der()));
                if (certificates == "single") break;
            }
            cert["certificates"] = list;
        }
        if (cert_info && !key.chain_pem.empty()) {
            auto certificate = Certificate::from_pem(key.chain_pem.front());
            cert["issuerDN"] = certificate.issuer().to_string();
            cert["subjectDN"] = certificate.subject().to_string();
            cert["serialNumber"] = certificate.serial_hex();
            cert["validFrom"] = generalized_time(certificate.not_before());
            cert["validTo"] = generalized_time(certificate.not_after());
        }
        json answer = {{"description", signer.display_name},
                       {"key", key_json},
                       {"cert", cert},
                       {"authMode", "explicit"},
                       {"SCAL", "2"},
                       {"PIN", {{"presence", "true"}, {"format", "A"}, {"label", "PIN"}}},
                       {"OTP", {{"presence", "false"}}},
                       {"multisign", max_hashes_per_authorization},
                       {"lang", "vi-VN"}};
        if (auth_info)
            answer["auth"] = {{"mode", "explicit"},
                              {"expression", "PIN"},
                              {"objects", json::array({{{"type", "Password"}, {"id", "PIN"}, {"format", "A"}, {"label", "PIN"},
                                                        {"description", "Mã PIN của người ký"}}})}};
        return answer;
    }

    ServiceContext& context_;
    ClientAuthenticator auth_;
};

}  // namespace

void add_csc_routes(Router& router, ServiceContext& context) {
    auto api = std::make_shared<CscApi>(context);
    auto route = [&](const std::string& method, const std::string& name, HttpResponse (CscApi::*handler)(const HttpRequest&)) {
        router.add("POST", "/csc/v2/" + method, "csc." + name, Transport::tls_only,
                   [api, handler](const HttpRequest& request) { return ((*api).*handler)(request); });
    };
    route("info", "info", &CscApi::info);
    route("auth/login", "login", &CscApi::login);
    route("credentials/list", "credentials.list", &CscApi::list);
    route("credentials/info", "credentials.info", &CscApi::info_of_credential);
    route("credentials/authorize", "credentials.authorize", &CscApi::authorize);
    route("signatures/signHash", "signHash", &CscApi::sign_hash);
    route("signatures/timestamp", "timestamp", &CscApi::timestamp);
}

}  // namespace sign::signd
