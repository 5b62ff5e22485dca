#pragma once
// The test PKI's certificates name an OCSP responder at http://127.0.0.1:8443/ocsp. poppler's
// pdfsig asks it (and, in 22.12, reports anything but a clean answer as "Unknown issue with
// Certificate"), so the PAdES tests serve it for real: the project's OcspResponder over the
// PKI's certificate database, signed on the token, behind a minimal HTTP/1.0 listener.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "sign/ocsp_responder.h"
#include "sign/store/certificate_store.h"
#include "sign/hsm/private_key.h"

namespace sign::test {

class OcspServer {
public:
    /// Started on first use, for the rest of the program.
    static OcspServer& shared();
    ~OcspServer();

private:
    OcspServer();
    void serve();
    std::vector<std::uint8_t> answer(const std::vector<std::uint8_t>& request) const;

    std::unique_ptr<store::CertificateStore> store_;
    std::vector<std::unique_ptr<hsm::PrivateKey>> keys_;
    std::vector<std::unique_ptr<OcspResponder>> responders_;
    int listener_ = -1;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace sign::test
