// Long-term CAdES (and XAdES) end to end on the short-lived PKI (short_lived_pki.h): `signctl sign
// cms --level b-lta`, detached and enveloping, then our validator offline today and 400 days on
// (the validation time moved, and signctl itself under libfaketime), with openssl checking that
// the signature itself still verifies under what was added. A changed archive time-stamp no longer
// makes the signature B-LTA; a signer revoked before signing is refused; `signctl extend` brings a
// B-T signature to B-LTA and, again, adds a fresh archive time-stamp.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>
#include <openssl/cms.h>
#include <openssl/x509.h>

#include "pdf_fixtures.h"
#include "short_lived_pki.h"
#include "sign/cades_long_term.h"
#include "sign/openssl_ptr.h"
#include "sign/validate/cms_validator.h"
#include "sign/validate/xades_validator.h"

using namespace sign;
using namespace sign::test;
using namespace sign::validate;

namespace fs = std::filesystem;

namespace {

std::span<const std::uint8_t> bytes_of(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

ValidationReport validate_cades(const fs::path& signature, const std::optional<fs::path>& document,
                                std::chrono::system_clock::time_point at) {
    std::string cms = read_file(signature);
    std::string content = document ? read_file(*document) : std::string();
    return validate_cms(bytes_of(cms), document ? SignedContent::detached(bytes_of(content)) : SignedContent::attached(),
                        ShortLivedPki::shared().offline_at(at));
}

std::size_t valid_archive_timestamps(const SignatureReport& report) {
    return static_cast<std::size_t>(std::count_if(report.timestamps.begin(), report.timestamps.end(), [](const TimestampReport& stamp) {
        return stamp.type == "archive-time-stamp" && stamp.valid;
    }));
}

// openssl's own view of the signature: the signed attributes and value over the content.
CommandResult openssl_verify(const fs::path& signature, const std::optional<fs::path>& document) {
    std::vector<std::string> argv = {"cms", "-verify", "-binary", "-inform", "DER", "-in", signature.string(), "-CAfile",
                                     ShortLivedPki::shared().path("ca/root-ca.pem"), "-purpose", "any", "-out", "/dev/null"};
    if (document) argv.insert(argv.end(), {"-content", document->string()});
    return openssl(argv);
}

// `signctl verify --offline` with the clock 400 days on: the one signature's JSON report.
nlohmann::json verify_in_the_future(const fs::path& file, const std::optional<fs::path>& document) {
    std::vector<std::string> argv = {"--json", "verify", file.string(), "--offline"};
    if (document) argv.insert(argv.end(), {"--detached", document->string()});
    auto result = ShortLivedPki::shared().signctl_with(argv, four_hundred_days_on());
    auto json = nlohmann::json::parse(result.output, nullptr, false);
    BOOST_TEST_REQUIRE(json.is_object(), result.output);
    BOOST_TEST_REQUIRE(json["signatures"].size() == 1u, result.output);
    BOOST_TEST(result.exit_code == 0, result.output);
    return json["signatures"][0];
}

void check_b_lta(const fs::path& signature, const std::optional<fs::path>& document, const std::string& level) {
    auto today = validate_cades(signature, document, std::chrono::system_clock::now());
    BOOST_TEST_REQUIRE(today.signatures.size() == 1u);
    BOOST_TEST(to_string(today.signatures[0].indication) == "TOTAL-PASSED", today.to_text(Language::english));
    BOOST_TEST(today.signatures[0].level == level);
    BOOST_TEST(valid_archive_timestamps(today.signatures[0]) >= 1u, today.to_text(Language::english));
    for (const auto& evidence : today.signatures[0].revocation) BOOST_TEST(to_string(evidence.source) == "signature");

    auto later = validate_cades(signature, document, after_expiry());
    BOOST_TEST_REQUIRE(later.signatures.size() == 1u);
    BOOST_TEST(later.offline);
    BOOST_TEST(later.fetches.empty());
    BOOST_TEST(to_string(later.signatures[0].indication) == "TOTAL-PASSED", later.to_text(Language::english));
    BOOST_TEST(later.signatures[0].level == level);
    BOOST_TEST(has_finding(later.signatures[0], "certificate_expired_after_poe"), later.to_text(Language::english));

    auto future = verify_in_the_future(signature, document);
    BOOST_TEST(future["indication"] == "TOTAL-PASSED", future.dump(2));
    BOOST_TEST(future["level"] == level, future.dump(2));

    auto verified = openssl_verify(signature, document);
    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
}

// The DER of the TSA's signature value inside the (first) archive time-stamp of `signature`.
std::string archive_timestamp_signature_value(const std::string& signature) {
    const unsigned char* cursor = reinterpret_cast<const unsigned char*>(signature.data());
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(signature.size())));
    BOOST_TEST_REQUIRE(!!cms);
    CMS_SignerInfo* signer = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
    Asn1ObjectPtr oid(OBJ_txt2obj("0.4.0.1733.2.4", 1));
    int at = CMS_unsigned_get_attr_by_OBJ(signer, oid.get(), -1);
    BOOST_TEST_REQUIRE(at >= 0);
    ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(signer, at), 0);
    const unsigned char* token_cursor = value->value.sequence->data;
    CmsPtr token(d2i_CMS_ContentInfo(nullptr, &token_cursor, value->value.sequence->length));
    BOOST_TEST_REQUIRE(!!token);
    const ASN1_OCTET_STRING* tsa_signature = CMS_SignerInfo_get0_signature(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(token.get()), 0));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(tsa_signature)),
                       static_cast<std::size_t>(ASN1_STRING_length(tsa_signature)));
}


