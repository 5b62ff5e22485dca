#pragma once
// Signature requests approved on a phone (docs/mobile-signing.md): a document
// system creates one, the documents are prepared at once, the signer's device
// reads and then approves (signature over the canonical challenge, plus the
// PIN) or rejects it, and only then does the token sign the stored digests,
// once. Every decision and every refusal is audited; every state a request
// leaves pending for is written together with its audit record and callback.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sign/audit/audit_log.h"
#include "sign/clock.h"
#include "sign/mobile/approval_challenge.h"
#include "sign/mobile/document_preparer.h"
#include "sign/mobile/request_events.h"
#include "sign/mobile/request_files.h"
#include "sign/signing/signer_directory.h"
#include "sign/timestamp_source.h"
#include "sign/store/client_store.h"
#include "sign/store/device_store.h"
#include "sign/store/signature_request_store.h"
#include "sign/store/signer_store.h"

namespace sign::mobile {

/// A request as the document system sent it, decoded from JSON.
struct NewSignatureRequest {
    std::string signer;
    std::string display_text;
    std::vector<DocumentInput> documents;
    std::optional<std::string> callback_url;
    std::optional<long long> expires_in_seconds;
    /// csc_authorization: the documents are the CSC client's hashes; approving signs nothing and
    /// lets the client fetch one SAD bound to them (credentials/authorizeCheck).
    store::RequestPurpose purpose = store::RequestPurpose::documents;
};

/// How long requests live (signd.toml signature_request_expiry_s and _max_expiry_s), and how long
/// their signed results are kept (signature_result_retention_h).
struct RequestLimits {
    std::chrono::seconds default_expiry{300};
    std::chrono::seconds max_expiry{900};
    std::chrono::hours result_retention = RequestFiles::default_retention;
};

/// Who asks, for the audit log: a client id or "device:<id>", and the remote address.
struct Actor {
    std::string id;
    std::string address;
};

/// A signed document ready to send.
struct SignedResult {
    std::string media_type;
    std::vector<std::uint8_t> bytes;
};

/// The stores a signature request touches.
struct RequestStores {
    store::SignatureRequestStore& requests;
    store::SignerStore& signers;
    store::DeviceStore& devices;
    store::ClientStore& clients;
};

/// A phone asking to become a signer's device (docs/mobile-signing.md, "Enrolment").
struct DeviceEnrolment {
    std::string activation_code;
    std::vector<std::uint8_t> public_key;  ///< DER SubjectPublicKeyInfo, P-256
    std::string pin;
    std::string name;
};

struct EnrolledDevice {
    store::DeviceRecord device;
    std::string signer_name;
};

/// Where a request's files live.
struct RequestFolders {
    std::filesystem::path requests;       ///< one folder per request: documents, previews, results
    std::filesystem::path signer_images;  ///< <signer id>.png, the image of a visible signature
};

class SignatureRequestService {
public:
    /// The shortest expiry a client may ask for.
    static constexpr std::chrono::seconds min_expiry{30};

    /// All borrowed; they must outlive the service.
    SignatureRequestService(RequestStores stores, audit::AuditLog& audit, const signing::SignerDirectory& signers,
                            TimestampSource& timestamps, const RequestFolders& folders, const Clock& clock,
                            RequestEvents& events, RequestLimits limits, const signing::UntrustedPdfs& untrusted_pdfs,
                            const validate::CollectionSources* long_term = nullptr);

    /// Validates and prepares a new request for `client`. Throws invalid_input (`invalid_document`,
    /// `too_many_documents`, `no_documents`, `not_a_pdf`, `not_xml`, `field_not_found`,
    /// `signature_position_required`, `signature_image_missing`, `invalid_callback_url`,
    /// `expiry_out_of_range`, `invalid_display_text`), policy `signer_not_allowed` and the
    /// certificate checks' errors, not_found `unknown_signer`, conflict `signer_locked`,
    /// `signer_has_no_device`. Audited either way.
    store::SignatureRequest create(const store::ClientRecord& client, const std::string& address,
                                   const NewSignatureRequest& input);

