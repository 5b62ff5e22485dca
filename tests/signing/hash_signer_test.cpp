#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fstream>
#include <string>
#include <vector>

#include "command.h"
#include "error_code.h"
#include "service_fixture.h"
#include "signctl_folder.h"
#include "temp_dir.h"

using namespace sign;
using namespace sign::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* sha256_oid = "2.16.840.1.101.3.4.2.1";
constexpr const char* sha384_oid = "2.16.840.1.101.3.4.2.2";

store::SignerRecord credential(const std::string& label) {
    store::SignerRecord signer;
    signer.id = label;
    signer.display_name = label;
    signer.certificate_serial = TokenPki::shared().certificate(label).serial_hex();
    signer.key_uri = "pkcs11:object=" + label + ";type=private";
    return signer;
}

std::vector<uint8_t> digest_of(const std::string& text, const char* digest) {
    std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_get_digestbyname(digest), nullptr);
    out.resize(length);
    return out;
}

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// `openssl pkeyutl -verify` with the signer's certificate: an independent check of a raw signature
// over a hash (pkeyutl wraps the DigestInfo itself for PKCS#1 v1.5).
CommandResult pkeyutl_verify(const std::string& label, const std::vector<uint8_t>& hash, const std::vector<uint8_t>& signature,
                             const std::vector<std::string>& options) {
    TempDir dir("pkeyutl");
    write_bytes(dir.path() / "hash.bin", hash);
    write_bytes(dir.path() / "sig.bin", signature);
    std::vector<std::string> args = {"pkeyutl", "-verify", "-certin", "-inkey", TokenPki::shared().path("certs/" + label + ".pem"),
                                     "-in", (dir.path() / "hash.bin").string(), "-sigfile", (dir.path() / "sig.bin").string()};
    for (const auto& option : options) args.insert(args.end(), {"-pkeyopt", option});
    return openssl(args);
}

// DER RSASSA-PSS-params as OpenSSL writes them for a verifying context with this digest and salt.
std::vector<uint8_t> pss_params(const std::string& label, const char* digest, int salt) {
    Certificate certificate = TokenPki::shared().certificate(label);
    EvpPkeyPtr key(X509_get_pubkey(certificate.native()));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pkey_context = nullptr;
    BOOST_REQUIRE(EVP_DigestVerifyInit(context.get(), &pkey_context, EVP_get_digestbyname(digest), nullptr, key.get()) == 1);
    BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pkey_context, RSA_PKCS1_PSS_PADDING) == 1);
    BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_context, salt) == 1);
    unsigned char algorithm_der[256];
    OSSL_PARAM query[] = {OSSL_PARAM_construct_octet_string("algorithm-id", algorithm_der, sizeof algorithm_der), OSSL_PARAM_construct_end()};
    BOOST_REQUIRE(EVP_PKEY_CTX_get_params(pkey_context, query) == 1);
    const unsigned char* cursor = algorithm_der;
    X509AlgorPtr algorithm(d2i_X509_ALGOR(nullptr, &cursor, static_cast<long>(query[0].return_size)));
    BOOST_REQUIRE(algorithm && algorithm->parameter && algorithm->parameter->type == V_ASN1_SEQUENCE);
    const ASN1_STRING* sequence = algorithm->parameter->value.sequence;
    const uint8_t* data = ASN1_STRING_get0_data(sequence);
    return {data, data + ASN1_STRING_length(sequence)};
}

// prepare() then sign(), as signd does with the SAD spent in between.
std::vector<std::vector<uint8_t>> sign_hashes(const signing::HashSigner& signer, const store::SignerRecord& credential,
                                              const std::vector<std::vector<uint8_t>>& hashes, const std::string& sign_algo,
                                              const std::optional<std::string>& hash_algo,
                                              const std::optional<std::vector<uint8_t>>& pss_params,
                                              std::chrono::system_clock::time_point now) {
    return signer.sign(signer.prepare(credential, hashes, sign_algo, hash_algo, pss_params, now), hashes);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hash_signer)

BOOST_AUTO_TEST_CASE(describes_rsa_and_ec_credentials_with_their_chain) {
    auto& signer = SigningServices::shared().hashes;
    auto leader = signer.describe(credential("leader"));
    BOOST_TEST(leader.algorithm_oid == "1.2.840.113549.1.1.1");
    BOOST_TEST(leader.bits == 3072);
    BOOST_TEST(!leader.curve_oid.has_value());
    BOOST_REQUIRE_EQUAL(leader.chain_pem.size(), 3u);
    BOOST_TEST(Certificate::from_pem(leader.chain_pem[0]).serial_hex() == TokenPki::shared().certificate("leader").serial_hex());
    BOOST_TEST(Certificate::from_pem(leader.chain_pem[2]).serial_hex() == TokenPki::shared().certificate("root-ca").serial_hex());

    auto citizen = signer.describe(credential("citizen"));
    BOOST_TEST(citizen.algorithm_oid == "1.2.840.10045.2.1");
    BOOST_TEST(citizen.bits == 256);
    BOOST_TEST(citizen.curve_oid.value_or("") == "1.2.840.10045.3.1.7");
}

