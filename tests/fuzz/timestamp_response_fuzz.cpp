// RFC 3161 responses as TimestampClient reads them from a TSA: the transport hands back the
// fuzzer's bytes instead of a TSA's answer.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "fuzz_input.h"
#include "sign/certificate.h"
#include "sign/clock.h"
#include "sign/error.h"
#include "sign/timestamp_client.h"

namespace {

// A throwaway self-signed anchor: responses are parsed and checked against it, never trusted.
std::vector<std::uint8_t> make_anchor() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* certificate = X509_new();
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("fuzz anchor"), -1, -1, 0);
    X509_set_issuer_name(certificate, X509_get_subject_name(certificate));
    X509_set_pubkey(certificate, key);
    X509_sign(certificate, key, EVP_sha256());
    unsigned char* der = nullptr;
    int length = i2d_X509(certificate, &der);
    std::vector<std::uint8_t> anchor(der, der + length);
    OPENSSL_free(der);
    X509_free(certificate);
    EVP_PKEY_free(key);
    return anchor;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<std::uint8_t> anchor_der = make_anchor();
    static const sign::SystemClock clock;
    std::vector<std::uint8_t> response(data, data + size);
    sign::TimestampClient client([&](const std::vector<std::uint8_t>&) { return response; },
                                 sign::Certificate::from_der(anchor_der), {}, clock);
    std::vector<std::uint8_t> digest(32, 0x5a);
    try {
        (void)client.timestamp("sha256", digest);
    } catch (const sign::Error&) {
    }
    return 0;
}
