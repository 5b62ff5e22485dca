// The EN 319 102-1 process over XAdES: libsign's own enveloped and detached signatures, enveloping
// ones made by the `xmlsec1 --sign` command with `xmlsec1 --verify` as the second opinion on valid
// and tampered files, the policy's refusals, and hostile XML.

#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include "sign/base64.h"
#include "sign/utc_time.h"
#include "sign/validate/xades_validator.h"
#include "sign/xades.h"

#include "validate_fixture.h"

namespace sign::test {
namespace {

using namespace std::chrono_literals;
using validate::SignedContent;
using validate::ValidationReport;

const std::string form = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<HoSo xmlns=\"urn:city-sign:test\"><NguoiNop>Trần Thị Hoa</NguoiNop><NoiDung>Đơn đề nghị cấp phép xây dựng</NoiDung></HoSo>\n";

std::string text_of(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "'" << from << "' is not in the text");
    return text.replace(at, from.size(), to);
}

IssuedLeaf& rsa_citizen() {
    static IssuedLeaf leaf = ValidatePki::shared().issue("CN=Trần Thị Hoa,L=Đà Nẵng,C=VN,UID=CCCD:048190000021", "rsa-2048");
    return leaf;
}

std::vector<std::uint8_t> sign_ours(XadesPackaging packaging, const std::vector<std::uint8_t>& document, bool timestamp) {
    auto& fixture = ValidatePki::shared();
    XadesOptions options;
    options.packaging = packaging;
    options.level = timestamp ? SignatureLevel::b_t : SignatureLevel::b_b;
    if (packaging == XadesPackaging::detached) options.detached_uri = "don-de-nghi.pdf";
    TimestampClient client = fixture.tsa_client(fixture.clock);
    return sign_xades(fixture.signer(rsa_citizen(), SignatureScheme::rsa_pkcs1v15), document, options, fixture.clock,
                      timestamp ? &client : nullptr);
}

// An enveloping XAdES template for `xmlsec1 --sign`: the signed data in a ds:Object, the signed
// properties with SigningCertificateV2 over the signer's certificate.
std::string enveloping_template(const Certificate& signer, const std::string& method, const std::string& digest_uri) {
    auto der = signer.to_der();
    std::vector<std::uint8_t> certificate_digest(32);
    unsigned length = 0;
    EVP_Digest(der.data(), der.size(), certificate_digest.data(), &length, EVP_sha256(), nullptr);
    const std::string transforms = "<ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"sig-1\"><ds:SignedInfo>"
           "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
           "<ds:SignatureMethod Algorithm=\"" + method + "\"/>"
           "<ds:Reference URI=\"#content\">" + transforms + "<ds:DigestMethod Algorithm=\"" + digest_uri + "\"/><ds:DigestValue/></ds:Reference>"
           "<ds:Reference URI=\"#sig-1-props\" Type=\"http://uri.etsi.org/01903#SignedProperties\">" + transforms +
           "<ds:DigestMethod Algorithm=\"" + digest_uri + "\"/><ds:DigestValue/></ds:Reference>"
           "</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>"
           "<ds:Object Id=\"content\"><HoSo xmlns=\"urn:city-sign:test\"><NguoiNop>Trần Thị Hoa</NguoiNop></HoSo></ds:Object>"
           "<ds:Object><xades:QualifyingProperties xmlns:xades=\"http://uri.etsi.org/01903/v1.3.2#\" Target=\"#sig-1\">"
           "<xades:SignedProperties Id=\"sig-1-props\"><xades:SignedSignatureProperties>"
           "<xades:SigningTime>" + format_utc(std::chrono::system_clock::now()) + "</xades:SigningTime>"
           "<xades:SigningCertificateV2><xades:Cert><xades:CertDigest>"
           "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
           "<ds:DigestValue>" + encode_base64(certificate_digest) + "</ds:DigestValue>"
           "</xades:CertDigest></xades:Cert></xades:SigningCertificateV2>"
           "</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature>\n";
}

const std::vector<std::string> xades_ids = {"--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
                                            "--id-attr:Id", "http://www.w3.org/2000/09/xmldsig#:Object"};

std::vector<std::uint8_t> sign_with_xmlsec1(const TempDir& folder, const std::string& xml_template) {
    write_bytes(folder / "template.xml", bytes_of(xml_template));
    std::vector<std::string> argv{"xmlsec1", "--sign", "--privkey-pem",
                                  (folder / "key.pem").string() + "," + (folder / "cert.pem").string() + "," + (folder / "chain.pem").string()};
    argv.insert(argv.end(), xades_ids.begin(), xades_ids.end());
    argv.insert(argv.end(), {"--output", (folder / "signed.xml").string(), (folder / "template.xml").string()});
    CommandResult result = run_command(argv);
    BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "xmlsec1 --sign failed: " << result.output);
    return read_bytes(folder / "signed.xml");
}

