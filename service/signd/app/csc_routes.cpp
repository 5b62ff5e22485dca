#include "app/csc_routes.h"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/client_auth.h"
#include "app/timestamp_token.h"
#include "sign/base64.h"
#include "sign/certificate.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/key_policy.h"
#include "sign/random_id.h"
#include "sign/store/csc_response_store.h"
#include "sign/store/signature_request_store.h"

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

/// What the phone is asked to approve when a CSC client gives no description.
const std::string default_authorization_text = "Ký số qua CSC";

/// signHash operationMode "A": how long a result is kept, in milliseconds (validity_period).
constexpr long long default_validity_ms = 300'000;
constexpr long long max_validity_ms = 600'000;

/// An asynchronous signHash between the SAD's use and its result.
struct AsyncSigning {
    signing::HashSigning signing;
    std::vector<std::vector<std::uint8_t>> hashes;
    audit::AuditEvent event;
    std::string response_id;
};

// Runs on the background thread: signs, then records the signatures or the error the synchronous
// path would have answered, with the csc.signHash audit record.
void sign_in_background(ServiceContext& context, AsyncSigning& job) {
    std::optional<store::CscStoredError> failure;
    std::vector<std::string> encoded;
    try {
        auto signatures = context.hash_signer.sign(job.signing, job.hashes);
        context.metrics.count_signature("hash", job.signing.key_type, static_cast<unsigned>(signatures.size()));
        for (const auto& signature : signatures) encoded.push_back(encode_base64(signature));
    } catch (const Error& error) {
        if (error.kind() == ErrorKind::token) context.metrics.count_token_error();
        CscError mapped = csc_error_of(error, false);
        failure = store::CscStoredError{mapped.status, mapped.error, mapped.code, mapped.description};
    } catch (const std::exception&) {
        failure = store::CscStoredError{500, "server_error", "internal_error", "the service failed; nothing was signed"};
    }
    job.event.result = failure ? failure->code : "ok";
    context.audit.append(job.event, context.clock.now());
    if (failure) context.csc_responses.fail(job.response_id, *failure);
    else context.csc_responses.complete(job.response_id, encoded);
}

class CscApi {
public:
    explicit CscApi(ServiceContext& context) : context_(context), auth_(context) {}

