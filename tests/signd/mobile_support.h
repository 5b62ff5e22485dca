#pragma once
// What the mobile-signing tests share: a phone's P-256 device key made with
// OpenSSL, enrolment through a signctl activation code, signed device
// requests, the approval challenge rebuilt from what the server shows, and a
// small HTTP receiver for callbacks.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "api_support.h"
#include "sign/mobile/approval_challenge.h"

namespace sign::test {

/// A phone: its key pair, and once enrolled its device id.
class TestDevice {
public:
    TestDevice();
    ~TestDevice();
    TestDevice(const TestDevice&) = delete;
    TestDevice& operator=(const TestDevice&) = delete;

    /// Base64 DER SubjectPublicKeyInfo.
    std::string public_key_base64() const;
    /// Raw r‖s ECDSA P-256/SHA-256 signature of `text`, base64url without padding.
    std::string sign(const std::string& text) const;
    /// "Authorization: Device <id>.<ms>.<signature>" for this method and target.
    std::map<std::string, std::string> auth(const std::string& method, const std::string& target) const;

    std::string id;

private:
    EVP_PKEY* key_ = nullptr;
};

/// Adds a phone-only signer (no CSC PIN) on certs/<label>.pem with the test PKI's leader image.
void add_mobile_signer(const SigndServer& server, const std::string& id, const std::string& label);
/// Issues an activation code with signctl and enrols `device` with it and `pin`.
void enrol(const SigndServer& server, const std::string& signer_id, TestDevice& device, const std::string& pin);

/// A device call: https() with the device's Authorization header.
Reply device_call(const SigndServer& server, const TestDevice& device, const std::string& method, const std::string& target,
                  const nlohmann::json& body = nullptr);

/// The request as the store sees it, rebuilt from what GET /device/signature-requests/{id} shows.
store::SignatureRequest request_from_json(const nlohmann::json& details);
/// The approve or reject body for `details` (signed over the rebuilt challenge).
nlohmann::json decision_body(const TestDevice& device, const nlohmann::json& details, mobile::Decision decision,
                             const std::string& pin = "");

/// Base64 of bytes; and back.
std::string base64(const std::string& bytes);
std::string unbase64(const std::string& text);
std::vector<std::uint8_t> from_hex(const std::string& hex);

/// A plain-HTTP server on a loopback port that answers each POST with the next status of a list
/// (then 200), and keeps what it received.
class CallbackReceiver {
public:
    struct Received {
        std::map<std::string, std::string> headers;  ///< names lower-cased
        std::string body;
        int answered = 0;
    };

    explicit CallbackReceiver(std::vector<int> statuses = {}, unsigned short port = 0);
    ~CallbackReceiver();
    CallbackReceiver(const CallbackReceiver&) = delete;
    CallbackReceiver& operator=(const CallbackReceiver&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/callbacks/sign"; }
    /// Waits (up to `limit`) until `count` callbacks were answered 2xx; returns everything received.
    std::vector<Received> wait_for_delivered(std::size_t count, std::chrono::seconds limit);

private:
    void serve();

    int listener_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::vector<int> statuses_;
    std::vector<Received> received_;
    std::thread thread_;
};

/// Checks a callback's Signd-Signature with `openssl dgst -verify` and the served callback certificate.
void require_valid_callback_signature(const SigndServer& server, const CallbackReceiver::Received& callback);

}  // namespace sign::test
