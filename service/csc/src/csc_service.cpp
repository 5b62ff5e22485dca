#include "sign/csc/csc_service.h"

#include <algorithm>
#include <memory>

#include "sign/base64.h"
#include "sign/hex.h"
#include "sign/key_policy.h"
#include "sign/random_id.h"

namespace sign::csc {

namespace {

[[noreturn]] void invalid(const std::string& code, const std::string& message) {
    throw Error(ErrorKind::invalid_input, code, message);
}

std::string joined_hex(const Hashes& hashes) {
    std::string joined;
    for (const auto& hash : hashes) {
        if (!joined.empty()) joined += ',';
        joined += to_hex(hash);
    }
    return joined;
}

void check_hash_count(const Hashes& hashes) {
    if (hashes.empty()) invalid("missing_parameter", "Missing (or invalid type) array parameter hashes");
    if (hashes.size() > max_hashes_per_authorization)
        invalid("too_many_hashes", "at most " + std::to_string(max_hashes_per_authorization) + " hashes at once");
}

/// What the phone is asked to approve when a CSC client gives no description.
const std::string default_authorization_text = "Ký số qua CSC";

}  // namespace

CscService::CscService(CscStores stores, audit::AuditLog& audit, const signing::HashSigner& hash_signer,
                       mobile::SignatureRequestService& requests, const Clock& clock, CscHooks hooks, CscSettings settings)
    : stores_(stores), audit_(audit), hash_signer_(hash_signer), requests_(requests), clock_(clock),
      hooks_(std::move(hooks)), settings_(settings) {}

std::chrono::seconds CscService::sad_lifetime() const {
    return std::min<std::chrono::seconds>(settings_.sad_lifetime, store::AuthorizationStore::max_lifetime);
}

std::vector<store::SignerRecord> CscService::credentials(const store::ClientRecord& client) const {
    std::vector<store::SignerRecord> allowed;
    for (auto& signer : stores_.signers.list())
        if (client.scopes.may_ask(signer.id)) allowed.push_back(std::move(signer));
    return allowed;
}

// Another client's credential is answered exactly like an unknown one.
store::SignerRecord CscService::signer_for(const CscCall& call, const std::string& credential_id) const {
    call.event.subject = credential_id;
    auto signer = stores_.signers.find(credential_id);
    if (!signer || !call.client.scopes.may_ask(credential_id))
        throw Error(ErrorKind::not_found, "unknown_credential", "Invalid parameter credentialID");
    return *signer;
}

CredentialInfo CscService::credential(const CscCall& call, const std::string& credential_id) const {
    return describe(signer_for(call, credential_id));
}

CredentialInfo CscService::describe(store::SignerRecord signer) const {
    auto key = hash_signer_.describe(signer);
    auto record = stores_.certificates.find(signer.certificate_serial);
    auto now = clock_.now();
    std::string status = "valid";
    if (!record) status = "unknown";
    else if (record->revoked()) status = "revoked";
    else if (now > record->not_after) status = "expired";
    else if (now < record->not_before) status = "not_yet_valid";
    return CredentialInfo{std::move(signer), std::move(key), status};
}

Authorization CscService::authorize(const CscCall& call, const AuthorizeInput& input) {
    auto signer = signer_for(call, input.credential_id);
    call.event.document_hash = joined_hex(input.hashes);
    check_hash_count(input.hashes);
    if (input.num_signatures < 1 || input.num_signatures > static_cast<long long>(max_hashes_per_authorization))
        invalid("invalid_num_signatures", "numSignatures must be between 1 and " + std::to_string(max_hashes_per_authorization));
    if (static_cast<std::size_t>(input.num_signatures) != input.hashes.size())
        invalid("num_signatures_mismatch", "numSignatures is " + std::to_string(input.num_signatures) + " but " +
                                               std::to_string(input.hashes.size()) + " hashes were sent");
    std::size_t length = accepted_digest_length(input.hash_algorithm_oid);
    if (length == 0) invalid("unsupported_hash_algorithm", "Invalid parameter hashAlgorithmOID");
    for (const auto& hash : input.hashes)
        if (hash.size() != length) invalid("invalid_hash_length", "a hash's length does not match hashAlgorithmOID");
    // Phone approval (asynchronous mode): for phone-only signers, and for the others when the
    // client brings no PIN and there is a phone to ask.
    if (!signer.has_pin || (!input.pin && stores_.devices.has_active_device(signer.id)))
        return authorize_on_phone(call, input, signer);
    if (!input.pin) invalid("missing_pin", "Missing authData entry with id PIN");
    auto now = clock_.now();
    stores_.signers.verify_pin(signer.id, *input.pin, now);
    // The SAD and its audit record commit together: no SAD exists unrecorded.
    std::string sad = stores_.authorizations.issue(
        {.credential_id = signer.id, .client_id = call.client.id, .hashes = input.hashes, .expires_at = now + sad_lifetime()},
        now, [&](const store::Connection& write) { audit_.append(write, call.event, now); });
    return Authorization{sad, sad_lifetime(), std::nullopt};
}

// A signature request whose documents are the hashes, approved on the signer's phone like any
// other; its id is the handle.
Authorization CscService::authorize_on_phone(const CscCall& call, const AuthorizeInput& input,
                                             const store::SignerRecord& signer) {
    mobile::NewSignatureRequest request;
    request.signer = signer.id;
    request.display_text = input.description.value_or(default_authorization_text);
    request.purpose = store::RequestPurpose::csc_authorization;
    for (std::size_t i = 0; i < input.hashes.size(); ++i) {
        mobile::DocumentInput document;
        document.title = "Hash " + std::to_string(i + 1);
        document.type = "hash";
        document.hash = input.hashes[i];
        document.hash_algorithm = accepted_digest_for_oid(input.hash_algorithm_oid).value_or("");  // checked above
        request.documents.push_back(std::move(document));
    }
    auto created = requests_.create(call.client, call.address, request);
    audit_.append(call.event, clock_.now());
    return Authorization{std::nullopt, std::chrono::seconds(0), created.id};
}

Authorization CscService::authorize_check(const CscCall& call, const std::string& handle) {
    call.event.subject = handle;
    auto found = stores_.requests.find(handle);
    // Another client's handle is answered like an unknown one.
    if (!found || found->client_id != call.client.id || found->purpose != store::RequestPurpose::csc_authorization)
        throw Error(ErrorKind::not_found, "invalid_handle", "Invalid parameter handle");
    const store::SignatureRequest& approval = *found;
    Hashes hashes;
    for (const auto& document : approval.documents) hashes.push_back(document.sha256);
    call.event.document_hash = joined_hex(hashes);
    auto now = clock_.now();
    using store::RequestState;
    bool expired = approval.state == RequestState::expired ||
                   (approval.state == RequestState::pending && now >= approval.expires_at);
    if (expired) throw Error(ErrorKind::conflict, "request_expired", "the signer did not approve in time");
    switch (approval.state) {
        case RequestState::pending:
        case RequestState::activated: return Authorization{std::nullopt, std::chrono::seconds(0), handle};
        case RequestState::rejected: throw Error(ErrorKind::conflict, "request_rejected", "the signer rejected the request");
        case RequestState::cancelled: throw Error(ErrorKind::conflict, "request_cancelled", "the request was cancelled");
        case RequestState::failed:
            throw Error(ErrorKind::conflict, "request_failed", "the approval failed: " + approval.error_code.value_or("unknown"));
        case RequestState::expired: throw Error(ErrorKind::conflict, "request_expired", "the signer did not approve in time");
        case RequestState::approved: break;
    }
    if (approval.sad_issued_at) throw Error(ErrorKind::conflict, "sad_already_issued", "SAD already issued");
    // The SAD, the request's mark that it was handed out, and the audit record commit together: a
    // second check (or a race) finds the mark and gets no SAD.
    std::string sad = stores_.authorizations.issue(
        {.credential_id = approval.signer_id, .client_id = call.client.id, .hashes = hashes, .expires_at = now + sad_lifetime()},
        now, [&](const store::Connection& write) {
            store::SignatureRequestStore::hand_out_sad(write, handle, call.client.id, now);
            audit_.append(write, call.event, now);
        });
    return Authorization{sad, sad_lifetime(), std::nullopt};
}

SignHashResult CscService::sign_hash(const CscCall& call, const SignHashInput& input) {
    auto signer = signer_for(call, input.credential_id);
    call.event.document_hash = joined_hex(input.hashes);
    check_hash_count(input.hashes);
    if (input.asynchronous && (input.validity.count() < 1 || input.validity > max_validity))
        invalid("validity_period_out_of_bounds",
                "Out of bounds parameter validity_period (1 to " + std::to_string(max_validity.count()) + " ms)");
    // Every check (algorithm, parameters, hash lengths, the certificate) before the SAD is spent.
    auto now = clock_.now();
    auto signing = hash_signer_.prepare(signer, input.hashes, input.sign_algo, input.hash_algorithm_oid,
                                        input.sign_algo_params, now);
    // Used up on disk before the token is asked, so neither a replay nor a crash can sign twice; its
    // own audit record commits with it, so a crash before the signature's record still leaves the
    // spent SAD on record. An asynchronous call's response row commits with it too, so a spent SAD
    // always has an answer to poll for.
    audit::AuditEvent spent = call.event;
    spent.action = "csc.sad.use";
    std::optional<std::string> response_id;
    if (input.asynchronous) response_id = random_id();
    stores_.authorizations.consume(input.sad, call.client.id, signer.id, input.hashes, now, [&](const store::Connection& write) {
        audit_.append(write, spent, now);
        if (response_id)
            store::CscResponseStore::start(write, {.response_id = *response_id,
                                                   .client_id = call.client.id,
                                                   .credential_id = signer.id,
                                                   .state = store::CscResponseState::running,
                                                   .signatures = {},
                                                   .error = std::nullopt,
                                                   .created_at = now,
                                                   .expires_at = now + input.validity});
    });
    if (response_id) {
        auto job = std::make_shared<signing::HashSigning>(std::move(signing));
        hooks_.post([this, job, hashes = input.hashes, event = call.event, id = *response_id] {
            sign_in_background(*job, hashes, event, id);
        });
        return SignHashResult{{}, response_id};
    }
    auto signatures = hash_signer_.sign(signing, input.hashes);
    audit_.append(call.event, clock_.now());
    hooks_.signed_hashes(signing.key_type, static_cast<unsigned>(signatures.size()));
    return SignHashResult{std::move(signatures), std::nullopt};
}

void CscService::sign_in_background(const signing::HashSigning& signing, const Hashes& hashes, audit::AuditEvent event,
                                    const std::string& response_id) {
    std::optional<store::CscStoredError> failure;
    std::vector<std::string> encoded;
    try {
        auto signatures = hash_signer_.sign(signing, hashes);
        hooks_.signed_hashes(signing.key_type, static_cast<unsigned>(signatures.size()));
        for (const auto& signature : signatures) encoded.push_back(encode_base64(signature));
    } catch (const Error& error) {
        failure = hooks_.stored_error(error);
    } catch (const std::exception&) {
        failure = store::CscStoredError{500, "server_error", "internal_error", "the service failed; nothing was signed"};
    }
    event.result = failure ? failure->code : "ok";
    audit_.append(event, clock_.now());
    if (failure) stores_.responses.fail(response_id, *failure);
    else stores_.responses.complete(response_id, encoded);
}

store::CscResponse CscService::poll(const CscCall& call, const std::string& response_id) const {
    call.event.subject = response_id;
    auto response = stores_.responses.find(response_id, clock_.now());
    if (!response || response->client_id != call.client.id)
        throw Error(ErrorKind::not_found, "invalid_request_id", "Invalid parameter requestID");
    return *response;
}

}  // namespace sign::csc
