#include "sign/timestamp_client.h"

#include <memory>

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include "../x509/openssl_util.h"
#include "sign/error.h"
#include "sign/key_policy.h"

namespace sign {
namespace {


// An answer that is not a time-stamp response at all.
[[noreturn]] void bad_response(const std::string& message) {
    drain_openssl_errors();
    throw Error(ErrorKind::invalid_input, "tsa_bad_response", message);
}

// A well-formed answer we must not accept: refused, mismatched or untrusted.
[[noreturn]] void refuse(const std::string& code, const std::string& message) {
    drain_openssl_errors();
    throw Error(ErrorKind::policy, code, message);
}

Asn1IntegerPtr random_nonce() {
    BignumPtr number(BN_new());
    // 64 random bits with the top one set, so every nonce has the same length on the wire.
    if (!number || BN_rand(number.get(), 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1)
        detail::throw_openssl("random_failed", "cannot draw a time-stamp nonce");
    Asn1IntegerPtr nonce(BN_to_ASN1_INTEGER(number.get(), nullptr));
    if (!nonce) detail::throw_openssl("random_failed", "cannot encode a time-stamp nonce");
    return nonce;
}

std::vector<std::uint8_t> encode_request(TS_REQ* request) {
    return detail::to_der(request, i2d_TS_REQ, "the time-stamp request");
}

// The TimeStampToken as the TSA encoded it. Re-encoding OpenSSL's parsed copy could change
// the bytes of a token from a TSA with looser DER, and the signature covers those bytes.
std::vector<std::uint8_t> token_bytes(std::span<const std::uint8_t> response) {
    const unsigned char* cursor = response.data();
    const unsigned char* end = response.data() + response.size();
    long length = 0;
    int tag = 0;
    int tag_class = 0;
    int flags = ASN1_get_object(&cursor, &length, &tag, &tag_class, end - cursor);  // TimeStampResp
    if ((flags & 0x80) || tag != V_ASN1_SEQUENCE || (flags & 0x01)) bad_response("the TSA answer is not DER");
    flags = ASN1_get_object(&cursor, &length, &tag, &tag_class, end - cursor);  // PKIStatusInfo, skipped
    if ((flags & 0x80) || (flags & 0x01)) bad_response("the TSA answer is not DER");
    cursor += length;
    const unsigned char* token_start = cursor;
    flags = ASN1_get_object(&cursor, &length, &tag, &tag_class, end - cursor);  // ContentInfo
    if ((flags & 0x80) || (flags & 0x01) || tag != V_ASN1_SEQUENCE)
        bad_response("the TSA answer carries no DER time-stamp token");
    return {token_start, cursor + length};
}

std::string status_text(TS_RESP* response) {
    TS_STATUS_INFO* info = TS_RESP_get_status_info(response);
    BioPtr out = detail::output_bio();
    TS_STATUS_INFO_print_bio(out.get(), info);
    std::string text = detail::bio_contents(out.get());
    for (char& c : text)
        if (c == '\n') c = ' ';
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

}  // namespace

TimestampClient::TimestampClient(Transport transport, Certificate trust_anchor, std::vector<Certificate> intermediates,
                                 const Clock& clock, std::optional<std::string> policy_oid)
    : transport_(std::move(transport)), trust_anchor_(std::move(trust_anchor)),
      intermediates_(std::move(intermediates)), clock_(clock), policy_oid_(std::move(policy_oid)) {
    if (!transport_) throw Error(ErrorKind::invalid_input, "missing_transport", "the time-stamp client needs a transport");
    if (policy_oid_) {
        Asn1ObjectPtr policy(OBJ_txt2obj(policy_oid_->c_str(), 1));
        if (!policy)
            throw Error(ErrorKind::invalid_input, "invalid_policy_oid",
                        "the TSA policy '" + *policy_oid_ + "' is not a dotted object identifier");
    }
}

TimestampClient TimestampClient::local(const TimestampAuthority& authority, Certificate trust_anchor,
                                       std::vector<Certificate> intermediates, const Clock& clock) {
    return TimestampClient([&authority](const std::vector<std::uint8_t>& request) { return authority.respond(request); },
                           std::move(trust_anchor), std::move(intermediates), clock);
}

std::vector<std::uint8_t> TimestampClient::timestamp(std::string_view digest_name, std::span<const std::uint8_t> digest) {
    const EVP_MD* md = check_digest(digest_name);
    if (digest.size() != static_cast<size_t>(EVP_MD_get_size(md)))
        throw Error(ErrorKind::invalid_input, "digest_length_mismatch",
                    "a " + std::string(digest_name) + " digest is " + std::to_string(EVP_MD_get_size(md)) +
                        " bytes, not " + std::to_string(digest.size()));

    TsReqPtr request(TS_REQ_new());
    TsMsgImprintPtr imprint(TS_MSG_IMPRINT_new());
    X509AlgorPtr algorithm(X509_ALGOR_new());
    Asn1IntegerPtr nonce = random_nonce();
    Asn1ObjectPtr policy(policy_oid_ ? OBJ_txt2obj(policy_oid_->c_str(), 1) : nullptr);
    if (!request || !imprint || !algorithm || !TS_REQ_set_version(request.get(), 1) ||
        !X509_ALGOR_set0(algorithm.get(), OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, nullptr) ||
        !TS_MSG_IMPRINT_set_algo(imprint.get(), algorithm.get()) ||
        !TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(digest.data()), static_cast<int>(digest.size())) ||
        !TS_REQ_set_msg_imprint(request.get(), imprint.get()) || !TS_REQ_set_nonce(request.get(), nonce.get()) ||
        !TS_REQ_set_cert_req(request.get(), 1) || (policy && !TS_REQ_set_policy_id(request.get(), policy.get())))
        detail::throw_openssl("tsa_request_failed", "cannot build the time-stamp request");

    std::vector<std::uint8_t> der_response = transport_(encode_request(request.get()));

    const unsigned char* cursor = der_response.data();
    TsRespPtr response(d2i_TS_RESP(nullptr, &cursor, static_cast<long>(der_response.size())));
    if (!response || cursor != der_response.data() + der_response.size())
        bad_response("the TSA's answer is not a time-stamp response");
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get())));
    if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS)
        refuse("tsa_rejected", "the TSA refused to time-stamp: " + status_text(response.get()));
    TS_TST_INFO* info = TS_RESP_get_tst_info(response.get());
    PKCS7* token = TS_RESP_get_token(response.get());
    if (info == nullptr || token == nullptr) bad_response("the TSA granted the request but sent no token");

    TS_MSG_IMPRINT* answered = TS_TST_INFO_get_msg_imprint(info);
    const ASN1_OCTET_STRING* answered_digest = TS_MSG_IMPRINT_get_msg(answered);
    const ASN1_OBJECT* answered_algorithm = nullptr;
    X509_ALGOR_get0(&answered_algorithm, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(answered));
    if (OBJ_obj2nid(answered_algorithm) != EVP_MD_get_type(md) ||
        ASN1_STRING_length(answered_digest) != static_cast<int>(digest.size()) ||
        !std::equal(digest.begin(), digest.end(), ASN1_STRING_get0_data(answered_digest)))
        refuse("tsa_imprint_mismatch", "the TSA time-stamped a different digest than the one sent");
    const ASN1_INTEGER* answered_nonce = TS_TST_INFO_get_nonce(info);
    if (answered_nonce == nullptr || ASN1_INTEGER_cmp(answered_nonce, nonce.get()) != 0)
        refuse("tsa_nonce_mismatch", "the TSA's answer does not carry our nonce (a replayed or misrouted response)");
    if (policy && OBJ_cmp(TS_TST_INFO_get_policy_id(info), policy.get()) != 0)
        refuse("tsa_policy_mismatch", "the TSA answered under another policy than " + *policy_oid_);

    X509StorePtr store(X509_STORE_new());
    X509StackPtr untrusted(sk_X509_new_null());
    if (!store || !untrusted || !X509_STORE_add_cert(store.get(), trust_anchor_.native()))
        detail::throw_openssl("tsa_verify_failed", "cannot set up time-stamp verification");
    for (const Certificate& certificate : intermediates_)
        if (!sk_X509_push(untrusted.get(), certificate.native()))
            detail::throw_openssl("tsa_verify_failed", "cannot set up time-stamp verification");
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()),
                               std::chrono::system_clock::to_time_t(clock_.now()));
    // Checks the CMS signature, the ESS signing-certificate binding, the chain, and (through the
    // timestamp-signing purpose) that the TSA's extendedKeyUsage is critical and only timeStamping.
    X509* signer = nullptr;
    int verified = TS_RESP_verify_signature(token, untrusted.get(), store.get(), &signer);
    X509Ptr signer_owner(signer);
    if (verified != 1)
        refuse("tsa_untrusted", "the time-stamp token is not signed by a TSA that chains to the trust anchor "
                              "with a critical timeStamping key usage (" + drain_openssl_errors() + ")");
    std::vector<std::uint8_t> token_der = token_bytes(der_response);
    std::lock_guard lock(token_sizes_->mutex);
    token_sizes_->last[std::string(digest_name)] = token_der.size();
    return token_der;
}

std::optional<std::size_t> TimestampClient::expected_token_size(std::string_view digest_name) const {
    std::lock_guard lock(token_sizes_->mutex);
    auto found = token_sizes_->last.find(digest_name);
    if (found == token_sizes_->last.end()) return std::nullopt;
    return found->second;
}

}  // namespace sign
