#include "sign/signing/hash_signer.h"

#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <map>

#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/openssl_ptr.h"
#include "sign/signer.h"
#include "sign/signer_checks.h"

namespace sign::signing {

namespace {

constexpr const char* rsa_encryption = "1.2.840.113549.1.1.1";
constexpr const char* rsassa_pss = "1.2.840.113549.1.1.10";
constexpr const char* ec_public_key = "1.2.840.10045.2.1";

// signAlgo OIDs that name their digest themselves.
struct CombinedAlgorithm {
    SignatureScheme scheme;
    const char* digest;
};
const std::map<std::string, CombinedAlgorithm>& combined_algorithms() {
    static const std::map<std::string, CombinedAlgorithm> algorithms{
        {"1.2.840.113549.1.1.11", {SignatureScheme::rsa_pkcs1v15, "sha256"}},
        {"1.2.840.113549.1.1.12", {SignatureScheme::rsa_pkcs1v15, "sha384"}},
        {"1.2.840.113549.1.1.13", {SignatureScheme::rsa_pkcs1v15, "sha512"}},
        {"1.2.840.10045.4.3.2", {SignatureScheme::ecdsa, "sha256"}},
        {"1.2.840.10045.4.3.3", {SignatureScheme::ecdsa, "sha384"}},
        {"1.2.840.10045.4.3.4", {SignatureScheme::ecdsa, "sha512"}},
    };
    return algorithms;
}

std::string digest_for_oid(const std::optional<std::string>& hash_algo, const std::string& sign_algo) {
    if (!hash_algo)
        throw Error(ErrorKind::invalid_input, "hash_algo_missing", "signAlgo " + sign_algo + " needs hashAlgorithmOID");
    auto digest = accepted_digest_for_oid(*hash_algo);
    if (!digest)
        throw Error(ErrorKind::policy, "unsupported_digest",
                    "hash algorithm " + *hash_algo + " is not accepted: use SHA-256/384/512 or SHA3-256/384/512");
    return *digest;
}

std::string object_text(const ASN1_OBJECT* object) {
    char text[128];
    OBJ_obj2txt(text, sizeof text, object, 1);
    return text;
}

// RSASSA-PSS-params (RFC 4055) must be what our signatures use: MGF1 with the same digest and a
// salt as long as the digest. Returns the digest name.
std::string digest_of_pss_params(const std::vector<uint8_t>& der) {
    const unsigned char* cursor = der.data();
    RsaPssParamsPtr params(d2i_RSA_PSS_PARAMS(nullptr, &cursor, static_cast<long>(der.size())));
    if (!params || cursor != der.data() + der.size())
        throw Error(ErrorKind::invalid_input, "invalid_pss_params", "signAlgoParams is not DER RSASSA-PSS-params");
    // Absent fields mean SHA-1 (RFC 4055), which Circular 15 forbids.
    std::string hash = params->hashAlgorithm ? object_text(params->hashAlgorithm->algorithm) : "1.3.14.3.2.26";
    auto digest = accepted_digest_for_oid(hash);
    if (!digest) throw Error(ErrorKind::policy, "unsupported_digest", "RSA-PSS with hash " + hash + " is not accepted");
    const EVP_MD* md = EVP_get_digestbyname(digest->c_str());
    bool mgf_matches = false;
    if (params->maskGenAlgorithm && OBJ_obj2nid(params->maskGenAlgorithm->algorithm) == NID_mgf1 &&
        params->maskGenAlgorithm->parameter && params->maskGenAlgorithm->parameter->type == V_ASN1_SEQUENCE) {
        const ASN1_STRING* inner = params->maskGenAlgorithm->parameter->value.sequence;
        const unsigned char* p = ASN1_STRING_get0_data(inner);
        X509AlgorPtr mgf_hash(d2i_X509_ALGOR(nullptr, &p, ASN1_STRING_length(inner)));
        mgf_matches = mgf_hash && object_text(mgf_hash->algorithm) == hash;
    }
    long salt = params->saltLength ? ASN1_INTEGER_get(params->saltLength) : 20;
    long trailer = params->trailerField ? ASN1_INTEGER_get(params->trailerField) : 1;
    if (!mgf_matches || md == nullptr || salt != EVP_MD_get_size(md) || trailer != 1)
        throw Error(ErrorKind::invalid_input, "unsupported_pss_params",
                    "RSA-PSS is supported with MGF1 over the same hash and a salt as long as the hash");
    return *digest;
}

}  // namespace

CredentialKey HashSigner::describe(const store::SignerRecord& signer) const {
    auto parsed = signers_.certificate(signer.certificate_serial);
    const Certificate& certificate = parsed->certificate;
    EvpPkeyPtr key(X509_get_pubkey(certificate.native()));
    CredentialKey described;
    described.bits = EVP_PKEY_get_bits(key.get());
    if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA) {
        described.algorithm_oid = rsa_encryption;
        described.sign_algorithms = {rsa_encryption, "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
                                     "1.2.840.113549.1.1.13", rsassa_pss};
    } else {
        described.algorithm_oid = ec_public_key;
        char curve[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key.get(), "group", curve, sizeof curve, &length)) {
            int nid = OBJ_txt2nid(curve);
            if (nid != NID_undef) described.curve_oid = object_text(OBJ_nid2obj(nid));
        }
        described.sign_algorithms = {ec_public_key, "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"};
    }
    described.chain_pem.push_back(certificate.to_pem());
    for (const auto& ca : parsed->chain) described.chain_pem.push_back(ca.to_pem());
    described.chain_pem.push_back(signers_.root_pem());
    return described;
}

