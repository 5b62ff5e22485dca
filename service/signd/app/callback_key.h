#pragma once
// The key that signs callbacks: signd's TLS server key on the token, named in
// each callback by its certificate's serial, so receivers can check a callback
// with the certificate signd serves and that chains to our root.

#include <string>

#include "http/server.h"
#include "sign/data_folder/data_folder.h"

namespace sign::signd {

/// The PKCS#11 URI of the key and the certificate's serial.
struct CallbackKey {
    std::string key_uri;
    std::string certificate_serial;  ///< canonical hex
};

/// The callback key for the TLS material signd serves. Throws not_found `no_tls_certificate`
/// when the certificate is not in the CA database.
CallbackKey callback_key_for(data_folder::DataFolder& data, const TlsMaterial& tls);

}  // namespace sign::signd
