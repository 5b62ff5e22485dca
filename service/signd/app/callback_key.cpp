#include "app/callback_key.h"

#include "sign/certificate.h"
#include "sign/error.h"

namespace sign::signd {

CallbackKey callback_key_for(data_folder::DataFolder& data, const TlsMaterial& tls) {
    std::string serial = Certificate::from_pem(tls.certificate_pem).serial_hex();
    auto record = data.database().certificates().find(serial);
    if (!record || record->key_uri.empty())
        throw Error(ErrorKind::not_found, "no_tls_certificate", "signd's TLS certificate is not in the CA database");
    return {record->key_uri, serial};
}

}  // namespace sign::signd
