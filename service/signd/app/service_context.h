#pragma once
// Everything signd's handlers share, built once at start-up: the data folder
// (token, CA database, profiles), the durable stores, the audit log, the local
// TSA, the signing services and the metrics. Handlers borrow it; it outlives
// the server.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/background_work.h"
#include "http/metrics.h"
#include "sign/audit/audit_log.h"
#include "sign/clock.h"
#include "sign/data_folder/data_folder.h"
#include "sign/data_folder/local_timestamps.h"
#include "sign/mobile/request_events.h"
#include "sign/mobile/signature_request_service.h"
#include "sign/signing/hash_signer.h"
#include "sign/signing/seal_service.h"
#include "sign/store/authorization_store.h"
#include "sign/store/client_store.h"
#include "sign/store/device_store.h"
#include "sign/store/signer_store.h"
#include "sign/store/write_queue.h"

namespace sign::signd {

struct ServiceContext {
    data_folder::DataFolder& data;
    const Clock& clock;
    store::WriteQueue& queue;
    store::ClientStore& clients;
    store::SignerStore& signers;
    store::AuthorizationStore& authorizations;
    audit::AuditLog& audit;
    data_folder::LocalTimestamps& timestamps;
    signing::SealService& seals;
    signing::HashSigner& hash_signer;
    Metrics& metrics;
    store::DeviceStore& devices;
    /// Mobile signing: signature requests approved on a phone, and the wake-ups of long polls.
    mobile::SignatureRequestService& signature_requests;
    mobile::RequestEvents& request_events;
    /// PEM of the certificate whose key signs callbacks (signd's TLS server certificate).
    std::string callback_certificate_pem;
    /// 32 random bytes from <data>/secrets/signd-token.key: signs CSC bearer tokens, so they
    /// survive a restart and need no table.
    std::vector<unsigned char> token_secret;
    /// Largest document accepted as base64 inside JSON (bytes after decoding).
    size_t max_base64_document = 1 << 20;
    /// How long a SAD from CSC credentials/authorize stays usable; at most
    /// store::AuthorizationStore::max_lifetime.
    std::chrono::seconds sad_lifetime{300};
    /// Asynchronous CSC signHash: results kept until the client's validity period ends, and the
    /// thread that signs them.
    store::CscResponseStore& csc_responses;
    BackgroundWork& background;
};

}  // namespace sign::signd
