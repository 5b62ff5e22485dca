#pragma once
// signd's composition root: the one place that builds the use-case services
// from the parts the program opened (token, database, audit log, CA, TSA) and
// hands each route family exactly the services it uses. Nothing else in signd
// sees the data folder or the database whole.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "app/attempt_limits.h"
#include "app/background_work.h"
#include "app/client_auth.h"
#include "app/device_auth.h"
#include "app/mobile_answers.h"
#include "http/metrics.h"
#include "http/router.h"
#include "sign/audit/audit_log.h"
#include "sign/ca/ca_service.h"
#include "sign/clock.h"
#include "sign/csc/csc_service.h"
#include "sign/mobile/request_events.h"
#include "sign/mobile/signature_request_service.h"
#include "sign/signature_scheme.h"
#include "sign/signing/hash_signer.h"
#include "sign/signing/key_cache.h"
#include "sign/signing/leader_signature_check.h"
#include "sign/signing/seal_service.h"
#include "sign/signing/signer_directory.h"
#include "sign/signing/untrusted_pdfs.h"
#include "sign/store/database.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_source.h"
#include "sign/verification/evidence_folder.h"
#include "sign/verification/trust_anchors.h"
#include "sign/verification/verification_service.h"

namespace sign::signd {

/// What the configuration may change in the APIs' behaviour.
struct ServiceLimits {
    /// Largest document accepted as base64 inside JSON (bytes after decoding).
    std::size_t max_base64_document = 1 << 20;
    /// How long a SAD from CSC credentials/authorize stays usable.
    std::chrono::seconds sad_lifetime{300};
    mobile::RequestLimits signature_requests{};
    /// Handler threads that may block in a long poll at once.
    unsigned long_poll_waiters = 4;
    /// Seal id -> the scheme its signatures use (see SealService).
    std::map<std::string, SignatureScheme> seal_schemes{};
};

/// The parts a program opened and lends the services; all borrowed, and they must outlive them.
struct OpenedParts {
    hsm::Token& token;
    store::Database& database;  ///< every store used below is opened by the constructor, on its thread
    audit::AuditLog& audit;
    audit::AuditTally& refusals;  ///< refusals of callers not authenticated, counted per minute and source
    AttemptLimits& limits;        ///< failed authentications and activation-code tries
    const ca::CaService& ca;
    const TimestampAuthority& tsa;  ///< answers CSC signatures/timestamp
    TimestampSource& timestamps;    ///< time-stamps B-T signatures
    const Clock& clock;
    Metrics& metrics;
    /// The CA's current CRLs, for validating a leader's signature before a seal goes over it.
    signing::LeaderSignatureCheck::CurrentCrls current_crls;
    /// Where clients' PDFs are opened first and previews rendered.
    const signing::UntrustedPdfs& untrusted_pdfs;
    /// What verifications fetch with (none: everything from the data at hand).
    verification::VerificationService::Fetchers verification_fetchers{};
};

/// Where the services keep files.
struct ServiceFolders {
    std::string seal_images;        ///< <seal id>.png
    std::string signer_images;      ///< <signer id>.png
    std::string signature_requests; ///< one folder per request
    std::string data_root;          ///< the trust anchors verifications accept (trust-anchors/, ca/root-ca.pem), evidence/
};

class Composition {
public:
    /// Builds every service. `token_secret` signs CSC access tokens; `callback_certificate_pem` is
    /// published for receivers of callbacks.
    Composition(const OpenedParts& parts, const ServiceFolders& folders, ServiceLimits limits,
                std::vector<unsigned char> token_secret, std::string callback_certificate_pem);
    Composition(const Composition&) = delete;
    Composition& operator=(const Composition&) = delete;

    /// Adds the document-system API (/api/v1), signature requests, the devices' API, CSC (/csc/v2) and
    /// the public verification page's API (/app/api).
    void add_routes(Router& router);

    mobile::SignatureRequestService& signature_requests() { return signature_requests_; }
    mobile::RequestEvents& request_events() { return request_events_; }

private:
    OpenedParts parts_;
    ServiceLimits limits_;
    std::string callback_certificate_pem_;
    signing::KeyCache keys_;
    signing::SignerDirectory signers_;
    signing::LeaderSignatureCheck leader_check_;
    /// Where B-LT and B-LTA signatures find their validation data: our CA, answered in-process.
    validate::CollectionSources long_term_sources_;
    signing::SealService seals_;
    signing::HashSigner hash_signer_;
    mobile::RequestEvents request_events_;
    mobile::SignatureRequestService signature_requests_;
    ClientAuthenticator client_auth_;
    DeviceAuthenticator device_auth_;
    MobileEdge mobile_edge_;
    csc::CscService csc_;
    verification::TrustAnchorFolder trust_anchors_;
    verification::EvidenceFolder evidence_;
    verification::VerificationService verifications_;
    /// The public page's: never the online fetcher, whatever the request says.
    verification::VerificationService anonymous_verifications_;
    // Last, so it is stopped first: its queued jobs use everything above.
    BackgroundWork background_;
};

}  // namespace sign::signd
