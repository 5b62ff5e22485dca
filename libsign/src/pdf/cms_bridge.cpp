#include "cms_bridge.h"

#include <openssl/evp.h>

#include "sign/cades.h"
#include "sign/error.h"

namespace sign::pdf {

namespace {

CadesOptions pades_cades_options(SignatureLevel level, const CertificateRegistry* registry) {
    // ETSI EN 319 142-1 5.4: no signing-time attribute; the time is the dictionary's /M.
    return CadesOptions{.detached = true, .level = level, .signing_time_attribute = false, .registry = registry};
}

// DER length fields of the five nested structures around the signature value can each grow by a
// few bytes once the value and the time-stamp attribute are in.
constexpr std::size_t kLengthGrowth = 5 * 4;
// unsignedAttrs [1], Attribute SEQUENCE, the attribute type OID, the SET around the token.
constexpr std::size_t kTimestampAttributeOverhead = 4 + 4 + 13 + 4;
// Two tokens of one TSA differ in serial, nonce and genTime precision by a few bytes.
constexpr std::size_t kTokenSizeVariation = 32;

}  // namespace

std::size_t estimate_cms_size(const Signer& signer, SignatureLevel level, const CertificateRegistry* registry,
                              std::chrono::system_clock::time_point signing_time, TimestampSource* tsa) {
    const EVP_MD* md = EVP_get_digestbyname(signer.digest.c_str());
    if (!md) throw Error(ErrorKind::invalid_input, "unknown_digest", "unknown digest " + signer.digest);
    std::vector<std::uint8_t> dummy(static_cast<std::size_t>(EVP_MD_get_size(md)), 0);
    // The prepared state carries the whole unsigned CMS (signer certificate, chain, signed
    // attributes) with an empty signature value: the real CMS minus the value and the token.
    auto prepared = prepare_cades_digest(signer, dummy, pades_cades_options(level, registry), signing_time);
    auto public_key = signer.certificate.public_key();
    std::size_t size = prepared.state.size() + static_cast<std::size_t>(EVP_PKEY_get_size(public_key.get())) + kLengthGrowth;
    if (level == SignatureLevel::b_t) {
        if (!tsa)
            throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "a B-T signature needs a time-stamp source");
        // A token this source gave before measures it; only a source that never answered is asked,
        // once, for a token over a dummy digest.
        auto token_size = tsa->expected_token_size(signer.digest);
        size += (token_size ? *token_size + kTokenSizeVariation : tsa->timestamp(signer.digest, dummy).size()) +
                kTimestampAttributeOverhead;
    }
    return size;
}

PreparedSignature cades_prepare(const Signer& signer, SignatureLevel level, const CertificateRegistry* registry,
                                std::chrono::system_clock::time_point signing_time,
                                std::span<const std::uint8_t> content_digest) {
    return prepare_cades_digest(signer, content_digest, pades_cades_options(level, registry), signing_time);
}

std::vector<std::uint8_t> cades_finalize(const PreparedSignature& cades, std::span<const std::uint8_t> signature_value,
                                         TimestampSource* tsa) {
    return finalize_cades(cades, signature_value, tsa);
}

}  // namespace sign::pdf