bool xmlsec1_verifies(const TempDir& folder, const std::vector<std::uint8_t>& signed_xml) {
    write_bytes(folder / "verify.xml", signed_xml);
    std::vector<std::string> argv{"xmlsec1", "--verify", "--trusted-pem", (folder / "root.pem").string(), "--untrusted-pem",
                                  (folder / "chain.pem").string(), "--enabled-reference-uris", "empty,same-doc"};
    argv.insert(argv.end(), xades_ids.begin(), xades_ids.end());
    argv.push_back((folder / "verify.xml").string());
    CommandResult result = run_command(argv);
    return result.exit_code == 0 && result.output.find("OK") != std::string::npos;
}

BOOST_AUTO_TEST_SUITE(xades_validation)

BOOST_AUTO_TEST_CASE(our_enveloped_signature_with_timestamp_passes_at_level_t) {
    auto& fixture = ValidatePki::shared();
    auto signed_xml = sign_ours(XadesPackaging::enveloped, bytes_of(form), true);
    ValidationReport report = validate::validate_xades(signed_xml, SignedContent::attached(), fixture.options());
    CHECK_VERDICT(report, "TOTAL-PASSED");
    const auto& signature = only(report);
    BOOST_TEST(signature.format == "XAdES");
    BOOST_TEST(signature.level == "XAdES-BASELINE-T");
    BOOST_TEST(signature.signer.common_name == "Trần Thị Hoa");
    BOOST_TEST(signature.integrity.value_or(false));
    BOOST_TEST(signature.signature_value_valid.value_or(false));
    BOOST_TEST(signature.best_signature_time_proven);
    BOOST_REQUIRE_EQUAL(signature.timestamps.size(), 1u);
    BOOST_TEST(signature.timestamps[0].valid);
    BOOST_TEST(signature.claimed_signing_time.has_value());
    BOOST_TEST(signature.chain.size() == 3u);
}

BOOST_AUTO_TEST_CASE(our_detached_signature_passes_with_the_file_or_its_digest) {
    auto& fixture = ValidatePki::shared();
    const auto file = bytes_of("%PDF-1.7 tệp bất kỳ được ký tách rời\n");
    auto signature_xml = sign_ours(XadesPackaging::detached, file, false);
    auto options = fixture.options();
    ValidationReport with_file = validate::validate_xades(signature_xml, SignedContent::detached(file), options);
    CHECK_VERDICT(with_file, "TOTAL-PASSED");
    BOOST_TEST(only(with_file).level == "XAdES-BASELINE-B");

    std::vector<std::uint8_t> digest(32);
    unsigned length = 0;
    EVP_Digest(file.data(), file.size(), digest.data(), &length, EVP_sha256(), nullptr);
    CHECK_VERDICT(validate::validate_xades(signature_xml, SignedContent::digest("sha256", digest), options), "TOTAL-PASSED");

    ValidationReport without = validate::validate_xades(signature_xml, SignedContent::attached(), options);
    CHECK_VERDICT(without, "INDETERMINATE/SIGNED_DATA_NOT_FOUND");

    auto other = bytes_of("%PDF-1.7 một tệp khác\n");
    ValidationReport changed = validate::validate_xades(signature_xml, SignedContent::detached(other), options);
    CHECK_VERDICT(changed, "TOTAL-FAILED/HASH_FAILURE");
    BOOST_TEST(!only(changed).integrity.value_or(true));
}

