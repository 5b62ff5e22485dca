// The two other renderings of a validation report: ETSI TS 119 102-2 XML (well-formed for xmllint,
// structurally checked against the project's minimal schema, every reference resolving) and the
// printable Vietnamese PDF (font embedded per pdffonts, text per pdftotext, qpdf --check).

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <regex>
#include <set>

#include "sign/utf8.h"
#include "sign/validate/etsi_report.h"
#include "sign/validate/pdf_report.h"

#include "validate_fixture.h"

namespace sign::test {
namespace {

using validate::CheckedFile;
using validate::SignedContent;
using validate::ValidationReport;

const std::vector<std::uint8_t> document = bytes_of("Quyết định số 45/QĐ-UBND về việc giao chỉ tiêu kế hoạch.\n");

ValidationReport leader_report(const std::vector<std::uint8_t>& content) {
    auto& fixture = ValidatePki::shared();
    auto signature = sign_with_libsign(fixture.signer(fixture.pki.leaves.at("leader"), SignatureScheme::rsa_pss), document, true, true);
    return validate::validate_cms(signature, SignedContent::detached(content), fixture.options());
}

// The minimal structural schema beside this file (ctest sets SIGN_SOURCE_DIR).
std::string structure_schema() {
    const char* source = std::getenv("SIGN_SOURCE_DIR");
    BOOST_REQUIRE_MESSAGE(source, "SIGN_SOURCE_DIR is not set; run through ctest");
    return std::string(source) + "/tests/validate/etsi_report_structure.xsd";
}

std::string read_text(const std::filesystem::path& path) {
    auto bytes = read_bytes(path);
    return {bytes.begin(), bytes.end()};
}

BOOST_AUTO_TEST_SUITE(report_renderings)

BOOST_AUTO_TEST_CASE(etsi_xml_is_well_formed_and_structured) {
    ValidationReport report = leader_report(document);
    BOOST_REQUIRE(report.overall() == validate::MainIndication::total_passed);
    std::string xml = validate::to_etsi_xml(report, CheckedFile::of("quyet-dinh.txt", document));
    TempDir folder("etsi-report");
    write_bytes(folder / "report.xml", bytes_of(xml));
    CommandResult lint = run_command({"xmllint", "--noout", "--nonet", "--schema",
                                      structure_schema(), (folder / "report.xml").string()});
    BOOST_TEST(lint.exit_code == 0, lint.output);
    BOOST_TEST(xml.find("<vr:MainIndication>http://uri.etsi.org/19102/mainindication/total-passed</vr:MainIndication>") != std::string::npos);
    BOOST_TEST(xml.find("Nguyễn Văn An") != std::string::npos);
    BOOST_TEST(xml.find("http://uri.etsi.org/19102/validationObject/certificate") != std::string::npos);
    BOOST_TEST(xml.find("http://uri.etsi.org/19102/validationObject/CRL") != std::string::npos);
    BOOST_TEST(xml.find("http://uri.etsi.org/19102/validationObject/timestamp") != std::string::npos);
    BOOST_TEST(xml.find("urn:etsi:019102:validationprocess:LTVM") != std::string::npos);

    // Every VOReference names a ValidationObject of the report.
    std::set<std::string> ids;
    std::regex id_pattern("<vr:ValidationObject id=\"([^\"]+)\"");
    for (std::sregex_iterator it(xml.begin(), xml.end(), id_pattern), end; it != end; ++it) ids.insert((*it)[1]);
    std::regex reference_pattern("VOReference=\"([^\"]+)\"");
    int references = 0;
    for (std::sregex_iterator it(xml.begin(), xml.end(), reference_pattern), end; it != end; ++it) {
        ++references;
        BOOST_TEST(ids.count((*it)[1]) == 1u, "unresolved VOReference " << (*it)[1]);
    }
    BOOST_TEST(references >= 4);
    std::regex related_pattern("<vr:RelatedValidationObject VOReference=\"([^\"]+)\"");
    std::set<std::string> related;
    for (std::sregex_iterator it(xml.begin(), xml.end(), related_pattern), end; it != end; ++it)
        BOOST_TEST(related.insert((*it)[1]).second, "named twice: " << (*it)[1]);

    // A changed document: total-failed with HASH_FAILURE, still valid against the structure.
    ValidationReport failed = leader_report(bytes_of("Quyết định đã bị sửa.\n"));
    std::string failed_xml = validate::to_etsi_xml(failed);
    BOOST_TEST(failed_xml.find("http://uri.etsi.org/19102/subindication/HASH_FAILURE") != std::string::npos);
    write_bytes(folder / "failed.xml", bytes_of(failed_xml));
    lint = run_command({"xmllint", "--noout", "--nonet", "--schema",
                        structure_schema(), (folder / "failed.xml").string()});
    BOOST_TEST(lint.exit_code == 0, lint.output);
}

BOOST_AUTO_TEST_CASE(printable_report_embeds_its_font_and_says_it_in_vietnamese) {
    ValidationReport report = leader_report(document);
    TempDir folder("pdf-report");
    CheckedFile file = CheckedFile::of("quyet-dinh.txt", document);
    validate::write_pdf_report(report, folder / "phieu.pdf", validate::Language::vietnamese, file);

    CommandResult fonts = run_command({"pdffonts", (folder / "phieu.pdf").string()});
    BOOST_TEST(fonts.exit_code == 0);
    std::regex embedded("DejaVuSans\\S*\\s+CID TrueType\\s+Identity-H\\s+yes");
    BOOST_TEST(std::regex_search(fonts.output, embedded), fonts.output);
    BOOST_TEST(fonts.output.find(" no ") == std::string::npos, fonts.output);

    CommandResult text = run_command({"pdftotext", "-enc", "UTF-8", (folder / "phieu.pdf").string(), (folder / "phieu.txt").string()});
    BOOST_REQUIRE_EQUAL(text.exit_code, 0);
    std::string extracted = read_text(folder / "phieu.txt");
    for (const std::string& expected : std::vector<std::string>{"Phiếu kết quả kiểm tra chữ ký số", "Kết luận: hợp lệ", "Nguyễn Văn An", "Phó Giám đốc",
                                       "CCCD:048090001234", "+07:00", file.sha256_hex, "Tính toàn vẹn của dữ liệu được ký"})
        BOOST_TEST(extracted.find(expected) != std::string::npos, "missing '" << expected << "' in\n" << extracted);

    CommandResult check = run_command({"qpdf", "--check", (folder / "phieu.pdf").string()});
    BOOST_TEST(check.exit_code == 0, check.output);

    // The other verdict, and English.
    ValidationReport failed = leader_report(bytes_of("Quyết định đã bị sửa.\n"));
    validate::write_pdf_report(failed, folder / "failed.pdf", validate::Language::vietnamese);
    run_command({"pdftotext", "-enc", "UTF-8", (folder / "failed.pdf").string(), (folder / "failed.txt").string()});
    BOOST_TEST(read_text(folder / "failed.txt").find("Kết luận: không hợp lệ") != std::string::npos);
    validate::write_pdf_report(report, folder / "report.pdf", validate::Language::english, file);
    run_command({"pdftotext", "-enc", "UTF-8", (folder / "report.pdf").string(), (folder / "report.txt").string()});
    std::string english = read_text(folder / "report.txt");
    BOOST_TEST(english.find("Digital signature validation report") != std::string::npos, english);
    BOOST_TEST(english.find("Verdict: valid") != std::string::npos, english);
}

BOOST_AUTO_TEST_CASE(many_signatures_flow_onto_more_pages) {
    ValidationReport report = leader_report(document);
    ValidationReport many = report;
    for (int i = 2; i <= 6; ++i) {
        auto copy = report.signatures.front();
        copy.id = "S" + std::to_string(i);
        many.signatures.push_back(copy);
    }
    TempDir folder("pdf-report");
    validate::write_pdf_report(many, folder / "many.pdf");
    CommandResult info = run_command({"pdfinfo", (folder / "many.pdf").string()});
    std::smatch pages;
    BOOST_REQUIRE(std::regex_search(info.output, pages, std::regex("Pages:\\s+(\\d+)")));
    BOOST_TEST(std::stoi(pages[1]) > 1);
    CommandResult check = run_command({"qpdf", "--check", (folder / "many.pdf").string()});
    BOOST_TEST(check.exit_code == 0, check.output);
}

// A file name is the sender's bytes: a multipart filename in bytes that are not UTF-8, with a
// terminal escape, and longer than a line. The printable report still comes out and names it readably.
BOOST_AUTO_TEST_CASE(a_file_name_in_foreign_bytes_is_shown_escaped_and_cut) {
    std::string hostile = "T\xe0i li\xea\xb5u \x1b[2J" + std::string(400, 'a') + ".pdf";
    CheckedFile file = CheckedFile::of(hostile, document);
    BOOST_TEST(is_valid_utf8(file.name));
    BOOST_TEST(file.name.find('\x1b') == std::string::npos);
    BOOST_TEST(file.name.starts_with("T\\xE0i li\\xEA\\xB5u \\x1B[2J"), file.name);
    BOOST_TEST(file.name.size() <= 200u + std::string("…").size());
    BOOST_TEST(file.name.ends_with("…"));

    ValidationReport report = leader_report(document);
    TempDir folder("pdf-report-name");
    validate::write_pdf_report(report, folder / "phieu.pdf", validate::Language::vietnamese, file);
    CommandResult text = run_command({"pdftotext", "-enc", "UTF-8", (folder / "phieu.pdf").string(), "-"});
    BOOST_TEST_REQUIRE(text.exit_code == 0, text.output);
    BOOST_TEST(text.output.find("li\\xEA\\xB5u") != std::string::npos, text.output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace sign::test
