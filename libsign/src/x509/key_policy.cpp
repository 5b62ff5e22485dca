#include "sign/key_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "sign/error.h"
#include "sign/openssl_ptr.h"

namespace sign {
namespace {

constexpr int minimum_rsa_bits = 2048;

// OpenSSL's names for the curves the circular allows.
constexpr std::array allowed_curves{std::string_view("prime256v1"), std::string_view("secp384r1"),
                                    std::string_view("secp521r1")};

std::string normalized_digest_name(std::string_view name) {
    std::string out;
    for (char c : name)
        if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const EVP_MD* digest_by_nid(int nid) {
    const char* name = OBJ_nid2sn(nid);
    return check_digest(name ? name : "unknown");
}

}  // namespace

void check_key(const EVP_PKEY* public_key) {
    if (public_key == nullptr) throw Error(ErrorKind::invalid_input, "missing_key", "no public key was given");
    int type = EVP_PKEY_get_base_id(public_key);
    int bits = EVP_PKEY_get_bits(public_key);
    if (type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS) {
        if (bits < minimum_rsa_bits)
            throw Error(ErrorKind::policy, "weak_key",
                        "RSA keys must have at least 2048 bits (this one has " + std::to_string(bits) + ")");
        return;
    }
    if (type == EVP_PKEY_EC) {
        char curve[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(public_key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &length) != 1)
            throw Error(ErrorKind::policy, "unsupported_key", "the EC key does not use a named curve");
        if (std::find(allowed_curves.begin(), allowed_curves.end(), std::string_view(curve)) == allowed_curves.end())
            throw Error(ErrorKind::policy, "weak_key",
                        std::string("EC keys must use P-256, P-384 or P-521 (this one uses ") + curve + ")");
        return;
    }
    const char* name = OBJ_nid2sn(type);
    throw Error(ErrorKind::policy, "unsupported_key",
                std::string("only RSA (2048 bits or more) and EC (P-256, P-384, P-521) keys are allowed, not ") +
                    (name ? name : "this key type"));
}

const EVP_MD* check_digest(std::string_view name) {
    std::string normalized = normalized_digest_name(name);
    if (normalized == "sha256") return EVP_sha256();
    if (normalized == "sha384") return EVP_sha384();
    if (normalized == "sha512") return EVP_sha512();
    if (normalized == "sha3256") return EVP_sha3_256();
    if (normalized == "sha3384") return EVP_sha3_384();
    if (normalized == "sha3512") return EVP_sha3_512();
    if (normalized == "sha1")
        throw Error(ErrorKind::policy, "weak_digest", "SHA-1 is not allowed: use SHA-256 or stronger");
    if (normalized == "md5")
        throw Error(ErrorKind::policy, "weak_digest", "MD5 is not allowed: use SHA-256 or stronger");
    if (normalized == "sha224" || normalized == "sha3224" || normalized == "md4" || normalized == "md2")
        throw Error(ErrorKind::policy, "weak_digest",
                    std::string(name) + " is not allowed: use SHA-256 or stronger");
    throw Error(ErrorKind::policy, "unsupported_digest",
                "unknown digest '" + std::string(name) + "': use sha256, sha384, sha512 or sha3-256/384/512");
}

std::optional<std::string> accepted_digest_for_oid(std::string_view oid) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> accepted{{
        {"2.16.840.1.101.3.4.2.1", "sha256"},
        {"2.16.840.1.101.3.4.2.2", "sha384"},
        {"2.16.840.1.101.3.4.2.3", "sha512"},
        {"2.16.840.1.101.3.4.2.8", "sha3-256"},
        {"2.16.840.1.101.3.4.2.9", "sha3-384"},
        {"2.16.840.1.101.3.4.2.10", "sha3-512"},
    }};
    for (const auto& [dotted, name] : accepted)
        if (dotted == oid) return std::string(name);
    return std::nullopt;
}

std::size_t accepted_digest_length(std::string_view oid) {
    auto digest = accepted_digest_for_oid(oid);
    return digest ? static_cast<std::size_t>(EVP_MD_get_size(check_digest(*digest))) : 0;
}

void check_signature_algorithm(const X509_ALGOR* algorithm) {
    const ASN1_OBJECT* object = nullptr;
    int parameter_type = 0;
    const void* parameter = nullptr;
    X509_ALGOR_get0(&object, &parameter_type, &parameter, algorithm);
    int signature_nid = OBJ_obj2nid(object);
    if (signature_nid == NID_rsassaPss) {
        // The hash of RSA-PSS hides in its parameters; SHA-1 is the default when they are absent.
        if (parameter_type != V_ASN1_SEQUENCE) {
            check_digest("sha1");
            return;
        }
        const auto* sequence = static_cast<const ASN1_STRING*>(parameter);
        const unsigned char* cursor = ASN1_STRING_get0_data(sequence);
        std::unique_ptr<RSA_PSS_PARAMS, OpenSslDeleter<RSA_PSS_PARAMS_free>> params(
            d2i_RSA_PSS_PARAMS(nullptr, &cursor, ASN1_STRING_length(sequence)));
        if (!params) throw Error(ErrorKind::invalid_input, "bad_signature_algorithm", "unreadable RSA-PSS parameters");
        if (params->hashAlgorithm == nullptr) {
            check_digest("sha1");
            return;
        }
        digest_by_nid(OBJ_obj2nid(params->hashAlgorithm->algorithm));
        return;
    }
    int digest_nid = NID_undef;
    int key_nid = NID_undef;
    if (!OBJ_find_sigid_algs(signature_nid, &digest_nid, &key_nid) || digest_nid == NID_undef) {
        const char* name = OBJ_nid2sn(signature_nid);
        throw Error(ErrorKind::policy, "unsupported_digest",
                    std::string("the signature algorithm ") + (name ? name : "in use") +
                        " is not allowed: use RSA or ECDSA with SHA-256 or stronger");
    }
    digest_by_nid(digest_nid);
}

}  // namespace sign