BOOST_AUTO_TEST_CASE(tampered_content_and_signed_properties_fail) {
    auto& fixture = ValidatePki::shared();
    std::string signed_xml = text_of(sign_ours(XadesPackaging::enveloped, bytes_of(form), false));
    auto options = fixture.options();

    auto content = bytes_of(replaced(signed_xml, "cấp phép xây dựng", "cấp phép phá dỡ"));
    ValidationReport changed = validate::validate_xades(content, SignedContent::attached(), options);
    CHECK_VERDICT(changed, "TOTAL-FAILED/HASH_FAILURE");
    BOOST_TEST(has_finding(only(changed), "hash_failure"));

    auto start = signed_xml.find("<xades:SigningTime>") + std::string("<xades:SigningTime>").size();
    std::string properties = signed_xml;
    properties.replace(start, 4, "2020");
    ValidationReport backdated = validate::validate_xades(bytes_of(properties), SignedContent::attached(), options);
    CHECK_VERDICT(backdated, "TOTAL-FAILED/HASH_FAILURE");
    BOOST_TEST(has_finding(only(backdated), "signed_properties_hash_failure"));

    // A changed SignatureValue: the references hold, the signature does not.
    auto value_at = signed_xml.find("<ds:SignatureValue");
    value_at = signed_xml.find('>', value_at) + 1;
    std::string value = signed_xml;
    value[value_at + 10] = value[value_at + 10] == 'A' ? 'B' : 'A';
    ValidationReport forged = validate::validate_xades(bytes_of(value), SignedContent::attached(), options);
    CHECK_VERDICT(forged, "TOTAL-FAILED/SIG_CRYPTO_FAILURE");
}

BOOST_AUTO_TEST_CASE(xmlsec1_enveloping_signature_agrees_with_xmlsec1_verify) {
    auto& fixture = ValidatePki::shared();
    TempDir folder("xades-validate");
    fixture.write_pem_files(rsa_citizen(), folder.path());
    auto signed_xml = sign_with_xmlsec1(folder, enveloping_template(rsa_citizen().certificate, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                                                                    "http://www.w3.org/2001/04/xmlenc#sha256"));
    ValidationReport report = validate::validate_xades(signed_xml, SignedContent::attached(), fixture.options());
    CHECK_VERDICT(report, "TOTAL-PASSED");
    BOOST_TEST(only(report).level == "XAdES-BASELINE-B");
    BOOST_TEST(xmlsec1_verifies(folder, signed_xml));

    auto tampered = bytes_of(replaced(text_of(signed_xml), "<NguoiNop>Trần Thị Hoa", "<NguoiNop>Trần Thị Hòa"));
    CHECK_VERDICT(validate::validate_xades(tampered, SignedContent::attached(), fixture.options()), "TOTAL-FAILED/HASH_FAILURE");
    BOOST_TEST(!xmlsec1_verifies(folder, tampered));

    // Wrapping: the signed ds:Object moved out of the signature and a forged one put in its place;
    // xmlsec alone follows the Id to the original and says OK.
    std::string original = text_of(signed_xml);
    auto object_start = original.find("<ds:Object Id=\"content\">");
    auto object_end = original.find("</ds:Object>", object_start) + std::string("</ds:Object>").size();
    std::string signed_object = original.substr(object_start, object_end - object_start);
    std::string wrapped = original;
    wrapped.replace(object_start, signed_object.size(), "<ds:Object><HoSo xmlns=\"urn:city-sign:test\"><NguoiNop>Kẻ giả mạo</NguoiNop></HoSo></ds:Object>");
    wrapped = replaced(wrapped, "</ds:Signature>", "</ds:Signature></Wrapper>");
    wrapped = replaced(wrapped, "<ds:Signature ", "<Wrapper xmlns=\"urn:attack\"><Hidden xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" +
                                                     signed_object + "</Hidden><ds:Signature ");
    ValidationReport attack = validate::validate_xades(bytes_of(wrapped), SignedContent::attached(), fixture.options());
    CHECK_VERDICT(attack, "TOTAL-FAILED/FORMAT_FAILURE");
    BOOST_TEST(has_finding(only(attack), "reference_target_outside"));
}