    HttpResponse info(const HttpRequest& request) {
        return guarded(nullptr, [&](audit::AuditEvent&) {
            parse_body(request);
            json methods = {"auth/login",          "credentials/list",           "credentials/info",
                            "credentials/authorize", "credentials/authorizeCheck", "signatures/signHash",
                            "signatures/signPolling", "signatures/timestamp"};
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
            auto pin = pin_of(body);
            // Phone approval (asynchronous mode): for phone-only signers, and for the others when
            // the client brings no PIN and there is a phone to ask.
            if (!signer.has_pin || (!pin && context_.devices.has_active_device(signer.id)))
                return authorize_on_phone(caller, request, body, signer, hashes, hash_algorithm, event);
            if (!pin) invalid_request("missing_pin", "Missing authData entry with id PIN");
            auto now = context_.clock.now();
            context_.signers.verify_pin(signer.id, *pin, now);
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
            auto mode = optional_string(body, "operationMode").value_or("S");
            if (mode != "S" && mode != "A")
                invalid_request("unsupported_operation_mode", "Invalid parameter operationMode: \"S\" or \"A\"");
            bool asynchronous = mode == "A";
            long long validity_ms = default_validity_ms;
            if (asynchronous) {
                if (body.contains("validity_period") && !body["validity_period"].is_null()) {
                    if (!body["validity_period"].is_number_integer())
                        invalid_request("invalid_parameter", "Invalid parameter validity_period");
                    validity_ms = body["validity_period"].get<long long>();
                    if (validity_ms < 1 || validity_ms > max_validity_ms)
                        invalid_request("validity_period_out_of_bounds", "Out of bounds parameter validity_period (1 to " +
                                                                             std::to_string(max_validity_ms) + " ms)");
                }
                if (body.contains("response_uri") && !body["response_uri"].is_null())
                    invalid_request("response_uri_not_supported", "response_uri not supported; poll with signatures/signPolling");
            }
            // Every check (algorithm, parameters, hash lengths, the certificate) before the SAD is spent.
            auto now = context_.clock.now();
            auto signing = context_.hash_signer.prepare(signer, hashes, sign_algo, hash_algorithm, parameters, now);
            // Used up on disk before the token is asked, so neither a replay nor a crash can sign twice;
            // its own audit record commits with it, so a crash before the signature's record below
            // still leaves the spent SAD on record. An asynchronous call's response row commits with
            // it too, so a spent SAD always has an answer to poll for.
            audit::AuditEvent spent = event;
            spent.action = "csc.sad.use";
            std::string response_id = asynchronous ? random_id() : std::string();
            context_.authorizations.consume(sad, caller.client.id, signer.id, hashes, now, [&](const store::SqliteDatabase& write) {
                context_.audit.append(write, spent, now);
                if (asynchronous)
                    store::CscResponseStore::start(write, {.response_id = response_id,
                                                           .client_id = caller.client.id,
                                                           .credential_id = signer.id,
                                                           .state = store::CscResponseState::running,
                                                           .signatures = {},
                                                           .error = std::nullopt,
                                                           .created_at = now,
                                                           .expires_at = now + std::chrono::milliseconds(validity_ms)});
            });
            if (asynchronous) {
                auto job = std::make_shared<AsyncSigning>(AsyncSigning{std::move(signing), hashes, event, response_id});
                ServiceContext& context = context_;
                context_.background.post([&context, job] { sign_in_background(context, *job); });
                return HttpResponse::json(200, {{"responseID", response_id}});
            }
            auto signatures = context_.hash_signer.sign(signing, hashes);
            context_.audit.append(event, context_.clock.now());
            context_.metrics.count_signature("hash", signing.key_type, static_cast<unsigned>(signatures.size()));
            json encoded = json::array();
            for (const auto& signature : signatures) encoded.push_back(encode_base64(signature));
            return HttpResponse::json(200, {{"signatures", encoded}});
        });
    }

    // credentials/authorizeCheck: the state of a phone approval, and once approved its one SAD.
    HttpResponse authorize_check(const HttpRequest& request) {
        Caller caller;
        return authenticated(request, caller, "csc.authorizeCheck", [&](audit::AuditEvent& event) {
            auth_.require_signing(caller, request, event.action, "");
            json body = parse_body(request);
            std::string handle = required_string(body, "handle");
            event.subject = handle;
            auto found = context_.data.signature_requests().find(handle);
            // Another client's handle is answered like an unknown one.
            if (!found || found->client_id != caller.client.id || found->purpose != store::RequestPurpose::csc_authorization)
                invalid_request("invalid_handle", "Invalid parameter handle");
            const store::SignatureRequest& approval = *found;
            std::vector<std::vector<std::uint8_t>> hashes;
            for (const auto& document : approval.documents) hashes.push_back(document.sha256);
            event.document_hash = joined_hex(hashes);
            auto now = context_.clock.now();
            using store::RequestState;
            bool expired = approval.state == RequestState::expired ||
                           (approval.state == RequestState::pending && now >= approval.expires_at);
            if (expired) invalid_request("request_expired", "the signer did not approve in time");
            switch (approval.state) {
                case RequestState::pending:
                case RequestState::activated: return HttpResponse::json(202, {{"handle", handle}});
                case RequestState::rejected: invalid_request("request_rejected", "the signer rejected the request");
                case RequestState::cancelled: invalid_request("request_cancelled", "the request was cancelled");
                case RequestState::failed:
                    invalid_request("request_failed", "the approval failed: " + approval.error_code.value_or("unknown"));
                case RequestState::expired: invalid_request("request_expired", "the signer did not approve in time");
                case RequestState::approved: break;
            }
            if (approval.sad_issued_at) invalid_request("sad_already_issued", "SAD already issued");
            auto lifetime = std::min<std::chrono::seconds>(context_.sad_lifetime, store::AuthorizationStore::max_lifetime);
            std::string sad;
            try {
                // The SAD, the request's mark that it was handed out, and the audit record commit
                // together: a second check (or a race) finds the mark and gets no SAD.
                sad = context_.authorizations.issue(
                    {.credential_id = approval.signer_id, .client_id = caller.client.id, .hashes = hashes, .expires_at = now + lifetime},
                    now, [&](const store::SqliteDatabase& write) {
                        store::SignatureRequestStore::hand_out_sad(write, handle, caller.client.id, now);
                        context_.audit.append(write, event, now);
                    });
            } catch (const Error& error) {
                if (error.code() == "sad_already_issued") invalid_request("sad_already_issued", "SAD already issued");
                throw;
            }
            return HttpResponse::json(200, {{"SAD", sad}, {"expiresIn", lifetime.count()}});
        });
    }

