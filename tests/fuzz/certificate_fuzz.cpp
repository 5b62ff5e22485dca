// DER and PEM certificates and PKCS#10 requests through libsign's parsers (uploaded CSRs,
// certificates in CMS and in verification requests).
#include "fuzz_input.h"
#include "sign/certificate.h"
#include "sign/certificate_request.h"
#include "sign/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    try {
        auto certificate = sign::Certificate::from_der(bytes);
        (void)certificate.subject();
        (void)certificate.serial_hex();
    } catch (const sign::Error&) {
    }
    try {
        (void)sign::Certificate::from_pem(sign::fuzz::text_of(data, size));
    } catch (const sign::Error&) {
    }
    try {
        // What issuance reads from a CSR (CaService::issue): its subject and its key.
        auto request = sign::CertificateRequest::parse(bytes);
        (void)request.subject();
        (void)request.public_key();
    } catch (const sign::Error&) {
    }
    return 0;
}