BOOST_AUTO_TEST_CASE(sha1_signature_fails_by_policy_with_the_reason) {
    auto& fixture = ValidatePki::shared();
    TempDir folder("xades-validate");
    fixture.write_pem_files(rsa_citizen(), folder.path());
    auto signed_xml = sign_with_xmlsec1(folder, enveloping_template(rsa_citizen().certificate, "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                                                                    "http://www.w3.org/2000/09/xmldsig#sha1"));
    BOOST_TEST(xmlsec1_verifies(folder, signed_xml));  // cryptographically sound
    ValidationReport report = validate::validate_xades(signed_xml, SignedContent::attached(), fixture.options());
    CHECK_VERDICT(report, "TOTAL-FAILED/CRYPTO_CONSTRAINTS_FAILURE");
    BOOST_TEST(only(report).signature_value_valid.value_or(false));
    std::string reason = finding_text(only(report), "algorithm_refused");
    BOOST_TEST((reason.find("SHA-1") != std::string::npos || reason.find("sha1") != std::string::npos), reason);
}

BOOST_AUTO_TEST_CASE(untrusted_root_is_indeterminate) {
    auto& fixture = ValidatePki::shared();
    auto signed_xml = sign_ours(XadesPackaging::enveloped, bytes_of(form), false);
    validate::ValidationOptions stranger;
    SoftwareKey other_key = SoftwareKey::generate("ec-p256");
    stranger.trust.trust_anchors.push_back(CertificateAuthority::create_root(
        DistinguishedName::parse("CN=Other Root (TEST),O=Another Provider,C=VN"), other_key, fixture.pki.profiles.get("root"), std::nullopt,
        "sha256", std::chrono::system_clock::now() - 1h));
    stranger.trust.intermediates.push_back(fixture.pki.root.copy());
    ValidationReport report = validate::validate_xades(signed_xml, SignedContent::attached(), stranger);
    CHECK_VERDICT(report, "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND");
    BOOST_TEST(has_finding(only(report), "untrusted_root"));
}

BOOST_AUTO_TEST_CASE(hostile_xml_is_a_format_failure) {
    auto& fixture = ValidatePki::shared();
    auto options = fixture.options();
    const std::string laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\"><!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\"><!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\"><!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">&lol9;</ds:Signature>";
    const std::string external = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
                                 "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">&secret;</ds:Signature>";
    std::string deep = "<a>";
    for (int i = 0; i < 150; ++i) deep += "<b>";
    deep += "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>";
    for (int i = 0; i < 150; ++i) deep += "</b>";
    deep += "</a>";
    std::string deeper;
    for (int i = 0; i < 100000; ++i) deeper += "<b>";
    const std::string xslt =
        replaced(text_of(sign_ours(XadesPackaging::enveloped, bytes_of(form), false)), "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
                 "http://www.w3.org/TR/1999/REC-xslt-19991116");
    for (const std::string& hostile : {laughs, external, deep, deeper, xslt, std::string("không phải XML"), std::string()}) {
        ValidationReport report = validate::validate_xades(bytes_of(hostile), SignedContent::attached(), options);
        CHECK_VERDICT(report, "TOTAL-FAILED/FORMAT_FAILURE");
    }
    std::string twice = text_of(sign_ours(XadesPackaging::enveloped, bytes_of(form), false));
    const std::string marker = "<xades:SignedProperties Id=\"";
    auto id_at = twice.find(marker) + marker.size();
    std::string properties_id = twice.substr(id_at, twice.find('"', id_at) - id_at);
    twice = replaced(twice, "<NoiDung>", "<NoiDung Id=\"" + properties_id + "\">");
    ValidationReport duplicate = validate::validate_xades(bytes_of(twice), SignedContent::attached(), options);
    BOOST_TEST(verdict(only(duplicate)) == "TOTAL-FAILED/FORMAT_FAILURE");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace sign::test