    /// A request of `client`; another client's is not_found `unknown_request` (audited).
    store::SignatureRequest for_client(const std::string& id, const store::ClientRecord& client,
                                       const std::string& address) const;
    /// pending → cancelled by its client. Throws conflict `request_not_pending`, `request_expired`.
    store::SignatureRequest cancel(const std::string& id, const store::ClientRecord& client, const std::string& address);
    /// The signed document `index` of an approved request. Throws conflict `request_not_approved`,
    /// not_found `unknown_document`, not_found `result_removed` once the retention period has passed.
    SignedResult result(const std::string& id, const store::ClientRecord& client, const std::string& address, int index) const;

    /// Enrols a phone with a one-time activation code (store::DeviceStore::enrol's errors), audited
    /// either way.
    EnrolledDevice enrol(const DeviceEnrolment& enrolment, const std::string& address);

    /// The device's signer's pending requests, newest first.
    std::vector<store::SignatureRequest> pending_for(const store::DeviceRecord& device) const;
    /// A request of the device's signer: policy `device_not_for_signer` for another signer's,
    /// not_found `unknown_request` (both audited).
    store::SignatureRequest for_device(const std::string& id, const store::DeviceRecord& device,
                                       const std::string& address) const;
    /// The display name of the client that asked.
    std::string client_name(const store::SignatureRequest& request) const;
    /// The display name of the signer asked, so that a phone shows a person, not an id.
    std::string signer_name(const store::SignatureRequest& request) const;
    /// PNG of the first page of PDF document `index`, rendered once and kept beside the request's
    /// files. Throws not_found `no_preview` for other types and once the request's files are gone.
    std::vector<std::uint8_t> preview(const std::string& id, const store::DeviceRecord& device, const std::string& address,
                                      int index) const;

    /// The approval, with the checks in the contract's order (2 to 7; the device is already
    /// authenticated). `signature` is the base64url r‖s over the approve challenge. Returns the
    /// request approved, or failed when signing failed after activation. A csc_authorization
    /// request passes the same checks and is then approved without signing anything.
    store::SignatureRequest approve(const std::string& id, const store::DeviceRecord& device, const std::string& address,
                                    const std::string& signature, const std::string& pin);
    /// The rejection: the device's signature over the reject challenge; no PIN.
    store::SignatureRequest reject(const std::string& id, const store::DeviceRecord& device, const std::string& address,
                                   const std::string& signature);

    /// Records every pending request past its expiry as expired (audited, callback). Returns how many.
    std::size_t expire_due();
    /// At start-up: requests left activated by a crash become failed `interrupted`; they are never
    /// signed again. Returns how many.
    std::size_t recover_interrupted();
    /// Deletes the folders of requests that ended without a result and of results past the
    /// retention period (a batch per call). Returns how many.
    std::size_t remove_files_due();

    const RequestLimits& limits() const { return limits_; }
    /// The folder of a request's working and result files.
    std::filesystem::path folder_of(const std::string& id) const;

private:
    SignerIdentity identity_of(const store::SignerRecord& signer) const;
    store::SignatureRequest load(const std::string& id) const;
    /// Writes the audit record of a final state, and its callback when the request has a URL, on
    /// the writer's connection.
    void record_completion(const store::Connection& db, const store::SignatureRequest& final_request,
                           const audit::AuditEvent& event, std::chrono::system_clock::time_point now) const;
    /// Checks 2 to 4 of an approval or a rejection: the device's signer, the request still pending,
    /// the device's signature over the `decision` challenge rebuilt from what is stored. Returns the
    /// raw signature.
    std::vector<std::uint8_t> check_decision(const store::SignatureRequest& request, const store::DeviceRecord& device,
                                             Decision decision, const std::string& signature) const;
    store::SignatureRequest sign_activated(store::SignatureRequest request, const Actor& actor);
    /// Step 7 of a csc_authorization request: nothing to sign; activated → approved.
    store::SignatureRequest authorize_activated(store::SignatureRequest request, const Actor& actor);
    void audit_refusal(const std::string& action, const Actor& actor, const std::string& subject, const std::string& code,
                       const std::string& hashes = {}) const;
    /// Right after a request's end without a result was recorded: its files go.
    void discard_files(const std::string& id);

    RequestStores stores_;
    audit::AuditLog& audit_;
    const signing::SignerDirectory& signers_;
    const Clock& clock_;
    RequestEvents& events_;
    RequestLimits limits_;
    const signing::UntrustedPdfs& untrusted_pdfs_;
    DocumentPreparer preparer_;
    RequestFiles files_;
};

}  // namespace sign::mobile