ValidationReport validate_xml(const fs::path& file, std::chrono::system_clock::time_point at) {
    std::string xml = read_file(file);
    return validate_xades(bytes_of(xml), SignedContent::attached(), ShortLivedPki::shared().offline_at(at));
}

// xmlsec1's own view of the XML-DSig signature: every reference and the value over SignedInfo.
CommandResult xmlsec_verify(const fs::path& file) {
    auto& pki = ShortLivedPki::shared();
    return run_command({"xmlsec1", "--verify", "--trusted-pem", pki.path("ca/root-ca.pem"), "--untrusted-pem",
                        pki.path("ca/issuing-ca.pem"), "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
                        "--enabled-reference-uris", "empty,same-doc", file.string()});
}

void check_xades_b_lta(const fs::path& file) {
    auto today = validate_xml(file, std::chrono::system_clock::now());
    BOOST_TEST_REQUIRE(today.signatures.size() == 1u);
    BOOST_TEST(to_string(today.signatures[0].indication) == "TOTAL-PASSED", today.to_text(Language::english));
    BOOST_TEST(today.signatures[0].level == "XAdES-BASELINE-LTA", today.to_text(Language::english));
    for (const auto& evidence : today.signatures[0].revocation) BOOST_TEST(to_string(evidence.source) == "signature");

    auto later = validate_xml(file, after_expiry());
    BOOST_TEST_REQUIRE(later.signatures.size() == 1u);
    BOOST_TEST(later.fetches.empty());
    BOOST_TEST(to_string(later.signatures[0].indication) == "TOTAL-PASSED", later.to_text(Language::english));
    BOOST_TEST(later.signatures[0].level == "XAdES-BASELINE-LTA");
    BOOST_TEST(has_finding(later.signatures[0], "certificate_expired_after_poe"), later.to_text(Language::english));

    auto future = verify_in_the_future(file, std::nullopt);
    BOOST_TEST(future["indication"] == "TOTAL-PASSED", future.dump(2));
    BOOST_TEST(future["level"] == "XAdES-BASELINE-LTA", future.dump(2));

    auto verified = xmlsec_verify(file);
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(verified.output.find("OK") != std::string::npos, verified.output);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, from.substr(0, 40));
    return text.replace(at, from.size(), to);
}

// The base64 inside the first `element` (an element name with its prefix) of `xml`.
std::string encapsulated_token(const std::string& xml, const std::string& element) {
    auto at = xml.find("<" + element);
    BOOST_TEST_REQUIRE(at != std::string::npos, element);
    auto begin = xml.find("EncapsulatedTimeStamp>", at) + std::string("EncapsulatedTimeStamp>").size();
    auto end = xml.find("</", begin);
    return xml.substr(begin, end - begin);
}

constexpr const char* form_xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                 "<ToKhai><HoTen>Trần Thị Bình</HoTen><DichVu>Cấp giấy phép xây dựng</DichVu></ToKhai>\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(long_term_formats)