BOOST_AUTO_TEST_CASE(rsa_pkcs1_signatures_verify_with_openssl) {
    auto& signer = SigningServices::shared().hashes;
    auto hashes = std::vector{digest_of("Quyết định số 15", "sha256"), digest_of("Quyết định số 16", "sha256")};
    // The hash named separately, and named by the combined OID.
    for (auto [sign_algo, hash_algo] : {std::pair<std::string, std::optional<std::string>>{"1.2.840.113549.1.1.1", sha256_oid},
                                        {"1.2.840.113549.1.1.11", std::nullopt}}) {
        auto signatures = sign_hashes(signer, credential("leader"), hashes, sign_algo, hash_algo, std::nullopt, std::chrono::system_clock::now());
        BOOST_REQUIRE_EQUAL(signatures.size(), 2u);
        for (size_t i = 0; i < 2; ++i) {
            auto verified = pkeyutl_verify("leader", hashes[i], signatures[i], {"digest:sha256"});
            BOOST_TEST(verified.exit_code == 0, verified.output);
        }
        // Each signature belongs to its own hash.
        BOOST_TEST(pkeyutl_verify("leader", hashes[0], signatures[1], {"digest:sha256"}).exit_code != 0);
    }
}

BOOST_AUTO_TEST_CASE(rsa_pss_signatures_verify_with_openssl) {
    auto& signer = SigningServices::shared().hashes;
    auto hash = digest_of("Công văn", "sha384");
    auto by_oid = sign_hashes(signer, credential("leader"), {hash}, "1.2.840.113549.1.1.10", sha384_oid, std::nullopt,
                              std::chrono::system_clock::now());
    auto by_params = sign_hashes(signer, credential("leader"), {hash}, "1.2.840.113549.1.1.10", std::nullopt,
                                 pss_params("leader", "sha384", 48), std::chrono::system_clock::now());
    for (const auto& signature : {by_oid[0], by_params[0]}) {
        auto verified = pkeyutl_verify("leader", hash, signature,
                                       {"digest:sha384", "rsa_padding_mode:pss", "rsa_pss_saltlen:48", "rsa_mgf1_md:sha384"});
        BOOST_TEST(verified.exit_code == 0, verified.output);
    }
    // Other salts and a SHA-1 MGF are not what our signatures use: refused, not silently changed.
    BOOST_TEST(error_code_of([&] {
                   sign_hashes(signer, credential("leader"), {hash}, "1.2.840.113549.1.1.10", std::nullopt, pss_params("leader", "sha384", 20),
                               std::chrono::system_clock::now());
               }) == "unsupported_pss_params");
}

BOOST_AUTO_TEST_CASE(ecdsa_signatures_verify_with_openssl) {
    auto& signer = SigningServices::shared().hashes;
    auto hash = digest_of("Đơn đăng ký", "sha256");
    for (auto [sign_algo, hash_algo] : {std::pair<std::string, std::optional<std::string>>{"1.2.840.10045.2.1", sha256_oid},
                                        {"1.2.840.10045.4.3.2", std::nullopt}}) {
        auto signatures = sign_hashes(signer, credential("citizen"), {hash}, sign_algo, hash_algo, std::nullopt, std::chrono::system_clock::now());
        auto verified = pkeyutl_verify("citizen", hash, signatures[0], {});
        BOOST_TEST(verified.exit_code == 0, verified.output);
    }
}

BOOST_AUTO_TEST_CASE(refuses_bad_requests_before_the_token_signs) {
    auto& signer = SigningServices::shared().hashes;
    auto now = std::chrono::system_clock::now();
    auto sha256 = digest_of("x", "sha256");
    auto sign = [&](const std::string& label, const std::vector<uint8_t>& hash, const std::string& sign_algo,
                    std::optional<std::string> hash_algo) {
        return error_code_of([&] { sign_hashes(signer, credential(label), {hash}, sign_algo, hash_algo, std::nullopt, now); });
    };
    BOOST_TEST(sign("leader", sha256, "1.2.840.113549.1.1.5", std::nullopt) == "unsupported_sign_algo");  // sha1WithRSA
    BOOST_TEST(sign("leader", sha256, "1.2.840.113549.1.1.1", std::nullopt) == "hash_algo_missing");
    BOOST_TEST(sign("leader", sha256, "1.2.840.113549.1.1.1", "1.3.14.3.2.26") == "unsupported_digest");  // SHA-1
    BOOST_TEST(sign("leader", sha256, "1.2.840.113549.1.1.11", sha384_oid) == "hash_algo_mismatch");
    BOOST_TEST(sign("leader", digest_of("x", "sha384"), "1.2.840.113549.1.1.11", std::nullopt) == "invalid_hash_length");
    BOOST_TEST(sign("citizen", sha256, "1.2.840.113549.1.1.11", std::nullopt) == "sign_algo_key_mismatch");
    BOOST_TEST(sign("leader", sha256, "1.2.840.10045.4.3.2", std::nullopt) == "sign_algo_key_mismatch");
    // A certificate outside its validity is refused (check_signer), whatever the key says.
    BOOST_TEST(error_code_of([&] {
                   sign_hashes(signer, credential("leader"), {sha256}, "1.2.840.113549.1.1.11", std::nullopt, std::nullopt,
                               now + std::chrono::hours(24 * 365 * 4));
               }) == "certificate_expired");
}

BOOST_AUTO_TEST_SUITE_END()
