#include "app/composition.h"

#include "app/api_v1_routes.h"
#include "app/csc_routes.h"
#include "app/device_routes.h"
#include "app/public_verification_routes.h"
#include "app/signature_request_routes.h"
#include "http/error_catalogue.h"

namespace sign::signd {

namespace {

mobile::RequestStores request_stores(store::Database& database) {
    return {database.signature_requests(), database.signers(), database.devices(), database.clients()};
}

csc::CscStores csc_stores(store::Database& database) {
    return {database.signers(), database.authorizations(), database.devices(), database.signature_requests(),
            database.csc_responses(), database.certificates()};
}

// Our own CA's chain, and its CRLs and OCSP answers through the verification's local fetcher
// (which answers only our own URLs, in-process): a long-term signature here carries data from
// this CA and sends nothing over the network, to ourselves or anyone.
validate::CollectionSources long_term_sources(const OpenedParts& parts) {
    validate::CollectionSources sources;
    sources.trust.trust_anchors.push_back(Certificate::from_pem(parts.ca.root().pem));
    sources.trust.intermediates.push_back(Certificate::from_pem(parts.ca.issuing_ca().pem));
    sources.fetcher = parts.verification_fetchers.offline;
    return sources;
}

}  // namespace

Composition::Composition(const OpenedParts& parts, const ServiceFolders& folders, ServiceLimits limits,
                         std::vector<unsigned char> token_secret, std::string callback_certificate_pem)
    : parts_(parts),
      limits_(std::move(limits)),
      callback_certificate_pem_(std::move(callback_certificate_pem)),
      keys_(parts.token),
      signers_(parts.database.certificates(), parts.ca, keys_, parts.ca.digest()),
      leader_check_(parts.ca, parts.current_crls, parts.clock),
      long_term_sources_(long_term_sources(parts)),
      seals_(signers_, parts.timestamps, folders.seal_images, parts.clock, limits_.seal_schemes, &leader_check_,
             &parts.untrusted_pdfs, &long_term_sources_),
      hash_signer_(signers_),
      request_events_(limits_.long_poll_waiters),
      signature_requests_(request_stores(parts.database), parts.audit, signers_, parts.timestamps,
                          {.requests = folders.signature_requests, .signer_images = folders.signer_images}, parts.clock,
                          request_events_, limits_.signature_requests, parts.untrusted_pdfs, &long_term_sources_),
      client_auth_(parts.database.clients(), parts.database.certificates(), parts.audit, parts.refusals, parts.limits,
                   parts.clock, std::move(token_secret)),
      device_auth_(parts.database.devices(), parts.refusals, parts.limits, parts.clock),
      mobile_edge_{parts.metrics, request_events_, parts.clock},
      csc_(csc_stores(parts.database), parts.audit, hash_signer_, signature_requests_, parts.clock,
           {.signed_hashes = [&metrics = parts.metrics](const std::string& key_type,
                                                         unsigned count) { metrics.count_signature("hash", key_type, count); },
            .stored_error =
                [&metrics = parts.metrics](const Error& error) {
                    if (error.kind() == ErrorKind::token) metrics.count_token_error();
                    auto answer = answer_for(error);
                    if (error.kind() == ErrorKind::internal)
                        return store::CscStoredError{answer.csc_status, answer.csc_error, error.code(),
                                                     "the service failed; nothing was signed"};
                    return store::CscStoredError{answer.csc_status, answer.csc_error,
                                                 std::string(canonical_code(error.code())), error.what()};
                },
            .post = [this](std::function<void()> job) { background_.post(std::move(job)); }},
           {.sad_lifetime = limits_.sad_lifetime}),
      trust_anchors_(folders.data_root),
      evidence_(std::filesystem::path(folders.data_root) / "evidence", parts.clock),
      verifications_(trust_anchors_, parts.verification_fetchers, parts.clock, &evidence_),
      anonymous_verifications_(trust_anchors_, {.offline = parts.verification_fetchers.offline, .online = nullptr}, parts.clock,
                               &evidence_) {
    // Responses a stop interrupted are failed now, so that their clients stop polling.
    parts.database.csc_responses().recover(parts.clock.now());
}

void Composition::add_routes(Router& router) {
    add_api_v1_routes(router, {.auth = client_auth_,
                               .seals = seals_,
                               .verifications = verifications_,
                               .audit = parts_.audit,
                               .clock = parts_.clock,
                               .metrics = parts_.metrics,
                               .max_base64_document = limits_.max_base64_document});
    add_signature_request_routes(router, {.auth = client_auth_,
                                          .requests = signature_requests_,
                                          .edge = mobile_edge_,
                                          .audit = parts_.audit,
                                          .max_base64_document = limits_.max_base64_document,
                                          .callback_certificate_pem = callback_certificate_pem_});
    add_device_routes(router, {.auth = device_auth_,
                               .requests = signature_requests_,
                               .edge = mobile_edge_,
                               .audit = parts_.audit,
                               .limits = parts_.limits});
    add_csc_routes(router, {.auth = client_auth_,
                            .csc = csc_,
                            .timestamps = parts_.tsa,
                            .audit = parts_.audit,
                            .clock = parts_.clock,
                            .metrics = parts_.metrics});
    add_public_verification_routes(router, {.verifications = anonymous_verifications_,
                                            .limits = parts_.limits,
                                            .max_base64_document = limits_.max_base64_document});
}

}  // namespace sign::signd
