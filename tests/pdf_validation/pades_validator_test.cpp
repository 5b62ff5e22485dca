// PAdES validation end to end: the CMS of each signature over its ByteRange, the ByteRange
// itself and the changes after it, joined into one EN 319 102-1 verdict per signature.

#include <boost/test/unit_test.hpp>

#include <qpdf/QPDF.hh>

#include "command.h"
#include "error_code.h"
#include "pdf_fixtures.h"
#include "pdf_updates.h"
#include "sign/clock.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "sign/validate/pades_validator.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;
using namespace sign::validate;

namespace {

std::vector<std::uint8_t> crl_der(const TempDir& dir, const std::string& ca) {
    auto der = dir / (ca + ".crl");
    auto result = run_command({"openssl", "crl", "-in", TokenPki::shared().path("crl/" + ca + ".pem"), "-outform", "DER",
                               "-out", der.string()});
    BOOST_REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    auto text = read_file(der);
    return {text.begin(), text.end()};
}

// Offline, trusting the test root, with the test CA's current CRLs as the revocation data at hand.
ValidationOptions trusting_the_test_root(const TempDir& dir, bool with_crls = true) {
    auto& pki = TokenPki::shared();
    ValidationOptions options;
    options.trust.trust_anchors.push_back(pki.certificate("root-ca"));
    options.trust.intermediates.push_back(pki.certificate("issuing-ca"));
    if (with_crls)
        for (const char* ca : {"root-ca", "issuing-ca"}) options.extra.crls.push_back(crl_der(dir, ca));
    return options;
}

std::string findings_of(const SignatureReport& report) {
    std::string text;
    for (const auto& finding : report.findings) text += finding.code + ": " + finding.en + "\n";
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pades_validator)

// Decree 30's order: leader, number and date, seal. Both signatures pass, and the report says so
// in Vietnamese.
BOOST_AUTO_TEST_CASE(leader_fill_and_seal_all_pass) {
    TempDir dir("pades-validator");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true}));
    sign_as("leader", dir / "in.pdf", dir / "leader.pdf", "lanh_dao");
    fill_form_fields(dir / "leader.pdf", dir / "filled.pdf", {{"so_van_ban", "Số: 15/QĐ-UBND"}});
    sign_as("agency-seal", dir / "filled.pdf", dir / "sealed.pdf", "con_dau");

    auto report = validate_pdf(dir / "sealed.pdf", trusting_the_test_root(dir));
    BOOST_REQUIRE_EQUAL(report.signatures.size(), 2u);
    for (const auto& signature : report.signatures)
        BOOST_TEST((signature.indication == MainIndication::total_passed), signature.id << "\n" << findings_of(signature));
    BOOST_TEST(report.signatures[0].id == "lanh_dao");
    BOOST_TEST(report.signatures[1].id == "con_dau");
    BOOST_TEST(report.signatures[0].format == "PAdES");
    BOOST_TEST(findings_of(report.signatures[0]).find("pdf_allowed_changes") != std::string::npos);
    BOOST_TEST((report.overall() == MainIndication::total_passed));
    BOOST_TEST(report.to_text().find("hợp lệ") != std::string::npos);
    // pdfsig agrees on both.
    require_valid_signatures(dir / "sealed.pdf", 2);

    auto leader = validate_pdf_field(dir / "sealed.pdf", "lanh_dao", trusting_the_test_root(dir));
    BOOST_TEST((leader.indication == MainIndication::total_passed), findings_of(leader));
    BOOST_TEST(error_code_of([&] { validate_pdf_field(dir / "sealed.pdf", "no_such_field", trusting_the_test_root(dir)); }) ==
               "field_not_signed");
}

// What the page shows was changed after signing: the bytes still verify (pdfsig says valid), but
// the signed document was modified, and the report names the object.
BOOST_AUTO_TEST_CASE(a_page_drawn_after_signing_fails_with_the_object_named) {
    TempDir dir("pades-validator");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true}));
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf", "lanh_dao");
    QPDF q;
    q.processFile((dir / "signed.pdf").c_str());
    QPDFObjectHandle page = q.getAllPages().front();
    int contents = page.getKey("/Contents").getObjectID();
    std::string drawn = "BT /F1 12 Tf 72 700 Td (So: 15/QD-UBND) Tj ET";
    append_update(dir / "signed.pdf", dir / "drawn.pdf",
                  {{contents, "<< /Length " + std::to_string(drawn.size()) + " >>\nstream\n" + drawn + "\nendstream"}});

    auto report = validate_pdf(dir / "drawn.pdf", trusting_the_test_root(dir));
    BOOST_REQUIRE_EQUAL(report.signatures.size(), 1u);
    const auto& signature = report.signatures.front();
    BOOST_TEST((signature.indication == MainIndication::total_failed), findings_of(signature));
    BOOST_TEST((signature.sub_indication == SubIndication::hash_failure));
    BOOST_TEST(findings_of(signature).find("/Root/Pages/Kids[0]/Contents (" + std::to_string(contents) + " 0 R)") !=
                   std::string::npos,
               findings_of(signature));
    BOOST_TEST(pdfsig(dir / "drawn.pdf").front().valid);
}

// Without revocation data and offline, the status of the leader's certificate is unknown: never
// "valid" (Circular 15, Appendix II 1.2).
BOOST_AUTO_TEST_CASE(unknown_revocation_is_indeterminate) {
    TempDir dir("pades-validator");
    write_file(dir / "in.pdf", minimal_pdf({}));
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf", "lanh_dao");
    auto report = validate_pdf(dir / "signed.pdf", trusting_the_test_root(dir, false));
    BOOST_REQUIRE_EQUAL(report.signatures.size(), 1u);
    BOOST_TEST((report.signatures.front().indication == MainIndication::indeterminate), findings_of(report.signatures.front()));
    BOOST_TEST((report.overall() == MainIndication::indeterminate));
}

// A flipped byte inside the signed range.
BOOST_AUTO_TEST_CASE(a_flipped_byte_is_a_hash_failure) {
    TempDir dir("pades-validator");
    write_file(dir / "in.pdf", minimal_pdf({}));
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf", "lanh_dao");
    auto bytes = read_file(dir / "signed.pdf");
    auto at = bytes.find("/MediaBox");
    BOOST_REQUIRE(at != std::string::npos);
    bytes[at + 1] = 'm';
    write_file(dir / "tampered.pdf", bytes);
    auto report = validate_pdf(dir / "tampered.pdf", trusting_the_test_root(dir));
    BOOST_REQUIRE_EQUAL(report.signatures.size(), 1u);
    BOOST_TEST((report.signatures.front().indication == MainIndication::total_failed), findings_of(report.signatures.front()));
    BOOST_TEST((report.signatures.front().sub_indication == SubIndication::hash_failure));
}

BOOST_AUTO_TEST_SUITE_END()
