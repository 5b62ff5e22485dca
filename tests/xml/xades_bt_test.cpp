// XAdES B-T: the SignatureTimeStamp from the test PKI's TSA (through the verifying
// TimestampClient) covers the exclusive C14N of ds:SignatureValue, which the test
// rebuilds by hand and hands to `openssl ts -verify`; xmlsec1 still verifies.

#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include "error_code.h"
#include "sign/xades.h"
#include "temp_dir.h"
#include "token_pki.h"
#include "xades_support.h"

using namespace sign;
using namespace sign::test;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string element_text(const std::string& document, const std::string& tag) {
    auto open = document.find("<" + tag);
    if (open == std::string::npos) return {};
    auto start = document.find('>', open) + 1;
    return document.substr(start, document.find("</" + tag + ">", start) - start);
}

std::string attribute(const std::string& document, const std::string& tag, const std::string& name) {
    auto open = document.find("<" + tag + " ");
    auto at = document.find(" " + name + "=\"", open) + name.size() + 3;
    return document.substr(at, document.find('"', at) - at);
}

std::string hex_sha256(const std::string& data) {
    unsigned char hash[32];
    EVP_Digest(data.data(), data.size(), hash, nullptr, EVP_sha256(), nullptr);
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char byte : hash) {
        hex += digits[byte >> 4];
        hex += digits[byte & 0x0f];
    }
    return hex;
}

// The time-stamp token in `signed_text` must verify against the test root and cover the exclusive
// C14N of its ds:SignatureValue, written out here from the XML-DSig and C14N rules.
void check_signature_time_stamp(const std::string& signed_text, const TempDir& dir, const std::string& name) {
    std::string canonical_value = "<ds:SignatureValue xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"" +
                                  attribute(signed_text, "ds:SignatureValue", "Id") + "\">" +
                                  element_text(signed_text, "ds:SignatureValue") + "</ds:SignatureValue>";
    BOOST_TEST(contains(signed_text, "<xades:UnsignedProperties><xades:UnsignedSignatureProperties><xades:SignatureTimeStamp Id=\""));
    BOOST_TEST(contains(signed_text, "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><xades:EncapsulatedTimeStamp>"));
    write_bytes(dir / (name + ".b64"), bytes_of(element_text(signed_text, "xades:EncapsulatedTimeStamp") + "\n"));
    BOOST_REQUIRE(run_command({"openssl", "base64", "-d", "-A", "-in", (dir / (name + ".b64")).string(), "-out",
                               (dir / (name + ".tst")).string()}).exit_code == 0);
    auto& pki = TokenPki::shared();
    auto verify = run_command({"openssl", "ts", "-verify", "-digest", hex_sha256(canonical_value), "-in",
                               (dir / (name + ".tst")).string(), "-token_in", "-CAfile", pki.path("certs/root-ca.pem"),
                               "-untrusted", pki.path("certs/issuing-ca.pem")});
    BOOST_TEST(verify.exit_code == 0, verify.output);
    BOOST_TEST(contains(verify.output, "Verification: OK"), verify.output);

    // The same token does not fit another signature value.
    auto other = run_command({"openssl", "ts", "-verify", "-digest", hex_sha256(canonical_value + " "), "-in",
                              (dir / (name + ".tst")).string(), "-token_in", "-CAfile", pki.path("certs/root-ca.pem"),
                              "-untrusted", pki.path("certs/issuing-ca.pem")});
    BOOST_TEST(other.exit_code != 0, other.output);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(xades_b_t)

BOOST_AUTO_TEST_CASE(enveloped_and_detached_b_t_carry_a_valid_signature_time_stamp) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades-bt");
    auto clock = signing_clock();
    auto tsa = LocalTsa::shared().client();
    auto document = sample("application-form.xml");
    write_bytes(dir / "application-form.xml", document);

    for (auto [label, scheme] : {std::pair{std::string("leader"), SignatureScheme::rsa_pkcs1v15},
                                 std::pair{std::string("citizen"), SignatureScheme::ecdsa}}) {
        for (bool enveloped : {true, false}) {
            std::string name = label + (enveloped ? "-enveloped" : "-detached");
            BOOST_TEST_CONTEXT(name) {
                Signer signer = pki.signer(label, scheme);
                XadesOptions options;
                options.level = SignatureLevel::b_t;
                if (!enveloped) {
                    options.packaging = XadesPackaging::detached;
                    options.detached_uri = "application-form.xml";
                }
                std::string text = text_of(sign_xades(signer, document, options, clock, &tsa));
                write_bytes(dir / (name + ".xml"), bytes_of(text));
                auto result = enveloped ? xmlsec_verify(dir / (name + ".xml"))
                                        : xmlsec_verify(dir / (name + ".xml"), "application-form.xml", dir / "application-form.xml");
                BOOST_TEST(verified(result), result.output);
                check_signature_time_stamp(text, dir, name);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(b_t_split_differs_from_one_shot_only_in_the_time_stamp) {
    auto& pki = TokenPki::shared();
    auto clock = signing_clock();
    auto tsa = LocalTsa::shared().client();
    Signer leader = pki.signer("leader", SignatureScheme::rsa_pkcs1v15);
    XadesOptions options;
    options.level = SignatureLevel::b_t;
    auto document = sample("application-form.xml");

    std::string one_shot = text_of(sign_xades(leader, document, options, clock, &tsa));
    PreparedSignature prepared = prepare_xades(leader, document, options, clock);
    std::string split = text_of(finalize_xades(prepared, sign_digest(leader.key, prepared.scheme, prepared.digest_name, prepared.digest), &tsa));
    auto first_token = element_text(one_shot, "xades:EncapsulatedTimeStamp");
    auto second_token = element_text(split, "xades:EncapsulatedTimeStamp");
    BOOST_TEST(first_token.size() > 1000u);
    BOOST_TEST(first_token != second_token);  // a fresh serial, nonce and time each request
    BOOST_TEST(replaced(one_shot, first_token, "") == replaced(split, second_token, ""));
}

BOOST_AUTO_TEST_CASE(b_t_without_a_time_stamp_source_is_refused) {
    auto& pki = TokenPki::shared();
    Signer citizen = pki.signer("citizen");
    XadesOptions options;
    options.level = SignatureLevel::b_t;
    PreparedSignature prepared = prepare_xades(citizen, sample("application-form.xml"), options, signing_clock());
    auto value = sign_digest(citizen.key, prepared.scheme, prepared.digest_name, prepared.digest);
    BOOST_TEST(error_code_of([&] { finalize_xades(prepared, value, nullptr); }) == "timestamp_source_required");
}

BOOST_AUTO_TEST_SUITE_END()