HashSigning HashSigner::prepare(const store::SignerRecord& signer, const std::vector<std::vector<uint8_t>>& hashes,
                                const std::string& sign_algo, const std::optional<std::string>& hash_algo,
                                const std::optional<std::vector<uint8_t>>& pss_params_der,
                                std::chrono::system_clock::time_point now) const {
    SignatureScheme scheme;
    std::string digest;
    if (auto combined = combined_algorithms().find(sign_algo); combined != combined_algorithms().end()) {
        scheme = combined->second.scheme;
        digest = combined->second.digest;
        if (hash_algo && digest_for_oid(hash_algo, sign_algo) != digest)
            throw Error(ErrorKind::invalid_input, "hash_algo_mismatch", "hashAlgorithmOID contradicts signAlgo " + sign_algo);
    } else if (sign_algo == rsa_encryption) {
        scheme = SignatureScheme::rsa_pkcs1v15;
        digest = digest_for_oid(hash_algo, sign_algo);
    } else if (sign_algo == ec_public_key) {
        scheme = SignatureScheme::ecdsa;
        digest = digest_for_oid(hash_algo, sign_algo);
    } else if (sign_algo == rsassa_pss) {
        scheme = SignatureScheme::rsa_pss;
        digest = pss_params_der ? digest_of_pss_params(*pss_params_der) : digest_for_oid(hash_algo, sign_algo);
        if (pss_params_der && hash_algo && digest_for_oid(hash_algo, sign_algo) != digest)
            throw Error(ErrorKind::invalid_input, "hash_algo_mismatch", "hashAlgorithmOID contradicts signAlgoParams");
    } else {
        throw Error(ErrorKind::invalid_input, "unsupported_sign_algo",
                    "signAlgo " + sign_algo + " is not supported: use RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA");
    }

    Signer checked = signers_.signer(signer.key_uri, signer.certificate_serial, scheme);
    checked.digest = digest;
    try {
        check_signer(checked, &signers_.certificates(), now);
    } catch (const Error& error) {
        if (error.code() == "scheme_key_mismatch")
            throw Error(ErrorKind::invalid_input, "sign_algo_key_mismatch", "signAlgo " + sign_algo + " does not fit this credential's key");
        throw;
    }

    size_t expected = static_cast<size_t>(EVP_MD_get_size(EVP_get_digestbyname(digest.c_str())));
    for (const auto& hash : hashes)
        if (hash.size() != expected)
            throw Error(ErrorKind::invalid_input, "invalid_hash_length",
                        "a hash is " + std::to_string(hash.size()) + " bytes; " + digest + " hashes are " + std::to_string(expected));
    std::string key_type = signers_.key(signer.key_uri).key_type();
    return HashSigning{std::move(checked), std::move(key_type)};
}

std::vector<std::vector<uint8_t>> HashSigner::sign(const HashSigning& signing, const std::vector<std::vector<uint8_t>>& hashes) const {
    std::vector<std::vector<uint8_t>> signatures;
    signatures.reserve(hashes.size());
    for (const auto& hash : hashes)
        signatures.push_back(sign_digest(signing.signer.key, signing.signer.scheme, signing.signer.digest, hash));
    return signatures;
}

}  // namespace sign::signing
