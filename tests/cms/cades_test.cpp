// CAdES B-B and B-T, detached and enveloping, with every scheme the city uses,
// signed on the test PKI's token and checked by `openssl cms -verify` (test root
// as the only trust anchor) and `openssl ts -verify`; and the hash-split, whose
// output must be byte-identical to one-shot signing.

#include <boost/test/unit_test.hpp>

#include <openssl/cms.h>

#include "cms_fixture.h"
#include "command.h"
#include "error_code.h"
#include "sign/cades.h"
#include "sign/error.h"
#include "temp_dir.h"

using namespace sign;
using namespace sign::test;

namespace {

CmsPtr parse_cms(const std::vector<std::uint8_t>& der) {
    const unsigned char* cursor = der.data();
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())));
    BOOST_TEST_REQUIRE(cms.get() != nullptr);
    return cms;
}

CMS_SignerInfo* signer_info_of(CMS_ContentInfo* cms) { return sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0); }

std::vector<std::uint8_t> signature_value_of(const std::vector<std::uint8_t>& der) {
    auto cms = parse_cms(der);
    ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(signer_info_of(cms.get()));
    return {ASN1_STRING_get0_data(value), ASN1_STRING_get0_data(value) + ASN1_STRING_length(value)};
}

// The signature-time-stamp token (id-aa-signatureTimeStampToken), or nothing.
std::vector<std::uint8_t> timestamp_token_of(const std::vector<std::uint8_t>& der) {
    auto cms = parse_cms(der);
    CMS_SignerInfo* info = signer_info_of(cms.get());
    int index = CMS_unsigned_get_attr_by_NID(info, NID_id_smime_aa_timeStampToken, -1);
    if (index < 0) return {};
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(info, index), 0);
    BOOST_TEST_REQUIRE(value->type == V_ASN1_SEQUENCE);
    const ASN1_STRING* token = value->value.sequence;
    return {ASN1_STRING_get0_data(token), ASN1_STRING_get0_data(token) + ASN1_STRING_length(token)};
}

struct SchemeCase {
    std::string label;
    SignatureScheme scheme;
};

const std::vector<SchemeCase> scheme_cases{
    {"agency-seal", SignatureScheme::rsa_pkcs1v15},
    {"leader", SignatureScheme::rsa_pkcs1v15},
    {"agency-seal", SignatureScheme::rsa_pss},
    {"leader", SignatureScheme::rsa_pss},
    {"citizen", SignatureScheme::ecdsa},
};

const std::vector<std::uint8_t> document =
    bytes_of("Đơn đề nghị cấp giấy phép xây dựng\nNgười đề nghị: Trần Thị Bích Ngọc\n\x00\x01\xff binary tail");

// A TimestampSource that asks the real TSA once and then answers every later request with that
// same token, so a B-T signature can be made twice byte for byte.
class ReplayingSource : public TimestampSource {
public:
    std::vector<std::uint8_t> timestamp(std::string_view digest_name, std::span<const std::uint8_t> digest) override {
        if (token_.empty()) {
            auto client = LocalTsa::shared().client();
            token_ = client.timestamp(digest_name, digest);
        }
        return token_;
    }

private:
    std::vector<std::uint8_t> token_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cades)

