// The validation policy file: the shipped default, overrides, and refusals of bad files.

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "error_code.h"
#include "sign/openssl_ptr.h"
#include "sign/utc_time.h"
#include "sign/validate/policy.h"
#include "temp_dir.h"

namespace sign::test {
namespace {

using validate::ConstraintLevel;
using validate::ValidationPolicy;

std::string source_policy_path() {
    const char* source = std::getenv("SIGN_SOURCE_DIR");
    return std::string(source ? source : ".") + "/config/validation-policy.toml";
}

std::string parse_error(const std::string& text, std::string* message = nullptr) {
    return error_code_of([&] { ValidationPolicy::parse(text, "test.toml"); }, message);
}

EvpPkeyPtr generate(const char* algorithm, int bits_or_curve) {
    EvpPkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY_keygen_init(context.get());
    if (std::string(algorithm) == "RSA") EVP_PKEY_CTX_set_rsa_keygen_bits(context.get(), bits_or_curve);
    else EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context.get(), bits_or_curve);
    EVP_PKEY* key = nullptr;
    EVP_PKEY_generate(context.get(), &key);
    return EvpPkeyPtr(key);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(validation_policy)

BOOST_AUTO_TEST_CASE(built_in_default_is_the_shipped_file) {
    const ValidationPolicy& built_in = ValidationPolicy::default_policy();
    ValidationPolicy shipped = ValidationPolicy::load(source_policy_path());
    BOOST_TEST(built_in.name == shipped.name);
    BOOST_TEST(built_in.name.find("Thông tư 15/2025/TT-BKHCN") != std::string::npos);
    BOOST_TEST(built_in.digests.size() == shipped.digests.size());
    BOOST_TEST((built_in.revocation_status == ConstraintLevel::fail));
    BOOST_TEST((built_in.signing_certificate_attribute == ConstraintLevel::fail));
    BOOST_TEST(built_in.revocation_max_age.count() == 86400);

    auto now = std::chrono::system_clock::now();
    BOOST_TEST(!built_in.check_digest("sha256", now).has_value());
    BOOST_TEST(!built_in.check_digest("SHA3-384", now).has_value());
    auto sha1 = built_in.check_digest("sha1", now);
    BOOST_REQUIRE(sha1.has_value());
    BOOST_TEST(sha1->vi == "SHA-1 không được chấp nhận (Thông tư 15/2025/TT-BKHCN)");
    BOOST_TEST(sha1->en == "SHA-1 is not accepted");

    BOOST_TEST(!built_in.check_key(generate("RSA", 2048).get(), now).has_value());
    auto rsa1024 = built_in.check_key(generate("RSA", 1024).get(), now);
    BOOST_REQUIRE(rsa1024.has_value());
    BOOST_TEST(rsa1024->vi.find("RSA 1024 bit") != std::string::npos);
    BOOST_TEST(!built_in.check_key(generate("EC", NID_X9_62_prime256v1).get(), now).has_value());
    BOOST_TEST(built_in.check_key(generate("EC", NID_X9_62_prime192v1).get(), now).has_value());
    BOOST_TEST(!built_in.check_scheme("rsa-pss").has_value());
    BOOST_TEST(!built_in.check_scheme("rsa-pkcs1").has_value());
}

BOOST_AUTO_TEST_CASE(a_file_overrides_what_it_names_and_keeps_the_rest) {
    ValidationPolicy policy = ValidationPolicy::parse(R"(
name = "Chính sách thử"
[constraints]
revocation_status = "WARN"
signature_timestamp = "FAIL"
[revocation]
max_age_seconds = 3600
[algorithms]
signature_schemes = ["ecdsa"]
[[algorithms.digest]]
name = "sha256"
until = 2020-01-01
[[algorithms.digest]]
name = "sha512"
)");
    BOOST_TEST(policy.name == "Chính sách thử");
    BOOST_TEST((policy.revocation_status == ConstraintLevel::warn));
    BOOST_TEST((policy.signature_timestamp == ConstraintLevel::fail));
    BOOST_TEST((policy.cryptographic == ConstraintLevel::fail));  // kept from the default
    BOOST_TEST(policy.revocation_max_age.count() == 3600);
    BOOST_TEST(policy.keys.size() == 2u);                          // kept from the default
    // SHA-256 accepted before its end date, refused after, with the date in the reason.
    auto refusal = policy.check_digest("sha256", parse_utc("2021-06-01T00:00:00Z"));
    BOOST_REQUIRE(refusal.has_value());
    BOOST_TEST(refusal->vi.find("2020-01-01") != std::string::npos);
    BOOST_TEST(!policy.check_digest("sha256", parse_utc("2019-06-01T00:00:00Z")).has_value());
    BOOST_TEST(policy.check_scheme("rsa-pss").has_value());
}

BOOST_AUTO_TEST_CASE(bad_policy_files_are_refused_with_a_clear_error) {
    std::string message;
    BOOST_TEST(parse_error("name = \n", &message) == "invalid_validation_policy");
    BOOST_TEST(message.find("test.toml") != std::string::npos);
    BOOST_TEST(parse_error("name = \"x\"\n[constraints]\nrevocation_status = \"MAYBE\"\n", &message) == "invalid_validation_policy");
    BOOST_TEST(message.find("revocation_status") != std::string::npos);
    BOOST_TEST(parse_error("name = \"x\"\n[constraints]\nno_such_check = \"FAIL\"\n", &message) == "invalid_validation_policy");
    BOOST_TEST(message.find("no_such_check") != std::string::npos);
    BOOST_TEST(parse_error("name = \"x\"\nsurprise = 1\n") == "invalid_validation_policy");
    BOOST_TEST(parse_error("name = \"x\"\n[[algorithms.digest]]\nname = \"sha-999\"\n") == "invalid_validation_policy");
    BOOST_TEST(parse_error("name = \"x\"\n[[algorithms.digest]]\nname = \"sha256\"\nuntil = \"soon\"\n") == "invalid_validation_policy");
    BOOST_TEST(parse_error("name = \"x\"\n[[algorithms.key]]\ntype = \"dsa\"\nmin_bits = 2048\n") == "invalid_validation_policy");
    BOOST_TEST(parse_error("name = \"x\"\n[algorithms]\nsignature_schemes = [\"rsa-x931\"]\n") == "invalid_validation_policy");
    BOOST_TEST(parse_error("name = \"x\"\n[revocation]\nmax_age_seconds = -5\n") == "invalid_validation_policy");
    BOOST_TEST(parse_error("name = \"\"\n") == "invalid_validation_policy");
    BOOST_TEST(error_code_of([] { ValidationPolicy::load("/nonexistent/policy.toml"); }) == "file_not_found");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sign::test
