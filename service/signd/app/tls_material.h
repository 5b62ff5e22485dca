#pragma once
// Finds signd's TLS certificate and key in the data folder.

#include "http/server.h"
#include "sign/data_folder/data_folder.h"

namespace sign::signd {

/// The newest currently valid certificate of profile "tls-server" whose key is on the token, its
/// token-backed key (hsm::PrivateKey::long_lived_evp_pkey: the key stays on the token), the issuing
/// CA as chain, and root plus issuing CA as the anchors for client certificates.
/// Throws not_found `no_tls_certificate` when there is none.
TlsMaterial find_tls_material(data_folder::DataFolder& data, std::chrono::system_clock::time_point now);

}  // namespace sign::signd
