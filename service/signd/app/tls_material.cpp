#include "app/tls_material.h"

#include "sign/error.h"
#include "sign/hsm/errors.h"

namespace sign::signd {

TlsMaterial find_tls_material(data_folder::DataFolder& data, std::chrono::system_clock::time_point now) {
    auto candidates = data.database().certificates().list(std::string("tls-server"), false);
    // Issue order: walk from the newest back to the first that is valid and has its key.
    for (auto record = candidates.rbegin(); record != candidates.rend(); ++record) {
        if (record->key_uri.empty() || now < record->not_before || record->not_after < now) continue;
        std::optional<hsm::PrivateKey> key;
        try {
            key.emplace(data.token().private_key(record->key_uri));
        } catch (const hsm::KeyNotFound&) {
            continue;  // issued for a key since destroyed, or for a CSR
        }
        TlsMaterial material;
        material.certificate_pem = record->pem;
        material.chain_pem = data.ca().issuing_ca().pem;
        material.client_trust_pem = data.ca().root().pem + data.ca().issuing_ca().pem;
        material.key = std::shared_ptr<EVP_PKEY>(key->long_lived_evp_pkey().release(), EVP_PKEY_free);
        return material;
    }
    throw Error(ErrorKind::not_found, "no_tls_certificate",
                "the data folder has no valid tls-server certificate with its key on the token: issue one with "
                "`signctl cert issue --profile tls-server --label tls-server --subject CN=... --dns ...`");
}

}  // namespace sign::signd
