#include "sign/mobile/signature_request_service.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "encoding.h"
#include "sign/random_id.h"
#include "sign/base64.h"
#include "sign/atomic_file.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/mobile/approval_challenge.h"
#include "sign/mobile/device_signature.h"
#include "sign/mobile/request_json.h"
#include "sign/signer_checks.h"
#include "sign/store/callback_queue.h"
#include "sign/url.h"
#include "sign/utc_time.h"

namespace sign::mobile {

namespace fs = std::filesystem;
using store::RequestState;
using store::SignatureRequest;

namespace {

std::size_t utf8_length(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string hashes_of(const SignatureRequest& request) {
    std::string joined;
    for (const auto& document : request.documents) joined += (joined.empty() ? "" : ",") + to_hex(document.sha256);
    return joined;
}

// Check 3 of an approval: the request is still open. Expired, whether the sweeper recorded it yet
// or not, has its own code.
void require_pending(const SignatureRequest& request, std::chrono::system_clock::time_point now) {
    bool expired = request.state == RequestState::expired || (request.state == RequestState::pending && now >= request.expires_at);
    if (expired) throw Error(ErrorKind::conflict, "request_expired", "the request has expired");
    if (request.state != RequestState::pending)
        throw Error(ErrorKind::conflict, "request_not_pending", "the request is " + public_state(request, now));
}

std::string device_actor(const store::DeviceRecord& device) { return "device:" + device.id; }

// signd itself, for what no caller asked: expiry and crash recovery.
const Actor signd_actor{"signd", ""};

// The audit record of a step of `request`, with its document hashes.
audit::AuditEvent request_event(const std::string& action, const Actor& actor, const SignatureRequest& request,
                                const std::string& result) {
    return {.action = action,
            .actor = actor.id,
            .client_address = actor.address,
            .subject = request.id,
            .document_hash = hashes_of(request),
            .result = result};
}

// `request` as it is once it has left pending or activated for `state` at `now`.
SignatureRequest ended(const SignatureRequest& request, RequestState state, std::chrono::system_clock::time_point now) {
    SignatureRequest final_request = request;
    final_request.state = state;
    final_request.completed_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
    return final_request;
}

std::vector<std::uint8_t> read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::internal, "result_missing", "a stored result cannot be read");
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

SignatureRequestService::SignatureRequestService(RequestStores stores, audit::AuditLog& audit,
                                                 const signing::SignerDirectory& signers, TimestampSource& timestamps,
                                                 const RequestFolders& folders, const Clock& clock, RequestEvents& events,
                                                 RequestLimits limits, const signing::UntrustedPdfs& untrusted_pdfs,
                                                 const validate::CollectionSources* long_term)
    : stores_(stores), audit_(audit), signers_(signers), clock_(clock), events_(events), limits_(limits),
      untrusted_pdfs_(untrusted_pdfs),
      preparer_(signers.certificates(), timestamps, folders.signer_images, clock, untrusted_pdfs, long_term),
      files_(stores.requests, folders.requests, limits.result_retention) {}

fs::path SignatureRequestService::folder_of(const std::string& id) const { return files_.folder_of(id); }

void SignatureRequestService::discard_files(const std::string& id) {
    // The end is committed and answered either way; what is left here, the sweeper removes.
    try {
        files_.remove(id, clock_.now());
    } catch (const std::exception&) {
    }
}

std::size_t SignatureRequestService::remove_files_due() { return files_.remove_due(clock_.now()); }

void SignatureRequestService::audit_refusal(const std::string& action, const Actor& actor, const std::string& subject,
                                            const std::string& code, const std::string& hashes) const {
    audit_.append({.action = action,
                          .actor = actor.id,
                          .client_address = actor.address,
                          .subject = subject,
                          .document_hash = hashes,
                          .result = code},
                         clock_.now());
}

SignerIdentity SignatureRequestService::identity_of(const store::SignerRecord& signer) const {
    auto parsed = signers_.certificate(signer.certificate_serial);
    std::vector<Certificate> chain;
    for (const auto& ca : parsed->chain) chain.push_back(ca.copy());
    return SignerIdentity{signers_.key(signer.key_uri), parsed->certificate.copy(), std::move(chain), signer.id, signer.scheme};
}

SignatureRequest SignatureRequestService::load(const std::string& id) const {
    auto request = stores_.requests.find(id);
    if (!request) throw Error(ErrorKind::not_found, "unknown_request", "there is no signature request " + id);
    return *request;
}

void SignatureRequestService::record_completion(const store::Connection& db, const SignatureRequest& final_request,
                                                const audit::AuditEvent& event,
                                                std::chrono::system_clock::time_point now) const {
    audit_.append(db, event, now);
    if (!final_request.callback_url) return;
    std::string event_id = random_id();
    nlohmann::json body = {{"event", "signature-request.completed"},
                           {"eventId", event_id},
                           {"sentAt", format_utc(now)},
                           {"request", request_json(final_request, now)}};
    store::CallbackQueue::enqueue(db, event_id, final_request.id, *final_request.callback_url, body.dump(), now);
}

SignatureRequest SignatureRequestService::create(const store::ClientRecord& client, const std::string& address,
                                                 const NewSignatureRequest& input) {
    const Actor actor{client.id, address};
    const std::string action = "signature_request.create";
    auto now = clock_.now();
    SignatureRequest request;
    request.id = random_id();
    std::string hashes;
    try {
        if (!client.scopes.may_ask(input.signer) || client.scopes.verify_only)
            throw Error(ErrorKind::policy, "signer_not_allowed", "this client may not ask '" + input.signer + "' to sign");
        auto signer = stores_.signers.find(input.signer);
        if (!signer) throw Error(ErrorKind::not_found, "unknown_signer", "there is no signer '" + input.signer + "'");
        if (input.display_text.empty() || utf8_length(input.display_text) > 500)
            throw Error(ErrorKind::invalid_input, "invalid_display_text", "displayText is 1 to 500 characters");
        if (input.documents.empty()) throw Error(ErrorKind::invalid_input, "no_documents", "a request needs a document");
        if (input.documents.size() > store::SignatureRequestStore::max_documents)
            throw Error(ErrorKind::invalid_input, "too_many_documents", "a request has at most 50 documents");
        for (std::size_t i = 0; i < input.documents.size(); ++i) {
            std::size_t length = utf8_length(input.documents[i].title);
            if (length == 0 || length > 200)
                throw Error(ErrorKind::invalid_input, "invalid_document",
                            "document " + std::to_string(i) + ": a title is 1 to 200 characters");
        }
        // Checked and used in normal form (RFC 3986), so "…/cb/../admin" is matched as the "/admin" it reaches.
        std::optional<HttpUrl> callback;
        if (input.callback_url) callback = HttpUrl::try_parse(*input.callback_url);
        if (input.callback_url && (!callback || !store::valid_callback_url(*input.callback_url)))
            throw Error(ErrorKind::invalid_input, "invalid_callback_url",
                        "callbackUrl must be an absolute http or https URL without user information");
        if (callback && !callback->is_allowed_by_any(client.scopes.callback_urls))
            throw Error(ErrorKind::policy, "callback_url_not_allowed",
                        "this client may not have callbacks sent to " + *input.callback_url +
                            "; an administrator allows its URLs with signctl client add --callback-url");
        long long expiry = input.expires_in_seconds.value_or(limits_.default_expiry.count());
        if (expiry < min_expiry.count() || expiry > limits_.max_expiry.count())
            throw Error(ErrorKind::invalid_input, "expiry_out_of_range",
                        "expiresInSeconds is " + std::to_string(min_expiry.count()) + " to " +
                            std::to_string(limits_.max_expiry.count()));
        if (signer->locked()) throw Error(ErrorKind::conflict, "signer_locked", "the signer is locked after wrong PINs");
        if (!stores_.devices.has_active_device(signer->id))
            throw Error(ErrorKind::conflict, "signer_has_no_device", "the signer has no enrolled device to approve on");

        // Each document's preparation checks the signer's certificate (validity, revocation,
        // Circular 15) before anything is stored.
        SignerIdentity identity = identity_of(*signer);

        request.client_id = client.id;
        request.signer_id = signer->id;
        request.display_text = input.display_text;
        if (callback) request.callback_url = callback->to_string();
        request.purpose = input.purpose;
        request.state = RequestState::pending;
        request.nonce = random_bytes(32);
        request.created_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
        request.expires_at = request.created_at + std::chrono::seconds(expiry);

        fs::path folder = folder_of(request.id);
        fs::create_directories(folder);
        fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace);
        try {
            for (std::size_t i = 0; i < input.documents.size(); ++i)
                request.documents.push_back(preparer_.prepare(identity, input.documents[i], static_cast<int>(i), folder));
            hashes = hashes_of(request);
            audit::AuditEvent event = request_event(action, actor, request, "ok");
            stores_.requests.create(request, [&](const store::Connection& db) {
                audit_.append(db, event, now);
            });
        } catch (...) {
            std::error_code ignored;
            fs::remove_all(folder, ignored);
            throw;
        }
    } catch (const Error& error) {
        audit_refusal(action, actor, input.signer, error.code(), hashes);
        throw;
    }
    events_.notify();
    return request;
}

SignatureRequest SignatureRequestService::for_client(const std::string& id, const store::ClientRecord& client,
                                                     const std::string& address) const {
    auto request = stores_.requests.find(id);
    if (!request || request->client_id != client.id) {
        audit_refusal("signature_request.read", {client.id, address}, id, "unknown_request");
        throw Error(ErrorKind::not_found, "unknown_request", "there is no signature request " + id + " of this client");
    }
    return *request;
}

SignatureRequest SignatureRequestService::cancel(const std::string& id, const store::ClientRecord& client,
                                                 const std::string& address) {
    const std::string action = "signature_request.cancel";
    SignatureRequest request = for_client(id, client, address);
    auto now = clock_.now();
    SignatureRequest final_request = ended(request, RequestState::cancelled, now);
    audit::AuditEvent event = request_event(action, {client.id, address}, request, "ok");
    try {
        stores_.requests.decide(id, RequestState::cancelled, now, {},
                                          [&](const store::Connection& db) { record_completion(db, final_request, event, now); });
    } catch (const Error& error) {
        audit_refusal(action, {client.id, address}, id, error.code());
        throw;
    }
    discard_files(id);
    events_.notify();
    return load(id);
}

SignedResult SignatureRequestService::result(const std::string& id, const store::ClientRecord& client,
                                             const std::string& address, int index) const {
    SignatureRequest request = for_client(id, client, address);
    if (request.state != RequestState::approved)
        throw Error(ErrorKind::conflict, "request_not_approved", "the request is " + public_state(request, clock_.now()));
    if (index < 0 || static_cast<std::size_t>(index) >= request.documents.size() ||
        request.purpose == store::RequestPurpose::csc_authorization)
        throw Error(ErrorKind::not_found, "unknown_document", "the request has no signed document " + std::to_string(index));
    const Error removed(ErrorKind::not_found, "result_removed",
                        "the signed documents were deleted when their retention period ended");
    if (request.files_removed_at) throw removed;
    const auto& document = request.documents[static_cast<std::size_t>(index)];
    fs::path path = DocumentPreparer::result_path(folder_of(id), index);
    // The sweeper deletes the folder before it records that; a reader in between sees no file.
    if (!fs::exists(path) && load(id).files_removed_at) throw removed;
    return {DocumentPreparer::result_media_type(document.type), read_all(path)};
}

EnrolledDevice SignatureRequestService::enrol(const DeviceEnrolment& enrolment, const std::string& address) {
    audit::AuditEvent event{.action = "device.enrol",
                            .actor = "anonymous",
                            .client_address = address,
                            .subject = "",
                            .document_hash = "",
                            .result = "ok"};
    store::DeviceRecord device;
    try {
        device = stores_.devices.enrol(enrolment.activation_code, enrolment.public_key, enrolment.pin, enrolment.name,
                                       clock_.now());
    } catch (const Error& error) {
        event.result = error.code();
        audit_.append(event, clock_.now());
        throw;
    }
    event.actor = "device:" + device.id;
    event.subject = device.signer_id;
    audit_.append(event, clock_.now());
    auto signer = stores_.signers.find(device.signer_id);
    return EnrolledDevice{device, signer ? signer->display_name : device.signer_id};
}

std::vector<SignatureRequest> SignatureRequestService::pending_for(const store::DeviceRecord& device) const {
    return stores_.requests.pending_for_signer(device.signer_id, clock_.now());
}

SignatureRequest SignatureRequestService::for_device(const std::string& id, const store::DeviceRecord& device,
                                                     const std::string& address) const {
    auto request = stores_.requests.find(id);
    if (!request) {
        audit_refusal("signature_request.read", {device_actor(device), address}, id, "unknown_request");
        throw Error(ErrorKind::not_found, "unknown_request", "there is no signature request " + id);
    }
    if (request->signer_id != device.signer_id) {
        audit_refusal("signature_request.read", {device_actor(device), address}, id, "device_not_for_signer");
        throw Error(ErrorKind::policy, "device_not_for_signer", "this device belongs to another signer");
    }
    return *request;
}

std::string SignatureRequestService::client_name(const SignatureRequest& request) const {
    auto client = stores_.clients.find(request.client_id);
    return client ? client->name : request.client_id;
}

std::string SignatureRequestService::signer_name(const SignatureRequest& request) const {
    auto signer = stores_.signers.find(request.signer_id);
    return signer && !signer->display_name.empty() ? signer->display_name : request.signer_id;
}

std::vector<std::uint8_t> SignatureRequestService::preview(const std::string& id, const store::DeviceRecord& device,
                                                           const std::string& address, int index) const {
    SignatureRequest request = for_device(id, device, address);
    if (index < 0 || static_cast<std::size_t>(index) >= request.documents.size() ||
        request.documents[static_cast<std::size_t>(index)].type != "pdf")
        throw Error(ErrorKind::not_found, "no_preview", "only PDF documents have a preview");
    fs::path original = DocumentPreparer::original_path(folder_of(id), index);
    if (request.files_removed_at || !fs::exists(original))
        throw Error(ErrorKind::not_found, "no_preview", "the request's documents have been deleted");
    fs::path cached = folder_of(id) / (std::to_string(index) + ".preview.png");
    if (fs::exists(cached)) return read_all(cached);
    auto png = untrusted_pdfs_.render_first_page(read_all(original));
    write_file_atomically(cached.string(), std::string(png.begin(), png.end()), 0600);
    return png;
}

std::vector<std::uint8_t> SignatureRequestService::check_decision(const SignatureRequest& request,
                                                                  const store::DeviceRecord& device, Decision decision,
                                                                  const std::string& signature) const {
    // 2. the device's signer
    if (request.signer_id != device.signer_id)
        throw Error(ErrorKind::policy, "device_not_for_signer", "this device belongs to another signer");
    // 3. pending and not expired
    require_pending(request, clock_.now());
    // 4. the device's signature over the challenge rebuilt from what is stored
    auto raw = decode_base64url(signature);
    if (!raw || !verify_device_signature(device.public_key_spki, approval_challenge(request, decision), *raw))
        throw Error(ErrorKind::invalid_input, "approval_signature_invalid",
                    std::string("the signature does not verify over this request's ") +
                        (decision == Decision::approve ? "approval" : "reject") + " challenge");
    return *raw;
}

SignatureRequest SignatureRequestService::approve(const std::string& id, const store::DeviceRecord& device,
                                                  const std::string& address, const std::string& signature,
                                                  const std::string& pin) {
    const std::string action = "signature_request.approve";
    const Actor actor{device_actor(device), address};
    SignatureRequest request;
    std::vector<std::uint8_t> approval_hash;
    try {
        request = load(id);
        approval_hash = sha256(check_decision(request, device, Decision::approve, signature));
        // 5. not locked, then the PIN: the store refuses a locked signer before looking at the PIN,
        // and counts a wrong one durably before it throws.
        stores_.devices.verify_pin(device.id, pin, clock_.now());
        // 6. pending → activated with its audit record, in one durable write
        auto now = clock_.now();
        audit::AuditEvent activated = request_event("signature_request.activate", actor, request, "ok");
        stores_.requests.activate(id, device.id, approval_hash, now, [&](const store::Connection& db) {
            audit_.append(db, activated, now);
        });
    } catch (const Error& error) {
        audit_refusal(action, actor, id, error.code(), hashes_of(request));
        if (error.code() == "signer_locked" || error.code() == "wrong_pin") events_.notify();
        throw;
    }
    request.state = RequestState::activated;
    request.device_id = device.id;
    // 7. sign and finish; an authorization for a CSC client has nothing to sign here
    if (request.purpose == store::RequestPurpose::csc_authorization) return authorize_activated(std::move(request), actor);
    return sign_activated(std::move(request), actor);
}

SignatureRequest SignatureRequestService::authorize_activated(SignatureRequest request, const Actor& actor) {
    auto now = clock_.now();
    SignatureRequest final_request = ended(request, RequestState::approved, now);
    audit::AuditEvent event = request_event("signature_request.approve", actor, request, "ok");
    stores_.requests.finish(request.id, RequestState::approved, now, {}, {},
                                      [&](const store::Connection& db) { record_completion(db, final_request, event, now); });
    events_.notify();
    return load(request.id);
}

SignatureRequest SignatureRequestService::sign_activated(SignatureRequest request, const Actor& actor) {
    std::optional<Error> failure;
    try {
        auto signer = stores_.signers.find(request.signer_id);
        if (!signer) throw Error(ErrorKind::not_found, "unknown_signer", "the request's signer no longer exists");
        SignerIdentity identity = identity_of(*signer);
        // The certificate may have been revoked or have expired since the request was made.
        check_signer(identity.signer(signer_signing(identity)), &signers_.certificates(), clock_.now());
        // Exactly the stored digests, once each.
        std::vector<std::vector<std::uint8_t>> values;
        for (const auto& document : request.documents) {
            DocumentSigning fixed = DocumentPreparer::signing_of(document);
            values.push_back(sign_digest(identity.key, fixed.scheme, fixed.digest_name, document.digest));
        }
        fs::path folder = folder_of(request.id);
        for (std::size_t i = 0; i < request.documents.size(); ++i)
            preparer_.finish(identity, request.documents[i], values[i], folder);
        for (const auto& document : request.documents) {
            std::error_code ignored;
            fs::remove(folder / (std::to_string(document.index) + ".prepared.pdf"), ignored);
        }
    } catch (const Error& error) {
        failure = error;
    } catch (const std::exception& error) {
        failure = Error(ErrorKind::internal, "signing_failed", error.what());
    }

    auto now = clock_.now();
    SignatureRequest final_request = ended(request, failure ? RequestState::failed : RequestState::approved, now);
    if (failure) {
        final_request.error_code = failure->code();
        final_request.error_detail = failure->what();
    }
    audit::AuditEvent event = request_event("signature_request.approve", actor, request, failure ? failure->code() : "ok");
    stores_.requests.finish(request.id, final_request.state, now, final_request.error_code,
                                      final_request.error_detail, [&](const store::Connection& db) {
                                          // Each signed document is a signature of its own on record,
                                          // committed with the request's end.
                                          if (!failure)
                                              for (const auto& document : request.documents)
                                                  audit_.append(db,
                                                                {.action = "signature_request.document",
                                                                 .actor = actor.id,
                                                                 .client_address = actor.address,
                                                                 .subject = request.id + "/" + std::to_string(document.index),
                                                                 .document_hash = to_hex(document.sha256),
                                                                 .result = "ok"},
                                                                now);
                                          record_completion(db, final_request, event, now);
                                      });
    if (failure) discard_files(request.id);
    events_.notify();
    return load(request.id);
}

SignatureRequest SignatureRequestService::reject(const std::string& id, const store::DeviceRecord& device,
                                                 const std::string& address, const std::string& signature) {
    const std::string action = "signature_request.reject";
    const Actor actor{device_actor(device), address};
    SignatureRequest request;
    try {
        request = load(id);
        check_decision(request, device, Decision::reject, signature);
        auto now = clock_.now();
        SignatureRequest final_request = ended(request, RequestState::rejected, now);
        final_request.device_id = device.id;
        audit::AuditEvent event = request_event(action, actor, request, "ok");
        stores_.requests.decide(id, RequestState::rejected, now, device.id,
                                          [&](const store::Connection& db) { record_completion(db, final_request, event, now); });
    } catch (const Error& error) {
        audit_refusal(action, actor, id, error.code(), hashes_of(request));
        throw;
    }
    discard_files(id);
    events_.notify();
    return load(id);
}

std::size_t SignatureRequestService::expire_due() {
    std::size_t count = 0;
    auto now = clock_.now();
    for (const auto& id : stores_.requests.due_for_expiry(now)) {
        auto request = stores_.requests.find(id);
        if (!request) continue;
        SignatureRequest final_request = ended(*request, RequestState::expired, now);
        audit::AuditEvent event = request_event("signature_request.expire", signd_actor, *request, "ok");
        try {
            stores_.requests.decide(id, RequestState::expired, now, {}, [&](const store::Connection& db) {
                record_completion(db, final_request, event, now);
            });
            discard_files(id);
            ++count;
        } catch (const Error& error) {
            if (error.kind() != ErrorKind::conflict) throw;  // decided meanwhile
        }
    }
    if (count > 0) events_.notify();
    return count;
}

std::size_t SignatureRequestService::recover_interrupted() {
    std::size_t count = 0;
    for (const auto& id : stores_.requests.activated()) {
        auto request = stores_.requests.find(id);
        if (!request) continue;
        auto now = clock_.now();
        SignatureRequest final_request = ended(*request, RequestState::failed, now);
        final_request.error_code = "interrupted";
        final_request.error_detail = "signd stopped while the request was being signed; it was not signed";
        audit::AuditEvent event = request_event("signature_request.approve", signd_actor, *request, "interrupted");
        stores_.requests.finish(id, RequestState::failed, now, final_request.error_code,
                                          final_request.error_detail,
                                          [&](const store::Connection& db) { record_completion(db, final_request, event, now); });
        discard_files(id);
        ++count;
    }
    return count;
}

}  // namespace sign::mobile
