#include "app/csc_routes.h"

#include <memory>

#include <nlohmann/json.hpp>

#include "app/timestamp_token.h"
#include "http/error_catalogue.h"
#include "sign/base64.h"
#include "sign/certificate.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/utc_time.h"

namespace sign::signd {

namespace {

using nlohmann::json;

[[noreturn]] void invalid_request(const std::string& code, const std::string& description) {
    throw Error(ErrorKind::invalid_input, code, description);
}

// `code` is put first in the description so that a client can branch on it too.
HttpResponse csc_response(int status, const std::string& error, const std::string& code, const std::string& description) {
    auto response = HttpResponse::json(status, {{"error", error}, {"error_description", code + ": " + description}});
    if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"signd\"");
    return response;
}

HttpResponse csc_response(const Error& error, bool login) {
    auto answer = answer_for(error, ErrorSurface::api, login);
    if (error.kind() == ErrorKind::internal)
        return csc_response(answer.csc_status, answer.csc_error, error.code(), "the service failed; nothing was signed");
    auto response = csc_response(answer.csc_status, answer.csc_error, std::string(canonical_code(error.code())), error.what());
    add_retry_after(error, response);
    return response;
}

json parse_body(const HttpRequest& request) {
    if (request.body.empty()) return json::object();
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) invalid_request("invalid_json", "the request body is not valid JSON");
    if (!body.is_object()) invalid_request("invalid_json", "the request body must be a JSON object");
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

csc::Hashes required_hashes(const json& body) {
    const std::string name = "hashes";
    if (!body.contains(name) || !body[name].is_array() || body[name].empty())
        invalid_request("missing_parameter", "Missing (or invalid type) array parameter " + name);
    if (body[name].size() > csc::max_hashes_per_authorization)
        invalid_request("too_many_hashes", "at most " + std::to_string(csc::max_hashes_per_authorization) + " hashes at once");
    csc::Hashes hashes;
    for (const auto& item : body[name]) {
        if (!item.is_string()) invalid_request("missing_parameter", "Invalid type of array parameter " + name);
        auto decoded = decode_base64(item.get_ref<const std::string&>());
        if (!decoded || decoded->empty()) invalid_request("invalid_base64", "Invalid Base64 " + name + " string parameter");
        hashes.push_back(std::move(*decoded));
    }
    return hashes;
}

// The PIN from authData (or the v1 PIN member), when the client sent one.
std::optional<std::string> pin_of(const json& body) {
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

json sad_json(const csc::Authorization& authorization) {
    if (authorization.sad) return {{"SAD", *authorization.sad}, {"expiresIn", authorization.expires_in.count()}};
    return {{"handle", *authorization.handle}};
}

json encoded(const csc::Hashes& signatures) {
    json list = json::array();
    for (const auto& signature : signatures) list.push_back(encode_base64(signature));
    return list;
}

class CscApi {
public:
    explicit CscApi(const CscRouteServices& services) : services_(services) {}

    HttpResponse info(const HttpRequest& request) {
        try {
            parse_body(request);
        } catch (const Error& error) {
            return csc_response(error, false);
        }
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
    }

    HttpResponse login(const HttpRequest& request) {
        try {
            Caller caller = services_.auth.authenticate_with_api_key(request);
            json body = parse_body(request);
            optional_bool(body, "rememberMe", false);  // no refresh tokens: one-hour tokens only
            auto response = HttpResponse::json(200, {{"access_token", services_.auth.tokens().issue(caller.client.id, services_.clock.now())},
                                                     {"token_type", "Bearer"},
                                                     {"expires_in", std::chrono::seconds(AccessTokens::lifetime).count()}});
            response.client_id = caller.client.id;
            return response;
        } catch (const Error& error) {
            return csc_response(error, true);
        } catch (const std::exception&) {
            return csc_response(500, "server_error", "internal_error", "the service failed; nothing was signed");
        }
    }

    HttpResponse list(const HttpRequest& request) {
        return authenticated(request, "csc.credentials.list", false, [&](const csc::CscCall& call) {
            json body = parse_body(request);
            bool with_info = optional_bool(body, "credentialInfo", false);
            json ids = json::array();
            json infos = json::array();
            for (const auto& signer : services_.csc.credentials(call.client)) {
                ids.push_back(signer.id);
                if (with_info) {
                    json info = describe(services_.csc.describe(signer), body);
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
        return authenticated(request, "csc.credentials.info", false, [&](const csc::CscCall& call) {
            json body = parse_body(request);
            return HttpResponse::json(200, describe(services_.csc.credential(call, required_string(body, "credentialID")), body));
        });
    }

    HttpResponse authorize(const HttpRequest& request) {
        return authenticated(request, "csc.authorize", true, [&](const csc::CscCall& call) {
            json body = parse_body(request);
            csc::AuthorizeInput input;
            input.credential_id = required_string(body, "credentialID");
            call.event.subject = input.credential_id;
            input.hashes = required_hashes(body);
            if (!body.contains("numSignatures") || !body["numSignatures"].is_number_integer())
                invalid_request("missing_parameter", "Missing (or invalid type) integer parameter numSignatures");
            input.num_signatures = body["numSignatures"].get<long long>();
            input.hash_algorithm_oid = required_string(body, "hashAlgorithmOID");
            input.pin = pin_of(body);
            input.description = optional_string(body, "description");
            auto authorization = services_.csc.authorize(call, input);
            return HttpResponse::json(authorization.sad ? 200 : 202, sad_json(authorization));
        });
    }

    HttpResponse authorize_check(const HttpRequest& request) {
        return authenticated(request, "csc.authorizeCheck", true, [&](const csc::CscCall& call) {
            json body = parse_body(request);
            auto authorization = services_.csc.authorize_check(call, required_string(body, "handle"));
            return HttpResponse::json(authorization.sad ? 200 : 202, sad_json(authorization));
        });
    }

    HttpResponse sign_hash(const HttpRequest& request) {
        return authenticated(request, "csc.signHash", true, [&](const csc::CscCall& call) {
            json body = parse_body(request);
            csc::SignHashInput input;
            input.credential_id = required_string(body, "credentialID");
            call.event.subject = input.credential_id;
            input.hashes = required_hashes(body);
            input.sad = required_string(body, "SAD");
            input.sign_algo = required_string(body, "signAlgo");
            input.hash_algorithm_oid = optional_string(body, "hashAlgorithmOID");
            if (auto text = optional_string(body, "signAlgoParams")) {
                input.sign_algo_params = decode_base64(*text);
                if (!input.sign_algo_params) invalid_request("invalid_base64", "Invalid Base64 signAlgoParams string parameter");
            }
            auto mode = optional_string(body, "operationMode").value_or("S");
            if (mode != "S" && mode != "A")
                invalid_request("unsupported_operation_mode", "Invalid parameter operationMode: \"S\" or \"A\"");
            input.asynchronous = mode == "A";
            if (input.asynchronous) {
                if (body.contains("validity_period") && !body["validity_period"].is_null()) {
                    if (!body["validity_period"].is_number_integer())
                        invalid_request("invalid_parameter", "Invalid parameter validity_period");
                    input.validity = std::chrono::milliseconds(body["validity_period"].get<long long>());
                }
                if (body.contains("response_uri") && !body["response_uri"].is_null())
                    invalid_request("response_uri_not_supported", "response_uri not supported; poll with signatures/signPolling");
            }
            auto result = services_.csc.sign_hash(call, input);
            if (result.response_id) return HttpResponse::json(200, {{"responseID", *result.response_id}});
            return HttpResponse::json(200, {{"signatures", encoded(result.signatures)}});
        });
    }

    // signatures/signPolling: the result of an asynchronous signHash, for the client that asked.
    HttpResponse sign_polling(const HttpRequest& request) {
        return authenticated(request, "csc.signPolling", false, [&](const csc::CscCall& call) {
            json body = parse_body(request);
            // The specification names it requestID; the value is signHash's responseID, under
            // either name.
            auto id = optional_string(body, "requestID");
            if (!id) id = optional_string(body, "responseID");
            if (!id || id->empty()) invalid_request("missing_parameter", "Missing (or invalid type) string parameter requestID");
            auto response = services_.csc.poll(call, *id);
            switch (response.state) {
                case store::CscResponseState::running:
                    return csc_response(202, "accepted_request", "accepted_request",
                                        "The previous async request has been accepted but not yet completed");
                case store::CscResponseState::done: return HttpResponse::json(200, {{"signatures", response.signatures}});
                case store::CscResponseState::failed: break;
            }
            // The signing's own error, already audited as csc.signHash when it happened.
            const auto& error = *response.error;
            return csc_response(error.status, error.error, error.code, error.description);
        });
    }

    HttpResponse timestamp(const HttpRequest& request) {
        return authenticated(request, "csc.timestamp", false, [&](const csc::CscCall& call) {
            json body = parse_body(request);
            auto hash = decode_base64(required_string(body, "hash"));
            if (!hash) invalid_request("invalid_base64", "Invalid Base64 hash string parameter");
            call.event.document_hash = to_hex(*hash);
            std::string hash_algorithm = required_string(body, "hashAlgorithmOID");
            std::optional<std::vector<std::uint8_t>> nonce;
            if (auto text = optional_string(body, "nonce")) {
                nonce = text->size() <= 64 ? from_hex(*text) : std::nullopt;
                if (!nonce || nonce->empty()) invalid_request("invalid_nonce", "nonce must be 1 to 32 bytes as hexadecimal text");
            }
            auto token = timestamp_token(services_.timestamps, *hash, hash_algorithm, nonce);
            // A time-stamp token is a signature by the TSA key: an authenticated caller's is on record.
            services_.audit.append(call.event, services_.clock.now());
            return HttpResponse::json(200, {{"timestamp", encode_base64(token)}});
        });
    }

private:
    // Authenticates, runs `work` and answers in the CSC format. Refusals after authentication are
    // audited under `action` (authentication refusals audit themselves, as do scope refusals).
    template <typename Work>
    HttpResponse authenticated(const HttpRequest& request, const std::string& action, bool signs, Work&& work) {
        audit::AuditEvent event{.action = action, .actor = "", .client_address = request.client_address,
                                .subject = "", .document_hash = "", .result = "ok"};
        HttpResponse response;
        try {
            Caller caller = services_.auth.authenticate(request);
            event.actor = caller.client.id;
            if (signs) services_.auth.require_signing(caller, request, action, "");
            response = work(csc::CscCall{caller.client, request.client_address, event});
        } catch (const Forbidden& error) {
            response = csc_response(error, false);
        } catch (const Error& error) {
            if (error.kind() == ErrorKind::token) services_.metrics.count_token_error();
            bool self_audited = error.kind() == ErrorKind::authentication && error.code() != "wrong_pin" &&
                                error.code() != "signer_locked";
            if (!self_audited) record(event, error.code());
            response = csc_response(error, false);
        } catch (const std::exception&) {
            record(event, "internal_error");
            response = csc_response(500, "server_error", "internal_error", "the service failed; nothing was signed");
        }
        response.client_id = event.actor;  // for the request log; empty when authentication failed
        return response;
    }

    void record(audit::AuditEvent& event, const std::string& code) {
        if (event.actor.empty()) return;
        event.result = code;
        services_.audit.append(event, services_.clock.now());
    }

    json describe(const csc::CredentialInfo& credential, const json& body) {
        std::string certificates = optional_string(body, "certificates").value_or("single");
        if (certificates != "none" && certificates != "single" && certificates != "chain")
            invalid_request("invalid_parameter", "Invalid parameter certificates: none, single or chain");
        bool cert_info = optional_bool(body, "certInfo", false);
        bool auth_info = optional_bool(body, "authInfo", true);

        const auto& key = credential.key;
        json key_json = {{"status", credential.signer.locked() ? "disabled" : "enabled"}, {"algo", key.sign_algorithms}, {"len", key.bits}};
        if (key.curve_oid) key_json["curve"] = *key.curve_oid;
        json cert = {{"status", credential.certificate_status}};
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
            cert["validFrom"] = format_utc(certificate.not_before(), UtcFormat::generalized_time);
            cert["validTo"] = format_utc(certificate.not_after(), UtcFormat::generalized_time);
        }
        json answer = {{"description", credential.signer.display_name},
                       {"key", key_json},
                       {"cert", cert},
                       {"authMode", "explicit"},
                       {"SCAL", "2"},
                       {"PIN", {{"presence", "true"}, {"format", "A"}, {"label", "PIN"}}},
                       {"OTP", {{"presence", "false"}}},
                       {"multisign", csc::max_hashes_per_authorization},
                       {"lang", "vi-VN"}};
        if (auth_info)
            answer["auth"] = {{"mode", "explicit"},
                              {"expression", "PIN"},
                              {"objects", json::array({{{"type", "Password"}, {"id", "PIN"}, {"format", "A"}, {"label", "PIN"},
                                                        {"description", "Mã PIN của người ký"}}})}};
        return answer;
    }

    CscRouteServices services_;
};

}  // namespace

void add_csc_routes(Router& router, const CscRouteServices& services) {
    auto api = std::make_shared<CscApi>(services);
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
