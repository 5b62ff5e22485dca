#include "app/device_auth.h"

#include <charconv>

#include "sign/base64.h"
#include "sign/error.h"
#include "sign/mobile/device_signature.h"

namespace sign::signd {

namespace {

bool is_base64url_word(const std::string& text) {
    for (char c : text)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    return !text.empty();
}

// The device id the Authorization header names, proved or not; empty when it names none.
std::string claimed_device(const HttpRequest& request) {
    auto header = request.header("authorization");
    const std::string scheme = "Device ";
    if (!header || header->compare(0, scheme.size(), scheme) != 0) return "";
    std::string id = header->substr(scheme.size(), header->find('.', scheme.size()) - scheme.size());
    return is_base64url_word(id) && id.size() <= 64 ? id : "";
}

}  // namespace

void DeviceAuthenticator::refuse(const HttpRequest& request, const std::string& actor, const std::string& code,
                                 const std::string& message) const {
    limits_.failed(Attempt::device_authentication, request, claimed_device(request));
    refusals_.count({.action = "device.authentication",
                     .actor = actor.empty() ? "anonymous" : "device:" + actor,
                     .client_address = request.client_address,
                     .subject = request.method + " " + request.path,
                     .document_hash = "",
                     .result = code});
    throw Error(ErrorKind::authentication, code, message);
}

store::DeviceRecord DeviceAuthenticator::authenticate(const HttpRequest& request) const {
    limits_.admit(Attempt::device_authentication, request, claimed_device(request));
    return check(request);
}

store::DeviceRecord DeviceAuthenticator::check(const HttpRequest& request) const {
    const std::string invalid = "device_auth_invalid";
    auto header = request.header("authorization");
    const std::string scheme = "Device ";
    if (!header || header->size() <= scheme.size() || header->compare(0, scheme.size(), scheme) != 0)
        refuse(request, "", invalid, "send 'Authorization: Device <deviceId>.<unix milliseconds>.<signature>'");
    std::string credential = header->substr(scheme.size());
    auto first = credential.find('.');
    auto second = first == std::string::npos ? first : credential.find('.', first + 1);
    if (second == std::string::npos || credential.find('.', second + 1) != std::string::npos)
        refuse(request, "", invalid, "the Device credential is <deviceId>.<unix milliseconds>.<signature>");
    std::string device_id = credential.substr(0, first);
    std::string millis_text = credential.substr(first + 1, second - first - 1);
    std::string signature_text = credential.substr(second + 1);
    if (!is_base64url_word(device_id) || device_id.size() > 64) refuse(request, "", invalid, "the device id is malformed");

    long long millis = 0;
    auto [end, parse_error] = std::from_chars(millis_text.data(), millis_text.data() + millis_text.size(), millis);
    if (parse_error != std::errc() || end != millis_text.data() + millis_text.size() || millis_text.size() > 16)
        refuse(request, device_id, invalid, "the time is not unix milliseconds");
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
    long long skew = now > millis ? now - millis : millis - now;
    if (skew > std::chrono::duration_cast<std::chrono::milliseconds>(max_clock_skew).count())
        refuse(request, device_id, invalid, "the time is more than 120 s from the server's");

    auto device = devices_.find(device_id);
    if (!device) refuse(request, device_id, invalid, "unknown device");
    auto signature = decode_base64url(signature_text);
    std::string text = mobile::device_auth_text(device_id, millis_text, request.method, request.target);
    if (!signature || !mobile::verify_device_signature(device->public_key_spki, text, *signature))
        refuse(request, device_id, invalid, "the signature does not verify");
    if (device->revoked()) refuse(request, device_id, "device_revoked", "this device was revoked");
    return *device;
}

}  // namespace sign::signd
