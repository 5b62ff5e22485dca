#pragma once
// Delivers the callbacks the CallbackQueue holds: a thread takes the due
// deliveries, signs each body on the token with signd's TLS server key, POSTs
// it with libcurl (10 s timeout; https verified against our root and the
// system's trust store) and marks it delivered on a 2xx, else failed (the
// queue reschedules with backoff). At least once: a delivery is marked only
// after the receiver answered, so a crash in between sends it again.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "sign/clock.h"
#include "sign/signing_key.h"
#include "sign/store/callback_queue.h"

namespace sign::mobile {

class CallbackSender {
public:
    /// How long one delivery may take.
    static constexpr long timeout_seconds = 10;

    /// `queue`, `clock` and `key` are borrowed. `certificate_serial` (hex) names the certificate of
    /// `key` in Signd-Certificate-Serial; `trust_pem` (our root) is trusted besides the system store.
    CallbackSender(store::CallbackQueue& queue, const Clock& clock, const SigningKey& key, std::string certificate_serial,
                   std::string trust_pem);
    ~CallbackSender();
    CallbackSender(const CallbackSender&) = delete;
    CallbackSender& operator=(const CallbackSender&) = delete;

    /// Starts the delivery thread.
    void start();
    /// Stops it after the delivery in progress, if any; idempotent.
    void stop();
    /// Delivers what is due now; returns how many succeeded.
    std::size_t deliver_due();

    /// "ecdsa-sha256" or "rsa-pss-sha256", as Signd-Signature-Algorithm says.
    std::string algorithm() const;

private:
    /// POSTs one body; empty on success, else why it failed.
    std::string post(const std::string& url, const std::string& body) const;

    store::CallbackQueue& queue_;
    const Clock& clock_;
    const SigningKey& key_;
    std::string certificate_serial_;
    std::string ca_bundle_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sign::mobile
