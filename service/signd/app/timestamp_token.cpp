#include "app/timestamp_token.h"

#include <openssl/objects.h>
#include <openssl/ts.h>

#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/openssl_ptr.h"

namespace sign::signd {

namespace {


[[noreturn]] void openssl_failure(const std::string& what) {
    throw Error(ErrorKind::internal, "openssl_failure", what + ": " + drain_openssl_errors());
}

}  // namespace

std::vector<std::uint8_t> timestamp_token(const TimestampAuthority& authority, const std::vector<std::uint8_t>& hash,
                                          const std::string& hash_algorithm_oid,
                                          const std::optional<std::vector<std::uint8_t>>& nonce) {
    std::size_t length = accepted_digest_length(hash_algorithm_oid);
    if (length == 0)
        throw Error(ErrorKind::invalid_input, "unsupported_hash_algorithm",
                    "hashAlgorithmOID must name SHA-256/384/512 or SHA3-256/384/512, not '" + hash_algorithm_oid + "'");
    if (hash.size() != length)
        throw Error(ErrorKind::invalid_input, "invalid_hash_length",
                    "the hash has " + std::to_string(hash.size()) + " bytes; the digest named has " + std::to_string(length));

    TsReqPtr request(TS_REQ_new());
    TsMsgImprintPtr imprint(TS_MSG_IMPRINT_new());
    X509AlgorPtr algorithm(X509_ALGOR_new());
    if (!request || !imprint || !algorithm) openssl_failure("cannot allocate a time-stamp request");
    ASN1_OBJECT* oid = OBJ_txt2obj(hash_algorithm_oid.c_str(), 1);
    if (!oid || X509_ALGOR_set0(algorithm.get(), oid, V_ASN1_NULL, nullptr) != 1) {
        ASN1_OBJECT_free(oid);
        openssl_failure("cannot name the digest of the time-stamp request");
    }
    if (TS_REQ_set_version(request.get(), 1) != 1 || TS_MSG_IMPRINT_set_algo(imprint.get(), algorithm.get()) != 1 ||
        TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(hash.data()), static_cast<int>(hash.size())) != 1 ||
        TS_REQ_set_msg_imprint(request.get(), imprint.get()) != 1 || TS_REQ_set_cert_req(request.get(), 1) != 1)
        openssl_failure("cannot build the time-stamp request");
    if (nonce) {
        BignumPtr value(BN_bin2bn(nonce->data(), static_cast<int>(nonce->size()), nullptr));
        Asn1IntegerPtr integer(value ? BN_to_ASN1_INTEGER(value.get(), nullptr) : nullptr);
        if (!integer || TS_REQ_set_nonce(request.get(), integer.get()) != 1) openssl_failure("cannot set the nonce");
    }
    int der_length = i2d_TS_REQ(request.get(), nullptr);
    if (der_length <= 0) openssl_failure("cannot encode the time-stamp request");
    std::vector<std::uint8_t> der(static_cast<std::size_t>(der_length));
    unsigned char* cursor = der.data();
    i2d_TS_REQ(request.get(), &cursor);

    auto answer = authority.respond(der);
    const unsigned char* in = answer.data();
    TsRespPtr response(d2i_TS_RESP(nullptr, &in, static_cast<long>(answer.size())));
    if (!response) openssl_failure("the time-stamp authority's answer does not parse");
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get())));
    PKCS7* token = TS_RESP_get_token(response.get());
    if ((status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS) || !token)
        throw Error(ErrorKind::policy, "timestamp_refused", "the time-stamp authority refused the request (status " +
                                                                std::to_string(status) + ")");
    int token_length = i2d_PKCS7(token, nullptr);
    if (token_length <= 0) openssl_failure("cannot encode the time-stamp token");
    std::vector<std::uint8_t> token_der(static_cast<std::size_t>(token_length));
    cursor = token_der.data();
    i2d_PKCS7(token, &cursor);
    return token_der;
}

}  // namespace sign::signd
