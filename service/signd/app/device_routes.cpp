#include "app/device_routes.h"

#include <charconv>
#include <memory>

#include "sign/base64.h"
#include "app/mobile_answers.h"
#include "sign/error.h"
#include "sign/mobile/approval_challenge.h"
#include "sign/mobile/request_json.h"

namespace sign::signd {

namespace {

using nlohmann::json;

std::string string_member(const json& body, const char* name, const char* code) {
    if (!body.contains(name) || !body[name].is_string())
        throw Error(ErrorKind::invalid_input, code, std::string("'") + name + "' (a string) is required");
    return body[name].get<std::string>();
}

int document_index(const HttpRequest& request) {
    const std::string& text = request.params.at("index");
    int index = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (error != std::errc() || end != text.data() + text.size() || index < 0)
        throw Error(ErrorKind::not_found, "no_preview", "no document " + text);
    return index;
}

class DeviceRoutes {
public:
    explicit DeviceRoutes(const DeviceRouteServices& services) : services_(services) {}

    HttpResponse enrol(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::device, false, [&](std::string& caller_id) {
            mobile::DeviceEnrolment enrolment;
            // Guessing codes costs time: each failed enrolment spends a try of the address and of the code.
            services_.limits.admit(Attempt::activation_code, request, "");
            try {
                json body = json_object_body(request);
                enrolment.activation_code = string_member(body, "activationCode", "activation_code_invalid");
                std::string key_text = string_member(body, "publicKey", "invalid_public_key");
                enrolment.pin = string_member(body, "pin", "pin_too_short");
                enrolment.name = string_member(body, "name", "invalid_device_name");
                auto key = decode_base64(key_text);
                if (!key) throw Error(ErrorKind::invalid_input, "invalid_public_key", "'publicKey' is base64 of a P-256 SPKI");
                enrolment.public_key = std::move(*key);
            } catch (const Error& error) {
                services_.audit.append({.action = "device.enrol",
                                        .actor = "anonymous",
                                        .client_address = request.client_address,
                                        .subject = "",
                                        .document_hash = "",
                                        .result = error.code()},
                                       services_.edge.clock.now());
                services_.limits.failed(Attempt::activation_code, request, "");
                throw;
            }
            services_.limits.admit(Attempt::activation_code, request, enrolment.activation_code);
            mobile::EnrolledDevice enrolled;
            try {
                enrolled = services_.requests.enrol(enrolment, request.client_address);
            } catch (const Error&) {
                services_.limits.failed(Attempt::activation_code, request, enrolment.activation_code);
                throw;
            }
            caller_id = "device:" + enrolled.device.id;
            return HttpResponse::json(201, {{"deviceId", enrolled.device.id},
                                            {"signer", {{"id", enrolled.device.signer_id}, {"name", enrolled.signer_name}}}});
        });
    }

    HttpResponse list(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::device, false, [&](std::string& caller_id) {
            auto device = services_.auth.authenticate(request);
            caller_id = "device:" + device.id;
            auto wait = wait_seconds(request);
            auto pending = services_.requests.pending_for(device);
            bool waited = true;
            if (wait && pending.empty())
                waited = long_poll(services_.edge, *wait, std::nullopt, [&] {
                    pending = services_.requests.pending_for(device);
                    return pending.empty();
                });
            json requests = json::array();
            auto now = services_.edge.clock.now();
            for (const auto& pending_request : pending) requests.push_back(mobile::request_json(pending_request, now));
            auto response = HttpResponse::json(200, {{"requests", requests}});
            if (!waited) retry_after(response);
            return response;
        });
    }

    HttpResponse details(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::device, false, [&](std::string& caller_id) {
            auto device = services_.auth.authenticate(request);
            caller_id = "device:" + device.id;
            auto found = services_.requests.for_device(request.params.at("id"), device, request.client_address);
            json answer = mobile::request_json(found, services_.edge.clock.now());
            answer["clientName"] = services_.requests.client_name(found);
            answer["signerName"] = services_.requests.signer_name(found);
            answer["nonce"] = encode_base64url(found.nonce);
            answer["approvalChallenge"] = mobile::approval_challenge(found, mobile::Decision::approve);
            return HttpResponse::json(200, answer);
        });
    }

    HttpResponse preview(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::device, false, [&](std::string& caller_id) {
            auto device = services_.auth.authenticate(request);
            caller_id = "device:" + device.id;
            auto png = services_.requests.preview(request.params.at("id"), device, request.client_address,
                                                           document_index(request));
            return HttpResponse::bytes(200, "image/png", std::string(png.begin(), png.end()));
        });
    }

    HttpResponse decide(const HttpRequest& request, mobile::Decision decision) {
        bool approving = decision == mobile::Decision::approve;
        return mobile_answer(services_.edge, MobileCaller::device, approving, [&](std::string& caller_id) {
            auto device = services_.auth.authenticate(request);
            caller_id = "device:" + device.id;
            const std::string& id = request.params.at("id");
            std::string signature, pin;
            try {
                json body = json_object_body(request);
                signature = string_member(body, "signature", "approval_signature_invalid");
                if (approving) pin = string_member(body, "pin", "wrong_pin");
            } catch (const Error& error) {
                services_.audit.append({.action = approving ? "signature_request.approve" : "signature_request.reject",
                                       .actor = caller_id,
                                       .client_address = request.client_address,
                                       .subject = id,
                                       .document_hash = "",
                                       .result = error.code()},
                                      services_.edge.clock.now());
                throw;
            }
            auto decided = approving
                               ? services_.requests.approve(id, device, request.client_address, signature, pin)
                               : services_.requests.reject(id, device, request.client_address, signature);
            return HttpResponse::json(200, mobile::request_json(decided, services_.edge.clock.now()));
        });
    }

private:
    DeviceRouteServices services_;
};

}  // namespace

void add_device_routes(Router& router, const DeviceRouteServices& services) {
    auto routes = std::make_shared<DeviceRoutes>(services);
    router.add("POST", "/api/v1/devices", "api.devices.enrol", Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->enrol(request); });
    router.add("GET", "/api/v1/device/signature-requests", "api.device.signature_requests.list", Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->list(request); });
    router.add("GET", "/api/v1/device/signature-requests/{id}", "api.device.signature_requests.get", Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->details(request); });
    router.add("GET", "/api/v1/device/signature-requests/{id}/documents/{index}/preview",
               "api.device.signature_requests.preview", Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->preview(request); });
    router.add("POST", "/api/v1/device/signature-requests/{id}/approve", "api.device.signature_requests.approve",
               Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->decide(request, mobile::Decision::approve); });
    router.add("POST", "/api/v1/device/signature-requests/{id}/reject", "api.device.signature_requests.reject",
               Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->decide(request, mobile::Decision::reject); });
}

}  // namespace sign::signd