    // signatures/signPolling: the result of an asynchronous signHash, for the client that asked.
    HttpResponse sign_polling(const HttpRequest& request) {
        Caller caller;
        return authenticated(request, caller, "csc.signPolling", [&](audit::AuditEvent& event) {
            json body = parse_body(request);
            // The specification names it requestID; the value is signHash's responseID, under
            // either name.
            auto id = optional_string(body, "requestID");
            if (!id) id = optional_string(body, "responseID");
            if (!id || id->empty()) invalid_request("missing_parameter", "Missing (or invalid type) string parameter requestID");
            event.subject = *id;
            auto response = context_.csc_responses.find(*id, context_.clock.now());
            if (!response || response->client_id != caller.client.id)
                invalid_request("invalid_request_id", "Invalid parameter requestID");
            switch (response->state) {
                case store::CscResponseState::running:
                    return HttpResponse::json(202, {{"error", "accepted_request"},
                                                    {"error_description", "accepted_request: The previous async request has "
                                                                          "been accepted but not yet completed"}});
                case store::CscResponseState::done: return HttpResponse::json(200, {{"signatures", response->signatures}});
                case store::CscResponseState::failed: break;
            }
            // The signing's own error, already audited as csc.signHash when it happened.
            const auto& error = *response->error;
            return csc_response({error.status, error.error, error.code, error.description});
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

    // The PIN from authData (or the v1 PIN member), when the client sent one.
    static std::optional<std::string> pin_of(const json& body) {
        if (body.contains("authData")) {
            if (!body["authData"].is_array()) invalid_request("missing_parameter", "Invalid type of array parameter authData");
            for (const auto& item : body["authData"]) {
                if (!item.is_object() || !item.contains("id") || !item.contains("value") || !item["id"].is_string() ||
                    !item["value"].is_string())
                    invalid_request("missing_parameter", "each authData entry needs string members id and value");
                if (item["id"] == "PIN") return item["value"].get<std::string>();
            }
        }
        return optional_string(body, "PIN");
    }

    // credentials/authorize answered 202: a signature request whose documents are the hashes,
    // approved on the signer's phone like any other; its id is the handle.
    HttpResponse authorize_on_phone(const Caller& caller, const HttpRequest& request, const json& body,
                                    const store::SignerRecord& signer, const std::vector<std::vector<std::uint8_t>>& hashes,
                                    const std::string& hash_algorithm, audit::AuditEvent& event) {
        mobile::NewSignatureRequest input;
        input.signer = signer.id;
        input.display_text = optional_string(body, "description").value_or(default_authorization_text);
        input.purpose = store::RequestPurpose::csc_authorization;
        for (std::size_t i = 0; i < hashes.size(); ++i) {
            mobile::DocumentInput document;
            document.title = "Hash " + std::to_string(i + 1);
            document.type = "hash";
            document.hash = hashes[i];
            document.hash_algorithm = accepted_digest_for_oid(hash_algorithm).value_or("");  // checked by authorize
            input.documents.push_back(std::move(document));
        }
        auto created = context_.signature_requests.create(caller.client, request.client_address, input);
        event.result = "ok";
        context_.audit.append(event, context_.clock.now());
        return HttpResponse::json(202, {{"handle", created.id}});
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
    route("credentials/authorizeCheck", "credentials.authorizeCheck", &CscApi::authorize_check);
    route("signatures/signHash", "signHash", &CscApi::sign_hash);
    route("signatures/signPolling", "signPolling", &CscApi::sign_polling);
    route("signatures/timestamp", "timestamp", &CscApi::timestamp);
}

}  // namespace sign::signd