BOOST_AUTO_TEST_CASE(openssl_verifies_every_scheme_level_and_packaging) {
    auto& pki = TokenPki::shared();
    TempDir dir("cades");
    write_bytes(dir / "content.bin", document);
    SystemClock clock;
    for (const auto& [label, scheme] : scheme_cases)
        for (SignatureLevel level : {SignatureLevel::b_b, SignatureLevel::b_t})
            for (bool detached : {true, false}) {
                BOOST_TEST_CONTEXT(label << " " << to_string(scheme) << (level == SignatureLevel::b_t ? " B-T" : " B-B")
                                         << (detached ? " detached" : " enveloping")) {
                    Signer signer = pki.signer(label, scheme);
                    auto tsa = LocalTsa::shared().client();
                    auto cms = sign_cades(signer, document, {.detached = detached, .level = level}, clock,
                                          level == SignatureLevel::b_t ? &tsa : nullptr);
                    write_bytes(dir / "signature.p7s", cms);

                    std::vector<std::string> verify = {"openssl", "cms", "-verify", "-inform", "DER", "-in",
                                                       (dir / "signature.p7s").string(), "-binary", "-CAfile",
                                                       pki.path("certs/root-ca.pem"), "-purpose", "any", "-out",
                                                       (dir / "verified.bin").string()};
                    if (detached) verify.insert(verify.end(), {"-content", (dir / "content.bin").string()});
                    auto verified = run_command(verify);
                    BOOST_TEST(verified.exit_code == 0, verified.output);
                    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
                    BOOST_TEST((read_bytes(dir / "verified.bin") == document));

                    auto printed = run_command({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                                                (dir / "signature.p7s").string()});
                    BOOST_TEST_REQUIRE(printed.exit_code == 0, printed.output);
                    const std::string& text = printed.output;
                    BOOST_TEST(text.find("id-smime-aa-signingCertificateV2") != std::string::npos);
                    BOOST_TEST(text.find("signingTime") != std::string::npos);
                    BOOST_TEST(text.find("messageDigest") != std::string::npos);
                    BOOST_TEST((text.find("eContent: <ABSENT>") != std::string::npos) == detached);
                    // Signer and issuing CA only, never the root.
                    auto cms_parsed = parse_cms(cms);
                    STACK_OF(X509)* certificates = CMS_get1_certs(cms_parsed.get());
                    BOOST_TEST(sk_X509_num(certificates) == 2);
                    for (int i = 0; i < sk_X509_num(certificates); ++i)
                        BOOST_TEST(X509_cmp(sk_X509_value(certificates, i), pki.certificate("root-ca").native()) != 0);
                    sk_X509_pop_free(certificates, X509_free);
                    if (scheme == SignatureScheme::rsa_pss) {
                        BOOST_TEST(text.find("algorithm: rsassaPss") != std::string::npos, text);
                        BOOST_TEST(text.find("mgf1") != std::string::npos);
                    }

                    auto token = timestamp_token_of(cms);
                    BOOST_TEST(token.empty() == (level == SignatureLevel::b_b));
                    if (!token.empty()) {
                        write_bytes(dir / "token.tst", token);
                        write_bytes(dir / "signature-value.bin", signature_value_of(cms));
                        auto ts = run_command({"openssl", "ts", "-verify", "-in", (dir / "token.tst").string(), "-token_in",
                                               "-data", (dir / "signature-value.bin").string(), "-CAfile",
                                               pki.path("certs/root-ca.pem"), "-untrusted",
                                               pki.path("certs/issuing-ca.pem")});
                        BOOST_TEST(ts.output.find("Verification: OK") != std::string::npos, ts.output);
                    }
                }
            }
}

BOOST_AUTO_TEST_CASE(a_tampered_content_fails_openssl_verification) {
    auto& pki = TokenPki::shared();
    TempDir dir("cades-tampered");
    SystemClock clock;
    auto cms = sign_cades(pki.signer("leader"), document, {}, clock, nullptr);
    write_bytes(dir / "signature.p7s", cms);
    auto changed = document;
    changed[0] ^= 1;
    write_bytes(dir / "content.bin", changed);
    auto verified = run_command({"openssl", "cms", "-verify", "-inform", "DER", "-in", (dir / "signature.p7s").string(),
                                 "-binary", "-content", (dir / "content.bin").string(), "-CAfile",
                                 pki.path("certs/root-ca.pem"), "-purpose", "any", "-out", "/dev/null"});
    BOOST_TEST(verified.exit_code != 0);
    BOOST_TEST(verified.output.find("Verification successful") == std::string::npos, verified.output);
}

