#include "app/signing_services.h"

#include "app/token_secret.h"

namespace sign::signd {

SigningServices::SigningServices(data_folder::DataFolder& data, data_folder::LocalTimestamps& timestamps,
                                 const Clock& clock, Metrics& metrics, ServiceLimits limits)
    : keys_(data.token()),
      seals_(data, timestamps, keys_, clock, limits.seal_schemes),
      hash_signer_(data, keys_),
      request_events_(limits.long_poll_waiters),
      signature_requests_(data, timestamps, keys_, clock, request_events_, limits.signature_requests),
      context_{.data = data,
               .clock = clock,
               .queue = data.write_queue(),
               .clients = data.clients(),
               .signers = data.signers(),
               .authorizations = data.authorizations(),
               .audit = data.audit(),
               .timestamps = timestamps,
               .seals = seals_,
               .hash_signer = hash_signer_,
               .metrics = metrics,
               .devices = data.devices(),
               .signature_requests = signature_requests_,
               .request_events = request_events_,
               .callback_certificate_pem = {},
               .token_secret = load_or_create_token_secret(data),
               .max_base64_document = limits.max_base64_document,
               .sad_lifetime = limits.sad_lifetime,
               .csc_responses = data.csc_responses(),
               .background = background_} {
    // Responses a stop interrupted are failed now, so that their clients stop polling.
    data.csc_responses().recover(clock.now());
}

}  // namespace sign::signd