BOOST_AUTO_TEST_CASE(cades_b_lta_detached_and_enveloping_stay_valid_after_the_signer_and_the_tsa_expire) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-cades");
    write_file(dir / "don.txt", "Đơn đề nghị cấp giấy phép xây dựng, bản ký số.\n");

    auto detached = pki.sign_file("cms", dir / "don.txt", dir / "don.txt.p7s", "leader", "b-lta");
    BOOST_TEST_REQUIRE(detached.exit_code == 0, detached.output);
    check_b_lta(dir / "don.txt.p7s", dir / "don.txt", "CAdES-BASELINE-LTA");

    auto enveloping = pki.sign_file("cms", dir / "don.txt", dir / "don.txt.p7m", "leader", "b-lta", {"--enveloping"});
    BOOST_TEST_REQUIRE(enveloping.exit_code == 0, enveloping.output);
    check_b_lta(dir / "don.txt.p7m", std::nullopt, "CAdES-BASELINE-LTA");

    // B-LT: the data without an archive time-stamp.
    auto lt = pki.sign_file("cms", dir / "don.txt", dir / "lt.p7s", "leader", "b-lt");
    BOOST_TEST_REQUIRE(lt.exit_code == 0, lt.output);
    auto report = validate_cades(dir / "lt.p7s", dir / "don.txt", after_expiry());
    BOOST_TEST(to_string(report.signatures.at(0).indication) == "TOTAL-PASSED", report.to_text(Language::english));
    BOOST_TEST(report.signatures.at(0).level == "CAdES-BASELINE-LT");
}

BOOST_AUTO_TEST_CASE(a_changed_archive_timestamp_does_not_make_b_lta) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-cades");
    write_file(dir / "don.txt", "Tờ khai.\n");
    auto made = pki.sign_file("cms", dir / "don.txt", dir / "don.txt.p7s", "leader", "b-lta");
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    std::string signature = read_file(dir / "don.txt.p7s");
    std::string tsa_signature = archive_timestamp_signature_value(signature);
    auto at = signature.find(tsa_signature);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    signature[at + tsa_signature.size() / 2] ^= 0x01;
    write_file(dir / "changed.p7s", signature);

    auto report = validate_cades(dir / "changed.p7s", dir / "don.txt", std::chrono::system_clock::now());
    BOOST_TEST_REQUIRE(report.signatures.size() == 1u);
    const auto& changed = report.signatures[0];
    BOOST_TEST(changed.level == "CAdES-BASELINE-LT", report.to_text(Language::english));
    BOOST_TEST(has_finding(changed, "archive_timestamp_invalid"), report.to_text(Language::english));
    BOOST_TEST(valid_archive_timestamps(changed) == 0u);
    // The signature itself is untouched: openssl still verifies it, and so do we, from its own time-stamp.
    BOOST_TEST(to_string(changed.indication) == "TOTAL-PASSED", report.to_text(Language::english));
    BOOST_TEST(openssl_verify(dir / "changed.p7s", dir / "don.txt").output.find("Verification successful") != std::string::npos);

    // A validation datum taken out after the archive time-stamp: its index names what is gone.
    std::string original = read_file(dir / "don.txt.p7s");
    const unsigned char* cursor = reinterpret_cast<const unsigned char*>(original.data());
    CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(original.size())));
    STACK_OF(X509_CRL)* crls = CMS_get1_crls(cms.get());
    BOOST_TEST_REQUIRE(sk_X509_CRL_num(crls) >= 1);
    unsigned char* crl_der = nullptr;
    int crl_length = i2d_X509_CRL(sk_X509_CRL_value(crls, 0), &crl_der);
    std::string crl(reinterpret_cast<const char*>(crl_der), static_cast<std::size_t>(crl_length));
    OPENSSL_free(crl_der);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    // Same length, other bytes: a CRL whose signature no longer verifies stands in for it.
    auto crl_at = original.find(crl);
    BOOST_TEST_REQUIRE(crl_at != std::string::npos);
    original[crl_at + crl.size() - 2] ^= 0x01;
    write_file(dir / "data-changed.p7s", original);
    auto data_changed = validate_cades(dir / "data-changed.p7s", dir / "don.txt", std::chrono::system_clock::now());
    BOOST_TEST(data_changed.signatures.at(0).level != "CAdES-BASELINE-LTA", data_changed.to_text(Language::english));
    bool index_mismatch = false;
    for (const auto& stamp : data_changed.signatures.at(0).timestamps)
        for (const auto& found : stamp.findings) index_mismatch |= found.code == "archive_timestamp_index_mismatch";
    BOOST_TEST(index_mismatch, data_changed.to_text(Language::english));
}

