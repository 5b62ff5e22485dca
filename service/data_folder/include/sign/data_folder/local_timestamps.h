#pragma once
// The data folder's own time-stamping authority: the newest valid certificate
// of profile "tsa" whose key is the token object labelled "tsa", and a client
// that reaches it in-process and trusts only our root. signctl uses it for
// B-T signatures; signd also serves it over HTTP.

#include <optional>

#include "sign/clock.h"
#include "sign/data_folder/data_folder.h"
#include "sign/hsm/private_key.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_client.h"

namespace sign::data_folder {

class LocalTimestamps {
public:
    /// Finds the TSA certificate and key; throws not_found `no_local_tsa` when there is none.
    /// `clock` is borrowed and must outlive this object; the others are read here only.
    LocalTimestamps(hsm::Token& token, const store::CertificateStore& certificates, const ca::CaService& ca,
                    const Clock& clock);
    LocalTimestamps(const LocalTimestamps&) = delete;
    LocalTimestamps& operator=(const LocalTimestamps&) = delete;

    /// The authority, to answer RFC 3161 requests.
    TimestampAuthority& authority() { return *authority_; }
    /// A client of the authority that verifies each token it gets, for B-T signatures.
    TimestampClient& client() { return *client_; }

private:
    hsm::PrivateKey key_;
    std::optional<TimestampAuthority> authority_;
    std::optional<TimestampClient> client_;
};

}  // namespace sign::data_folder
