#include "sign/timestamp_authority.h"

#include <memory>

#include <openssl/objects.h>
#include <openssl/ts.h>

#include "../x509/openssl_util.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/serial_number.h"

namespace sign {
namespace {

using TsRespCtxPtr = std::unique_ptr<TS_RESP_CTX, OpenSslDeleter<TS_RESP_CTX_free>>;

// The digests a client may time-stamp with: SHA-256 or stronger, as key_policy.h allows.
const EVP_MD* const accepted_imprint_digests[] = {EVP_sha256(), EVP_sha384(), EVP_sha512(),
                                                  EVP_sha3_256(), EVP_sha3_384(), EVP_sha3_512()};

ASN1_INTEGER* fresh_serial(TS_RESP_CTX*, void*) {
    try {
        return random_serial().release();
    } catch (...) {
        return nullptr;  // OpenSSL turns this into a rejection/systemFailure response
    }
}

int clock_time(TS_RESP_CTX*, void* data, long* seconds, long* microseconds) {
    const auto* clock = static_cast<const Clock*>(data);
    auto now = std::chrono::time_point_cast<std::chrono::microseconds>(clock->now()).time_since_epoch();
    *seconds = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    *microseconds = static_cast<long>((now % std::chrono::seconds(1)).count());
    return 1;
}

std::vector<std::uint8_t> encode(TS_RESP* response) { return detail::to_der(response, i2d_TS_RESP, "the time-stamp response"); }

// True when OpenSSL's answer to a well-formed request reports a failure of ours (key, OpenSSL)
// rather than of the request: every request fault carries a failure-info bit, our own
// failures carry none or systemFailure.
bool generation_failed(TS_RESP* response) {
    TS_STATUS_INFO* status = TS_RESP_get_status_info(response);
    if (ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status)) != TS_STATUS_REJECTION) return false;
    const ASN1_BIT_STRING* failure = TS_STATUS_INFO_get0_failure_info(status);
    if (failure == nullptr || ASN1_BIT_STRING_get_bit(failure, TS_INFO_SYSTEM_FAILURE)) return true;
    for (int bit = 0; bit < ASN1_STRING_length(failure) * 8; ++bit)
        if (ASN1_BIT_STRING_get_bit(failure, bit)) return false;
    return true;
}

// An empty read BIO (BIO_new_mem_buf refuses a null pointer even for zero bytes).
BioPtr empty_bio() {
    static const unsigned char nothing = 0;
    BioPtr bio(BIO_new_mem_buf(&nothing, 0));
    if (!bio) detail::throw_openssl("out_of_memory", "cannot create a memory BIO");
    return bio;
}

}  // namespace

TimestampAuthority::TimestampAuthority(Certificate certificate, const SigningKey& key, std::vector<Certificate> chain,
                                       const Clock& clock, TimestampAuthorityOptions options)
    : certificate_(std::move(certificate)), key_(key), chain_(std::move(chain)), clock_(clock),
      options_(std::move(options)) {
    EvpPkeyPtr public_key = key_.public_key();
    check_key(public_key.get());
    check_digest(options_.digest);
    if (!detail::same_public_key(public_key.get(), X509_get0_pubkey(certificate_.native())))
        throw Error(ErrorKind::invalid_input, "tsa_key_mismatch",
                    "the key " + key_.uri() + " does not belong to the TSA certificate");
    // OpenSSL's timestamp-signing purpose is RFC 3161 2.3: extendedKeyUsage present, critical, timeStamping only.
    if (X509_check_purpose(certificate_.native(), X509_PURPOSE_TIMESTAMP_SIGN, 0) != 1)
        throw Error(ErrorKind::invalid_input, "tsa_certificate_unfit",
                    "the TSA certificate must have a critical extended key usage of exactly timeStamping");
    Asn1ObjectPtr policy(OBJ_txt2obj(options_.policy_oid.c_str(), 1));
    if (!policy) {
        drain_openssl_errors();
        throw Error(ErrorKind::invalid_input, "invalid_policy_oid",
                    "the TSA policy '" + options_.policy_oid + "' is not a dotted object identifier");
    }
    if (options_.accuracy < std::chrono::milliseconds(1) || options_.accuracy >= std::chrono::hours(1))
        throw Error(ErrorKind::invalid_input, "invalid_accuracy",
                    "the TSA accuracy must be between 1 millisecond and 1 hour");
}