BOOST_AUTO_TEST_CASE(cades_revoked_before_signing_is_refused) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-cades");
    write_file(dir / "don.txt", "Đơn.\n");
    std::string pem = pki.issue_leader("leader-revoked-cms");
    auto revoked = pki.signctl({"cert", "revoke", pki.serial(pem)});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);
    pki.publish_crls();
    auto refused = pki.sign_file("cms", dir / "don.txt", dir / "don.txt.p7s", "leader-revoked-cms", "b-lta");
    BOOST_TEST(refused.exit_code == 4, refused.output);
    BOOST_TEST(refused.output.find("revoked") != std::string::npos, refused.output);
    BOOST_TEST(!fs::exists(dir / "don.txt.p7s"));
}

BOOST_AUTO_TEST_CASE(signctl_extend_brings_cades_b_t_to_b_lta_and_renews_it) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-cades");
    write_file(dir / "don.txt", "Hồ sơ lưu trữ.\n");
    auto made = pki.sign_file("cms", dir / "don.txt", dir / "don.txt.p7s", "leader", "b-t");
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    BOOST_TEST(validate_cades(dir / "don.txt.p7s", dir / "don.txt", std::chrono::system_clock::now()).signatures.at(0).level ==
               "CAdES-BASELINE-T");

    // A detached signature's archive time-stamp needs its document.
    auto without_document = pki.signctl({"extend", (dir / "don.txt.p7s").string(), "--level", "b-lta", "--offline"});
    BOOST_TEST(without_document.exit_code == 3, without_document.output);
    BOOST_TEST(without_document.output.find("needs the signed document") != std::string::npos, without_document.output);
    auto wrong_document = pki.signctl({"extend", (dir / "don.txt.p7s").string(), "--level", "b-lta", "--offline",
                                       "--detached", pki.path("ca/root-ca.pem")});
    BOOST_TEST(wrong_document.exit_code == 3, wrong_document.output);
    BOOST_TEST(wrong_document.output.find("not the one the signature signs") != std::string::npos, wrong_document.output);

    auto extended = pki.signctl({"--json", "extend", (dir / "don.txt.p7s").string(), "--level", "b-lta", "--offline", "--detached",
                                 (dir / "don.txt").string()});
    BOOST_TEST_REQUIRE(extended.exit_code == 0, extended.output);
    BOOST_TEST(extended.output.find("\"archive_timestamps\":1") != std::string::npos, extended.output);
    check_b_lta(dir / "don.txt.p7s", dir / "don.txt", "CAdES-BASELINE-LTA");

    auto again = pki.signctl({"extend", (dir / "don.txt.p7s").string(), "--level", "b-lta", "--offline", "--detached",
                              (dir / "don.txt").string()});
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
    auto report = validate_cades(dir / "don.txt.p7s", dir / "don.txt", after_expiry());
    BOOST_TEST(to_string(report.signatures.at(0).indication) == "TOTAL-PASSED", report.to_text(Language::english));
    BOOST_TEST(valid_archive_timestamps(report.signatures.at(0)) == 2u, report.to_text(Language::english));
    BOOST_TEST(openssl_verify(dir / "don.txt.p7s", dir / "don.txt").output.find("Verification successful") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(xades_b_lta_enveloped_stays_valid_after_the_signer_and_the_tsa_expire) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-xades");
    write_file(dir / "to-khai.xml", form_xml);
    auto made = pki.sign_file("xml", dir / "to-khai.xml", dir / "signed.xml", "leader", "b-lta");
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    std::string xml = read_file(dir / "signed.xml");
    for (const char* element : {"xades:CertificateValues", "xades:EncapsulatedOCSPValue", "xades:EncapsulatedCRLValue",
                                "xadesv141:ArchiveTimeStamp"})
        BOOST_TEST(xml.find(std::string("<") + element) != std::string::npos, element);
    check_xades_b_lta(dir / "signed.xml");

    // Again: a fresh archive time-stamp over the first, both valid; the signature is untouched.
    auto again = pki.signctl({"extend", (dir / "signed.xml").string(), "--level", "b-lta", "--offline"});
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
    auto report = validate_xml(dir / "signed.xml", after_expiry());
    std::size_t valid = 0;
    for (const auto& stamp : report.signatures.at(0).timestamps) valid += stamp.type == "archive-time-stamp" && stamp.valid;
    BOOST_TEST(valid == 2u, report.to_text(Language::english));
    check_xades_b_lta(dir / "signed.xml");
}