BOOST_AUTO_TEST_CASE(signing_time_can_be_left_out_for_pades) {
    auto& pki = TokenPki::shared();
    TempDir dir("cades-no-time");
    SystemClock clock;
    auto tsa = LocalTsa::shared().client();
    auto cms = sign_cades_digest(pki.signer("agency-seal"), sha256_of(document),
                                 {.level = SignatureLevel::b_t, .signing_time_attribute = false}, clock, &tsa);
    write_bytes(dir / "signature.p7s", cms);
    write_bytes(dir / "content.bin", document);
    auto printed = run_command({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", (dir / "signature.p7s").string()});
    // Only our signed attributes count: the TSA's token inside the unsigned ones has its own signingTime.
    auto unsigned_start = printed.output.find("unsignedAttrs:");
    BOOST_TEST_REQUIRE(unsigned_start != std::string::npos);
    BOOST_TEST(printed.output.substr(0, unsigned_start).find("signingTime") == std::string::npos);
    BOOST_TEST(printed.output.find("id-smime-aa-signingCertificateV2") != std::string::npos);
    BOOST_TEST(printed.output.find("id-smime-aa-timeStampToken") != std::string::npos);
    auto verified = run_command({"openssl", "cms", "-verify", "-inform", "DER", "-in", (dir / "signature.p7s").string(),
                                 "-binary", "-content", (dir / "content.bin").string(), "-CAfile",
                                 pki.path("certs/root-ca.pem"), "-purpose", "any", "-out", "/dev/null"});
    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
}

BOOST_AUTO_TEST_CASE(finalize_is_byte_identical_to_one_shot) {
    auto& pki = TokenPki::shared();
    FixedClock clock(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    for (const auto& [label, scheme] : scheme_cases)
        for (bool detached : {true, false})
            for (SignatureLevel level : {SignatureLevel::b_b, SignatureLevel::b_t}) {
                BOOST_TEST_CONTEXT(label << " " << to_string(scheme) << (detached ? " detached" : " enveloping")
                                         << (level == SignatureLevel::b_t ? " B-T" : " B-B")) {
                    Signer signer = pki.signer(label, scheme);
                    CadesOptions options{.detached = detached, .level = level};
                    ReplayingSource tsa;
                    auto one_shot = sign_cades(signer, document, options, clock, &tsa);
                    auto prepared = prepare_cades(signer, document, options, clock.now());
                    BOOST_TEST((prepared.scheme == scheme));
                    BOOST_TEST(prepared.digest_name == "sha256");
                    auto finalized = finalize_cades(prepared, signature_value_of(one_shot), &tsa);
                    BOOST_TEST((finalized == one_shot));
                    if (detached) {
                        auto from_digest = prepare_cades_digest(signer, sha256_of(document), options, clock.now());
                        BOOST_TEST((from_digest.digest == prepared.digest));
                        BOOST_TEST((finalize_cades(from_digest, signature_value_of(one_shot), &tsa) == one_shot));
                        // PKCS#1 v1.5 is deterministic: signing the digest must give the very same bytes.
                        if (scheme == SignatureScheme::rsa_pkcs1v15)
                            BOOST_TEST((sign_cades_digest(signer, sha256_of(document), options, clock, &tsa) == one_shot));
                    }
                }
            }
}

BOOST_AUTO_TEST_CASE(a_signature_made_elsewhere_completes_the_prepared_cms) {
    auto& pki = TokenPki::shared();
    TempDir dir("cades-split");
    SystemClock clock;
    Signer signer = pki.signer("citizen");
    auto prepared = prepare_cades(signer, document, {.detached = false}, clock.now());
    // What a remote signer does with the prepared digest alone.
    auto signature = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
    auto tsa = LocalTsa::shared().client();
    auto cms = finalize_cades(prepared, signature, &tsa);
    write_bytes(dir / "signature.p7s", cms);
    auto verified = run_command({"openssl", "cms", "-verify", "-inform", "DER", "-in", (dir / "signature.p7s").string(),
                                 "-binary", "-CAfile", pki.path("certs/root-ca.pem"), "-purpose", "any", "-out",
                                 (dir / "content.bin").string()});
    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
    BOOST_TEST((read_bytes(dir / "content.bin") == document));
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_refused_with_their_codes) {
    auto& pki = TokenPki::shared();
    SystemClock clock;
    Signer signer = pki.signer("leader");
    auto prepared = prepare_cades(signer, document, {.level = SignatureLevel::b_t}, clock.now());
    auto signature = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
    auto tsa = LocalTsa::shared().client();

    BOOST_TEST(error_code_of([&] { finalize_cades(prepared, signature, nullptr); }) == "timestamp_source_missing");
    auto wrong = signature;
    wrong[wrong.size() / 2] ^= 0x40;
    BOOST_TEST(error_code_of([&] { finalize_cades(prepared, wrong, &tsa); }) == "signature_mismatch");
    auto other = sign_digest(signer.key, prepared.scheme, prepared.digest_name, sha256_of(bytes_of("other")));
    BOOST_TEST(error_code_of([&] { finalize_cades(prepared, other, &tsa); }) == "signature_mismatch");
    auto damaged = prepared;
    damaged.state.resize(damaged.state.size() - 10);
    BOOST_TEST(error_code_of([&] { finalize_cades(damaged, signature, &tsa); }) == "bad_prepared_state");
    damaged = prepared;
    damaged.state[0] ^= 1;
    BOOST_TEST(error_code_of([&] { finalize_cades(damaged, signature, &tsa); }) == "bad_prepared_state");
    BOOST_TEST(error_code_of([&] { finalize_cades(PreparedSignature{}, signature, &tsa); }) == "bad_prepared_state");

    BOOST_TEST(error_code_of([&] { sign_cades(signer, document, {.level = SignatureLevel::b_t}, clock, nullptr); }) ==
               "timestamp_source_missing");
    BOOST_TEST(error_code_of([&] { prepare_cades_digest(signer, sha256_of(document), {.detached = false}, clock.now()); }) ==
               "enveloping_needs_content");
    BOOST_TEST(error_code_of([&] { prepare_cades_digest(signer, std::vector<std::uint8_t>(20), {}, clock.now()); }) ==
               "digest_length_mismatch");
    // The good value still completes the same state after all those refusals.
    BOOST_TEST(!finalize_cades(prepared, signature, &tsa).empty());
}

BOOST_AUTO_TEST_SUITE_END()
