#pragma once
// The demo PKI: the one list of certificates a fresh data folder gets for the
// README's demo and for the tests (certs-test/make-test-pki runs `signctl demo
// init`, signd --demo calls this directly): root and issuing CA, an agency
// seal, a leader with a title, a citizen, the TSA, the OCSP responder and the
// service's TLS certificate, every key on the folder's own token.

#include <functional>
#include <string>

#include "sign/data_folder/data_folder.h"

namespace sign::data_folder {

/// Default names of the CA hierarchy (`signctl ca init` and the demo PKI).
inline constexpr const char* default_root_subject =
    "CN=Cơ quan chứng thực gốc thành phố Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,L=Đà Nẵng,C=VN";
inline constexpr const char* default_issuing_subject =
    "CN=Cơ quan chứng thực chính quyền thành phố Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,L=Đà Nẵng,C=VN";

struct DemoPkiOptions {
    std::string base_url = "http://127.0.0.1:8443";  ///< written into CRL and AIA URLs (only at init)
    std::string ca_key_type = "rsa-3072";
    std::string actor = "signctl";  ///< who the audit log names for each certificate issued
};

/// Creates in `data` whatever of the demo PKI is missing, skipping each step already done, so it
/// can run again on the same folder: init, CA hierarchy, the end-entity certificates (written to
/// <data>/certs/<label>.pem, keys labelled <label>), both CRLs, and the CA certificates copied to
/// <data>/certs/. Each step's outcome goes to `progress` ("agency-seal: issued").
void ensure_demo_pki(DataFolder& data, const DemoPkiOptions& options,
                     const std::function<void(const std::string&)>& progress = {});

}  // namespace sign::data_folder
