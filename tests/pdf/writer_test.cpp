// The incremental update on every kind of input: classic xref tables, xref streams with
// object streams, a hand-written file, an already-signed file. Earlier bytes never change,
// the new xref section is of the same kind as the file's last one, qpdf finds nothing wrong
// and poppler validates the signature.

#include <boost/test/unit_test.hpp>

#include <regex>

#include "pdf_fixtures.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;

namespace {

const SystemClock kClock;

bool section_is_stream(const std::string& bytes, std::uint64_t offset) {
    auto head = bytes.substr(offset, 16);
    return head.rfind("xref", 0) != 0;
}

// Signs `input`, then checks everything an incremental update must be.
void check_incremental(const std::filesystem::path& input, const std::filesystem::path& output, const char* what,
                       const std::string& label = "citizen") {
    BOOST_TEST_CONTEXT(what) {
        std::string before = read_file(input);
        auto signer = TokenPki::shared().signer(label);
        sign_pades(input, output, signer, kClock, {});
       
        std::string after = read_file(output);
        BOOST_REQUIRE_GT(after.size(), before.size());
        BOOST_TEST((after.compare(0, before.size(), before) == 0), "the output starts with the exact input bytes");

        auto old_xref = startxref(before);
        auto new_xref = startxref(after);
        BOOST_TEST(new_xref > before.size());
        BOOST_TEST(section_is_stream(after, new_xref) == section_is_stream(before, old_xref),
                   "the new xref section is of the same kind as the last one");
        std::smatch prev;
        std::string tail = after.substr(new_xref);
        BOOST_REQUIRE(std::regex_search(tail, prev, std::regex("/Prev (\\d+)")));
        BOOST_TEST(std::stoull(prev[1]) == old_xref);

        auto check = qpdf_check(output);
        BOOST_TEST(check.exit_code == 0, check.output);
        BOOST_TEST(check.output.find("No syntax or stream encoding errors found") != std::string::npos, check.output);
        BOOST_TEST(check.output.find("WARNING") == std::string::npos, check.output);

        std::string report;
        auto signatures = pdfsig(output, &report);
        BOOST_REQUIRE_MESSAGE(!signatures.empty(), report);
        for (auto& s : signatures) {
            BOOST_TEST(s.valid, report);
            BOOST_TEST(s.trusted, report);
        }
        BOOST_TEST(signatures.back().total_document, report);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(incremental_update)

BOOST_AUTO_TEST_CASE(hand_written_classic_xref) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    check_incremental(dir / "in.pdf", dir / "out.pdf", "hand-written");
}

BOOST_AUTO_TEST_CASE(qpdf_classic_xref_without_object_streams) {
    TempDir dir("pades");
    write_file(dir / "hand.pdf", minimal_pdf({.pages = 2, .text_fields = true}));
    qpdf_convert(dir / "hand.pdf", dir / "in.pdf", {"--object-streams=disable"});
    BOOST_REQUIRE(!section_is_stream(read_file(dir / "in.pdf"), startxref(read_file(dir / "in.pdf"))));
    check_incremental(dir / "in.pdf", dir / "out.pdf", "qpdf classic");
}

BOOST_AUTO_TEST_CASE(qpdf_xref_stream_with_object_streams) {
    TempDir dir("pades");
    write_file(dir / "hand.pdf", minimal_pdf({.pages = 2, .text_fields = true, .indirect_annots = true}));
    qpdf_convert(dir / "hand.pdf", dir / "in.pdf", {"--object-streams=generate"});
    std::string bytes = read_file(dir / "in.pdf");
    BOOST_REQUIRE(section_is_stream(bytes, startxref(bytes)));
    BOOST_REQUIRE(bytes.find("/ObjStm") != std::string::npos);
    check_incremental(dir / "in.pdf", dir / "out.pdf", "qpdf xref stream");
}

BOOST_AUTO_TEST_CASE(linearized_input) {
    TempDir dir("pades");
    write_file(dir / "hand.pdf", minimal_pdf({.pages = 3}));
    qpdf_convert(dir / "hand.pdf", dir / "in.pdf", {"--linearize"});
    check_incremental(dir / "in.pdf", dir / "out.pdf", "linearized");
}

BOOST_AUTO_TEST_CASE(already_signed_input_keeps_the_first_signature) {
    TempDir dir("pades");
    write_file(dir / "hand.pdf", minimal_pdf());
    qpdf_convert(dir / "hand.pdf", dir / "in.pdf", {"--object-streams=generate"});
    check_incremental(dir / "in.pdf", dir / "once.pdf", "first");
    // Another signer: poppler 22.12 reports the same certificate's second OCSP check, answered
    // from NSS's cache, as "Unknown issue" (it reads a stale NSS error code after success).
    check_incremental(dir / "once.pdf", dir / "twice.pdf", "second", "leader");
    auto signatures = pdfsig(dir / "twice.pdf");
    BOOST_TEST(signatures.size() == 2u);
    BOOST_TEST(!signatures.front().total_document);
}

BOOST_AUTO_TEST_CASE(acroform_inside_the_catalog) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true, .direct_acroform = true}));
    check_incremental(dir / "in.pdf", dir / "out.pdf", "direct AcroForm");
    // The existing fields are still there, beside the new signature field.
    auto fields = run_command({"qpdf", "--json", "--json-key=acroform", (dir / "out.pdf").string()});
    BOOST_TEST(fields.output.find("so_van_ban") != std::string::npos, fields.output);
    BOOST_TEST(fields.output.find("Signature1") != std::string::npos, fields.output);
}

BOOST_AUTO_TEST_CASE(file_without_final_newline) {
    TempDir dir("pades");
    std::string bytes = minimal_pdf();
    bytes.pop_back();  // "%%EOF" with nothing after it
    write_file(dir / "in.pdf", bytes);
    check_incremental(dir / "in.pdf", dir / "out.pdf", "no final newline");
}

BOOST_AUTO_TEST_SUITE_END()
