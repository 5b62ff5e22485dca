#pragma once
// The signing services a data folder offers the API handlers, built and owned
// together, and the ServiceContext that lends them out. signd builds one at
// start-up; the route tests build one to list what the APIs register.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "sign/signature_scheme.h"

#include "app/service_context.h"

namespace sign::signd {

/// What the configuration may change in the APIs' behaviour.
struct ServiceLimits {
    size_t max_base64_document = 1 << 20;  ///< see ServiceContext
    std::chrono::seconds sad_lifetime{300};
    mobile::RequestLimits signature_requests{};
    /// Handler threads that may block in a long poll at once.
    unsigned long_poll_waiters = 4;
    /// Seal id -> the scheme its signatures use (see SealService).
    std::map<std::string, SignatureScheme> seal_schemes{};
};

class SigningServices {
public:
    /// Borrows `data` (token, store and CA already opened on this thread: handlers share them),
    /// `timestamps`, `clock` and `metrics`; reads or creates the token secret.
    SigningServices(data_folder::DataFolder& data, data_folder::LocalTimestamps& timestamps, const Clock& clock,
                    Metrics& metrics, ServiceLimits limits = {});
    SigningServices(const SigningServices&) = delete;
    SigningServices& operator=(const SigningServices&) = delete;

    ServiceContext& context() { return context_; }

private:
    signing::KeyCache keys_;
    signing::SealService seals_;
    signing::HashSigner hash_signer_;
    mobile::RequestEvents request_events_;
    mobile::SignatureRequestService signature_requests_;
    ServiceContext context_;
    // Last, so it is stopped first: its queued jobs use everything above.
    BackgroundWork background_;
};

}  // namespace sign::signd
