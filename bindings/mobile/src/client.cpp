// The HTTPS client: libcurl verifying the server against the given CA file
// only, device-authenticated calls, and the approval flow. Every answer is
// checked against the contract before it is handed on.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "canonical.h"
#include "failure.h"

struct sm_client {
    std::string origin;  // https://host[:port]
    std::string prefix;  // a path the service is mounted under, "" or "/sign"
    std::string ca_file;
    CURL* curl = nullptr;
    std::string device_id;
    sm_signer signer{nullptr, nullptr};
};

namespace signmobile {
namespace {

struct Response {
    long status = 0;
    std::string content_type;
    std::string body;
};

struct SlistDeleter { void operator()(curl_slist* list) const { curl_slist_free_all(list); } };

size_t append_body(char* data, size_t size, size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

void ensure_curl_initialised() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (result != CURLE_OK) throw Failure(SM_ERR_NETWORK, std::string("cannot start libcurl: ") + curl_easy_strerror(result));
}

bool is_base64url_id(const std::string& id) {
    return !id.empty() && id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                              std::string::npos;
}

// The code itself, from what was typed or from the QR code's text "signd-activation:<code>":
// a native app hands over whatever the scanner read.
std::string activation_code(const std::string& text) {
    static const std::string prefix = "signd-activation:";
    auto trimmed = [](std::string value) {
        const char* blanks = " \t\r\n";
        auto first = value.find_first_not_of(blanks);
        if (first == std::string::npos) return std::string();
        return value.substr(first, value.find_last_not_of(blanks) - first + 1);
    };
    std::string code = trimmed(text);
    bool prefixed = code.size() >= prefix.size() &&
                    std::equal(prefix.begin(), prefix.end(), code.begin(), [](char a, char b) {
                        return a == std::tolower(static_cast<unsigned char>(b));
                    });
    if (prefixed) code = trimmed(code.substr(prefix.size()));
    if (code.empty()) throw Failure(SM_ERR_INVALID_ARGUMENT, "the activation code is empty");
    return code;
}

void require_request_id(const char* id) {
    require_argument(id, "request_id");
    if (!is_base64url_id(id)) throw Failure(SM_ERR_INVALID_ARGUMENT, std::string("not a request id: ") + id);
}

int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string sign_text(const sm_client& client, const std::string& text) {
    if (client.signer.sign == nullptr || client.device_id.empty())
        throw Failure(SM_ERR_INVALID_ARGUMENT, "the client has no device yet: enrol, or call sm_client_set_device()");
    uint8_t signature[64] = {};
    sm_status status = client.signer.sign(client.signer.context, reinterpret_cast<const uint8_t*>(text.data()),
                                          text.size(), signature);
    if (status != SM_OK) {
        std::string detail = sm_last_error();
        throw Failure(SM_ERR_SIGNER, "the device key could not sign" + (detail.empty() ? "" : ": " + detail));
    }
    return base64url_encode(std::string(reinterpret_cast<char*>(signature), sizeof signature));
}

// A non-2xx answer as a Failure: the problem document's code and detail when there is one.
[[noreturn]] void refuse(const Response& response) {
    std::string code;
    std::string detail;
    auto problem = nlohmann::json::parse(response.body, nullptr, false);
    if (problem.is_object()) {
        if (problem.contains("code") && problem["code"].is_string()) code = problem["code"].get<std::string>();
        if (problem.contains("detail") && problem["detail"].is_string()) detail = problem["detail"].get<std::string>();
    }
    sm_status status = SM_ERR_SERVER;
    switch (response.status) {
    case 400:
    case 403: status = SM_ERR_REFUSED; break;
    case 401: status = code == "wrong_pin" ? SM_ERR_WRONG_PIN : SM_ERR_UNAUTHORIZED; break;
    case 404: status = SM_ERR_NOT_FOUND; break;
    case 409: status = SM_ERR_CONFLICT; break;
    case 423: status = SM_ERR_LOCKED; break;
    default: break;
    }
    std::string message = "the server answered " + std::to_string(response.status);
    if (!code.empty()) message += " " + code;
    if (!detail.empty()) message += ": " + detail;
    throw Failure(status, message, code, static_cast<int>(response.status));
}

struct Call {
    std::string method;            // GET or POST
    std::string path_and_query;    // below the prefix: "/api/v1/..."
    std::string body;              // JSON, POST only
    bool device_auth = true;
    long timeout_seconds = 60;
};

Response perform(sm_client& client, const Call& call) {
    CURL* curl = client.curl;
    // Reset keeps the connection cache, so a phone polling reuses its TLS session.
    curl_easy_reset(curl);
    std::string sent_path = client.prefix + call.path_and_query;
    std::string url = client.origin + sent_path;
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add_header = [&](const std::string& header) {
        curl_slist* grown = curl_slist_append(headers.get(), header.c_str());
        if (grown == nullptr) throw std::bad_alloc();
        (void)headers.release();
        headers.reset(grown);
    };
    add_header("Accept: application/json, application/problem+json, image/png");
    if (call.device_auth) {
        auto ms = unix_ms_now();
        auto signature = sign_text(client, device_auth_text(client.device_id, ms, call.method, sent_path));
        add_header("Authorization: Device " + client.device_id + "." + std::to_string(ms) + "." + signature);
    }
    if (call.method == "POST") add_header("Content-Type: application/json");

    Response response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_CAINFO, client.ca_file.c_str());
    // Only the given CA: no system store next to it.
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, call.timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "signmobile/1");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    if (call.method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    CURLcode result = curl_easy_perform(curl);
    // The POST body may hold a PIN: drop curl's pointer to it before returning.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
    if (result != CURLE_OK) {
        std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(result);
        throw Failure(SM_ERR_NETWORK, "cannot reach " + client.origin + ": " + detail);
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    char* content_type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type != nullptr) {
        response.content_type = content_type;
        response.content_type = response.content_type.substr(0, response.content_type.find(';'));
    }
    if (response.status < 200 || response.status > 299) refuse(response);
    return response;
}

nlohmann::json json_object(const Response& response, const std::string& what) {
    auto json = nlohmann::json::parse(response.body, nullptr, false);
    if (!json.is_object()) throw Failure(SM_ERR_PROTOCOL, "the server's " + what + " is not a JSON object");
    return json;
}

// The request's own challenge against the one rebuilt from its fields.
void check_challenge(const nlohmann::json& request) {
    auto sent = request.find("approvalChallenge");
    if (sent == request.end() || !sent->is_string())
        throw Failure(SM_ERR_PROTOCOL, "the request has no approvalChallenge");
    std::string rebuilt;
    try {
        rebuilt = approval_challenge(request, "approve");
    } catch (const Failure& failure) {
        throw Failure(SM_ERR_PROTOCOL, failure.what());
    }
    if (sent->get<std::string>() != rebuilt)
        throw Failure(SM_ERR_CHALLENGE_MISMATCH,
                      "the server's approvalChallenge differs from the one rebuilt from the request's fields; "
                      "not trusting this request");
}

// A request's final state after approve or reject: an object with the same id and a state.
std::string decided_request(const Response& response, const std::string& id) {
    auto request = json_object(response, "answer");
    if (!request.contains("id") || request["id"] != id || !request.contains("state") || !request["state"].is_string())
        throw Failure(SM_ERR_PROTOCOL, "the server's answer is not request " + id);
    return response.body;
}

std::string decide(sm_client& client, const char* request_json, const std::string& decision, const char* pin) {
    require_argument(request_json, "request_json");
    auto request = nlohmann::json::parse(request_json, nullptr, false);
    if (!request.is_object()) throw Failure(SM_ERR_INVALID_ARGUMENT, "request_json is not a JSON object");
    // The caller may pass something other than what sm_request_get() checked; check again.
    if (request.contains("approvalChallenge")) {
        try {
            check_challenge(request);
        } catch (const Failure& failure) {
            if (failure.status() == SM_ERR_CHALLENGE_MISMATCH) throw;
            throw Failure(SM_ERR_INVALID_ARGUMENT, failure.what());
        }
    }
    auto challenge = approval_challenge(request, decision);
    auto id = request["id"].get<std::string>();
    nlohmann::json body{{"signature", sign_text(client, challenge)}};
    if (pin != nullptr) body["pin"] = pin;
    std::string text = body.dump();
    Response response;
    try {
        response = perform(client, {"POST", "/api/v1/device/signature-requests/" + id + "/" + decision, text, true, 120});
    } catch (...) {
        std::fill(text.begin(), text.end(), '\0');
        throw;
    }
    std::fill(text.begin(), text.end(), '\0');
    return decided_request(response, id);
}

}  // namespace
}  // namespace signmobile

