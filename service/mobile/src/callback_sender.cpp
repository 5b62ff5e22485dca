#include "sign/mobile/callback_sender.h"

#include <curl/curl.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "encoding.h"
#include "sign/base64.h"
#include "sign/error.h"
#include "sign/signature_scheme.h"

namespace sign::mobile {

namespace {

// The system's trust store (Debian's ca-certificates bundle) plus our root, as one PEM bundle.
std::string ca_bundle_with(const std::string& trust_pem) {
    std::ifstream system("/etc/ssl/certs/ca-certificates.crt");
    std::stringstream bundle;
    if (system) bundle << system.rdbuf() << "\n";
    bundle << trust_pem;
    return bundle.str();
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

SignatureScheme scheme_of(const SigningKey& key) { return default_scheme_for(key.public_key().get()); }

}  // namespace

CallbackSender::CallbackSender(store::CallbackQueue& queue, const Clock& clock, const SigningKey& key,
                               std::string certificate_serial, std::string trust_pem)
    : queue_(queue), clock_(clock), key_(key), certificate_serial_(std::move(certificate_serial)),
      ca_bundle_(ca_bundle_with(trust_pem)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

CallbackSender::~CallbackSender() { stop(); }

std::string CallbackSender::algorithm() const {
    return scheme_of(key_) == SignatureScheme::ecdsa ? "ecdsa-sha256" : "rsa-pss-sha256";
}

void CallbackSender::start() {
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            try {
                deliver_due();
            } catch (const std::exception& error) {
                std::cerr << "signd: callback delivery: " << error.what() << "\n";
            }
            lock.lock();
            // New deliveries are found within a quarter of a second; each is one indexed read.
            wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_; });
        }
    });
}

void CallbackSender::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::size_t CallbackSender::deliver_due() {
    std::size_t delivered = 0;
    for (const auto& delivery : queue_.due(clock_.now())) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
        }
        std::string error = post(delivery.url, delivery.body);
        if (error.empty()) {
            queue_.delivered(delivery.id, clock_.now());
            ++delivered;
        } else {
            queue_.failed(delivery.id, error, clock_.now());
        }
    }
    return delivered;
}

std::string CallbackSender::post(const std::string& url, const std::string& body) const {
    std::vector<std::uint8_t> signature;
    try {
        signature = sign_data(key_, scheme_of(key_), "sha256",
                              std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
    } catch (const Error& error) {
        return std::string("cannot sign the callback: ") + error.what();
    }
    CURL* curl = curl_easy_init();
    if (!curl) return "libcurl failed to start";
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("Signd-Signature: " + encode_base64(signature)).c_str());
    headers = curl_slist_append(headers, ("Signd-Signature-Algorithm: " + algorithm()).c_str());
    headers = curl_slist_append(headers, ("Signd-Certificate-Serial: " + certificate_serial_).c_str());
    headers = curl_slist_append(headers, "Expect:");
    curl_blob bundle{const_cast<char*>(ca_bundle_.data()), ca_bundle_.size(), CURL_BLOB_COPY};
    char error_text[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &bundle);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) return std::string("delivery failed: ") + (error_text[0] ? error_text : curl_easy_strerror(code));
    if (status < 200 || status > 299) return "the receiver answered HTTP " + std::to_string(status);
    return {};
}

}  // namespace sign::mobile
