#include "app/signing_services.h"

#include "app/token_secret.h"

namespace sign::signd {

SigningServices::SigningServices(data_folder::DataFolder& data, data_folder::LocalTimestamps& timestamps,
                                 const Clock& clock, Metrics& metrics, ServiceLimits limits)
    : keys_(data.token()),
      seals_(data, timestamps, keys_, clock),
      hash_signer_(data, keys_),
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
               .token_secret = load_or_create_token_secret(data),
               .max_base64_document = limits.max_base64_document,
               .sad_lifetime = limits.sad_lifetime} {}

}  // namespace sign::signd