using signmobile::Failure;
using signmobile::guarded;
using signmobile::require_argument;

extern "C" {

sm_status sm_client_new(const char* base_url, const char* ca_file, sm_client** client) {
    return guarded([&] {
        require_argument(base_url, "base_url");
        require_argument(ca_file, "ca_file");
        require_argument(client, "client");
        *client = nullptr;
        std::string url = base_url;
        const std::string scheme = "https://";
        if (url.compare(0, scheme.size(), scheme) != 0)
            throw Failure(SM_ERR_INVALID_ARGUMENT, "the server URL must start with https://: " + url);
        if (url.find_first_of("?# \r\n\t") != std::string::npos)
            throw Failure(SM_ERR_INVALID_ARGUMENT, "the server URL must have no query, fragment or spaces: " + url);
        while (!url.empty() && url.back() == '/') url.pop_back();
        auto path_start = url.find('/', scheme.size());
        auto owned = std::make_unique<sm_client>();
        owned->origin = url.substr(0, path_start);
        owned->prefix = path_start == std::string::npos ? "" : url.substr(path_start);
        if (owned->origin.size() == scheme.size()) throw Failure(SM_ERR_INVALID_ARGUMENT, "the server URL has no host");
        owned->ca_file = ca_file;
        signmobile::ensure_curl_initialised();
        owned->curl = curl_easy_init();
        if (owned->curl == nullptr) throw Failure(SM_ERR_NO_MEMORY, "cannot create a libcurl handle");
        *client = owned.release();
    });
}

void sm_client_free(sm_client* client) {
    if (client == nullptr) return;
    if (client->curl != nullptr) curl_easy_cleanup(client->curl);
    delete client;
}

sm_status sm_client_set_device(sm_client* client, const char* device_id, sm_signer signer) {
    return guarded([&] {
        require_argument(client, "client");
        require_argument(device_id, "device_id");
        if (signer.sign == nullptr) throw Failure(SM_ERR_INVALID_ARGUMENT, "the signer has no sign callback");
        if (!signmobile::is_base64url_id(device_id))
            throw Failure(SM_ERR_INVALID_ARGUMENT, std::string("not a device id: ") + device_id);
        client->device_id = device_id;
        client->signer = signer;
    });
}

sm_status sm_enrol(sm_client* client, const char* activation_code, const char* pin, const char* name,
                   const uint8_t* public_key_der, size_t public_key_len, char** device_id, char** response_json) {
    return guarded([&] {
        require_argument(client, "client");
        require_argument(activation_code, "activation_code");
        require_argument(pin, "pin");
        require_argument(name, "name");
        require_argument(public_key_der, "public_key_der");
        require_argument(device_id, "device_id");
        *device_id = nullptr;
        if (response_json != nullptr) *response_json = nullptr;
        nlohmann::json body{
            {"activationCode", signmobile::activation_code(activation_code)},
            {"publicKey", signmobile::base64_encode(std::string(reinterpret_cast<const char*>(public_key_der), public_key_len))},
            {"pin", pin},
            {"name", name}};
        std::string text = body.dump();
        signmobile::Response response;
        try {
            response = signmobile::perform(*client, {"POST", "/api/v1/devices", text, false, 60});
        } catch (...) {
            std::fill(text.begin(), text.end(), '\0');
            throw;
        }
        std::fill(text.begin(), text.end(), '\0');
        auto answer = signmobile::json_object(response, "enrolment answer");
        if (!answer.contains("deviceId") || !answer["deviceId"].is_string() ||
            !signmobile::is_base64url_id(answer["deviceId"].get<std::string>()))
            throw Failure(SM_ERR_PROTOCOL, "the enrolment answer has no valid deviceId");
        client->device_id = answer["deviceId"].get<std::string>();
        char* id = signmobile::copy_out(client->device_id);
        if (response_json != nullptr) {
            try {
                *response_json = signmobile::copy_out(response.body);
            } catch (...) {
                std::free(id);
                throw;
            }
        }
        *device_id = id;
    });
}

sm_status sm_requests_list(sm_client* client, int wait_seconds, char** json) {
    return guarded([&] {
        require_argument(client, "client");
        require_argument(json, "json");
        *json = nullptr;
        if (wait_seconds < 0 || wait_seconds > 25)
            throw Failure(SM_ERR_INVALID_ARGUMENT, "wait_seconds must be 0 to 25");
        std::string path = "/api/v1/device/signature-requests";
        if (wait_seconds > 0) path += "?wait=" + std::to_string(wait_seconds);
        auto response = signmobile::perform(*client, {"GET", path, {}, true, 60L + wait_seconds});
        auto answer = signmobile::json_object(response, "request list");
        if (!answer.contains("requests") || !answer["requests"].is_array())
            throw Failure(SM_ERR_PROTOCOL, "the server's request list has no \"requests\" array");
        *json = signmobile::copy_out(response.body);
    });
}

sm_status sm_request_get(sm_client* client, const char* request_id, char** json) {
    return guarded([&] {
        require_argument(client, "client");
        require_argument(json, "json");
        *json = nullptr;
        signmobile::require_request_id(request_id);
        auto response =
            signmobile::perform(*client, {"GET", std::string("/api/v1/device/signature-requests/") + request_id, {}, true, 60});
        auto request = signmobile::json_object(response, "request");
        if (!request.contains("id") || request["id"] != request_id)
            throw Failure(SM_ERR_PROTOCOL, std::string("the server answered with another request than ") + request_id);
        signmobile::check_challenge(request);
        *json = signmobile::copy_out(response.body);
    });
}

sm_status sm_request_preview(sm_client* client, const char* request_id, int document_index, uint8_t** png,
                             size_t* png_len) {
    return guarded([&] {
        require_argument(client, "client");
        require_argument(png, "png");
        require_argument(png_len, "png_len");
        *png = nullptr;
        *png_len = 0;
        signmobile::require_request_id(request_id);
        if (document_index < 0) throw Failure(SM_ERR_INVALID_ARGUMENT, "document_index must not be negative");
        auto response = signmobile::perform(
            *client, {"GET", std::string("/api/v1/device/signature-requests/") + request_id + "/documents/" +
                                 std::to_string(document_index) + "/preview",
                                 {}, true, 60});
        static const std::string png_signature = "\x89PNG\r\n\x1a\n";
        if (response.content_type != "image/png" || response.body.compare(0, png_signature.size(), png_signature) != 0)
            throw Failure(SM_ERR_PROTOCOL, "the preview is not a PNG image");
        *png = reinterpret_cast<uint8_t*>(signmobile::copy_out(response.body));
        *png_len = response.body.size();
    });
}

sm_status sm_request_approve(sm_client* client, const char* request_json, const char* pin, char** result_json) {
    return guarded([&] {
        require_argument(client, "client");
        require_argument(pin, "pin");
        if (result_json != nullptr) *result_json = nullptr;
        auto result = signmobile::decide(*client, request_json, "approve", pin);
        if (result_json != nullptr) *result_json = signmobile::copy_out(result);
    });
}

sm_status sm_request_reject(sm_client* client, const char* request_json, char** result_json) {
    return guarded([&] {
        require_argument(client, "client");
        if (result_json != nullptr) *result_json = nullptr;
        auto result = signmobile::decide(*client, request_json, "reject", nullptr);
        if (result_json != nullptr) *result_json = signmobile::copy_out(result);
    });
}

}  // extern "C"