std::vector<std::uint8_t> TimestampAuthority::respond(std::span<const std::uint8_t> der_request) const {
    // OpenSSL reads the first object from a BIO and ignores what follows; we want exactly one
    // TimeStampReq. Anything else never reaches the token: OpenSSL is handed nothing, which it
    // answers with rejection/badDataFormat before it looks for a key.
    const unsigned char* cursor = der_request.data();
    TsReqPtr request(d2i_TS_REQ(nullptr, &cursor, static_cast<long>(der_request.size())));
    bool well_formed = request && cursor == der_request.data() + der_request.size();
    drain_openssl_errors();
    if (!well_formed) {
        TsRespCtxPtr context(TS_RESP_CTX_new());
        if (!context) detail::throw_openssl("out_of_memory", "cannot create a time-stamp response");
        BioPtr nothing = empty_bio();
        TsRespPtr response(TS_RESP_create_response(context.get(), nothing.get()));
        if (!response) detail::throw_openssl("tsa_failed", "cannot create a rejection response");
        drain_openssl_errors();
        return encode(response.get());
    }

    const EVP_MD* digest = check_digest(options_.digest);
    Asn1ObjectPtr policy(OBJ_txt2obj(options_.policy_oid.c_str(), 1));
    auto accuracy_ms = options_.accuracy.count();
    std::vector<std::uint8_t> answer;
    key_.use([&](EVP_PKEY* token_key) {
        // A fresh context per attempt: the key may reconnect to its token and run this again.
        TsRespCtxPtr context(TS_RESP_CTX_new());
        X509StackPtr chain(sk_X509_new_null());
        if (!context || !chain || !policy) return false;
        for (const Certificate& certificate : chain_)
            if (!sk_X509_push(chain.get(), certificate.native())) return false;
        if (!TS_RESP_CTX_set_signer_cert(context.get(), certificate_.native()) ||
            !TS_RESP_CTX_set_signer_key(context.get(), token_key) ||
            !TS_RESP_CTX_set_signer_digest(context.get(), digest) ||
            !TS_RESP_CTX_set_ess_cert_id_digest(context.get(), digest) ||  // signing-certificate-v2, not SHA-1
            !TS_RESP_CTX_set_def_policy(context.get(), policy.get()) ||
            !TS_RESP_CTX_set_certs(context.get(), chain.get()) ||
            !TS_RESP_CTX_set_accuracy(context.get(), static_cast<int>(accuracy_ms / 1000),
                                      static_cast<int>(accuracy_ms % 1000), 0))
            return false;
        for (const EVP_MD* accepted_digest : accepted_imprint_digests)
            if (!TS_RESP_CTX_add_md(context.get(), accepted_digest)) return false;
        TS_RESP_CTX_add_flags(context.get(), TS_TSA_NAME);
        TS_RESP_CTX_set_serial_cb(context.get(), fresh_serial, nullptr);
        TS_RESP_CTX_set_time_cb(context.get(), clock_time, const_cast<Clock*>(&clock_));

        BioPtr input = detail::memory_bio(der_request);
        TsRespPtr response(TS_RESP_create_response(context.get(), input.get()));
        if (!response || generation_failed(response.get())) return false;
        drain_openssl_errors();
        answer = encode(response.get());
        return true;
    });
    if (answer.empty()) detail::throw_openssl("tsa_failed", "the time-stamp response could not be signed");
    return answer;
}

}  // namespace sign