// A detached XAdES signature's archive time-stamp covers the file it names.
BOOST_AUTO_TEST_CASE(xades_b_lta_detached_covers_the_signed_file) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-xades");
    write_file(dir / "ban-ve.pdf", minimal_pdf());
    auto made = pki.sign_file("xml", dir / "ban-ve.pdf", dir / "ban-ve.pdf.xades.xml", "leader", "b-lta", {"--detached"});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    std::string xml = read_file(dir / "ban-ve.pdf.xades.xml");
    std::string file = read_file(dir / "ban-ve.pdf");
    auto later = validate_xades(bytes_of(xml), SignedContent::detached(bytes_of(file)), pki.offline_at(after_expiry()));
    BOOST_TEST_REQUIRE(later.signatures.size() == 1u);
    BOOST_TEST(to_string(later.signatures[0].indication) == "TOTAL-PASSED", later.to_text(Language::english));
    BOOST_TEST(later.signatures[0].level == "XAdES-BASELINE-LTA", later.to_text(Language::english));
    // Without the file, nothing proves what the archive time-stamp covers.
    auto without = validate_xades(bytes_of(xml), SignedContent::attached(), pki.offline_at(std::chrono::system_clock::now()));
    BOOST_TEST(without.signatures.at(0).level != "XAdES-BASELINE-LTA");
}

BOOST_AUTO_TEST_CASE(xades_changed_archive_timestamp_or_covered_property_does_not_make_b_lta) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-xades");
    write_file(dir / "to-khai.xml", form_xml);
    auto made = pki.sign_file("xml", dir / "to-khai.xml", dir / "signed.xml", "leader", "b-lta");
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    std::string xml = read_file(dir / "signed.xml");

    // A genuine token, but over other data: the signature time-stamp's in the archive time-stamp.
    std::string swapped = replaced(xml, encapsulated_token(xml, "xadesv141:ArchiveTimeStamp"),
                                   encapsulated_token(xml, "xades:SignatureTimeStamp"));
    // A covered unsigned property changed after the archive time-stamp.
    std::string renamed = replaced(xml, "-ts\"", "-tx\"");
    int n = 0;
    for (const std::string& changed : {swapped, renamed}) {
        fs::path file = dir / ("changed-" + std::to_string(++n) + ".xml");
        write_file(file, changed);
        auto report = validate_xml(file, std::chrono::system_clock::now());
        BOOST_TEST_REQUIRE(report.signatures.size() == 1u);
        const auto& signature = report.signatures[0];
        BOOST_TEST(signature.level == "XAdES-BASELINE-LT", report.to_text(Language::english));
        BOOST_TEST(has_finding(signature, "archive_timestamp_invalid"), report.to_text(Language::english));
        // The signature itself and its own time-stamp still hold.
        BOOST_TEST(to_string(signature.indication) == "TOTAL-PASSED", report.to_text(Language::english));
        BOOST_TEST(xmlsec_verify(file).exit_code == 0);
    }
}

BOOST_AUTO_TEST_CASE(xades_revoked_before_signing_is_refused) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term-xades");
    write_file(dir / "to-khai.xml", form_xml);
    std::string pem = pki.issue_leader("leader-revoked-xml");
    auto revoked = pki.signctl({"cert", "revoke", pki.serial(pem)});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);
    pki.publish_crls();
    auto refused = pki.sign_file("xml", dir / "to-khai.xml", dir / "signed.xml", "leader-revoked-xml", "b-lt");
    BOOST_TEST(refused.exit_code == 4, refused.output);
    BOOST_TEST(refused.output.find("revoked") != std::string::npos, refused.output);
    BOOST_TEST(!fs::exists(dir / "signed.xml"));
}

BOOST_AUTO_TEST_SUITE_END()
