#pragma once
// Records the expiry of pending requests past their time, once a second, so
// that each expiry is audited and its callback sent even when nobody reads
// the request. On the same schedule it deletes the files of requests that
// ended without a result (left by a crash before their deletion) and of
// signed results past the retention period.

#include <condition_variable>
#include <mutex>
#include <thread>

#include "sign/mobile/signature_request_service.h"

namespace sign::mobile {

class ExpirySweeper {
public:
    /// `service` is borrowed.
    explicit ExpirySweeper(SignatureRequestService& service) : service_(service) {}
    ~ExpirySweeper();
    ExpirySweeper(const ExpirySweeper&) = delete;
    ExpirySweeper& operator=(const ExpirySweeper&) = delete;

    /// Starts the sweeping thread.
    void start();
    /// Stops it; idempotent.
    void stop();

private:
    SignatureRequestService& service_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sign::mobile
