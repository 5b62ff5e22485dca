// Every bad input is a sign::Error with a clear code, and no output file appears.

#include <boost/test/unit_test.hpp>

#include <fstream>

#include "pdf_fixtures.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;

namespace {

void expect_refused(const std::filesystem::path& input, const PadesOptions& options, const std::string& code) {
    BOOST_TEST_CONTEXT(code) {
        auto out = input.parent_path() / "out.pdf";
        auto signer = TokenPki::shared().signer("citizen");
        SystemClock clock;
        bool thrown = false;
        try {
            sign_pades(input, out, signer, clock, options);
        } catch (const Error& e) {
            thrown = true;
            BOOST_TEST(e.code() == code, e.what());
            BOOST_TEST(std::string(e.what()).size() > 20u);
        }
        BOOST_TEST(thrown);
        BOOST_TEST(!std::filesystem::exists(out));
        // No temporary files left behind either.
        for (auto& entry : std::filesystem::directory_iterator(input.parent_path()))
            BOOST_TEST(entry.path().filename().string().find(".tmp-") == std::string::npos, entry.path());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(corrupt_pdf) {
    TempDir dir("pades");
    std::string bytes = minimal_pdf();
    // Break the xref: every entry now points at the wrong place.
    auto at = bytes.find("xref\n");
    bytes.replace(bytes.find("00000 n", at) - 11, 10, "0000000003");
    write_file(dir / "in.pdf", bytes);
    expect_refused(dir / "in.pdf", {}, "pdf_unreadable");
    write_file(dir / "in.pdf", "this is not a PDF at all, just some text that goes on for a while\n");
    expect_refused(dir / "in.pdf", {}, "pdf_unreadable");
}

BOOST_AUTO_TEST_CASE(truncated_pdf) {
    TempDir dir("pades");
    std::string bytes = minimal_pdf();
    write_file(dir / "in.pdf", bytes.substr(0, bytes.size() * 2 / 3));
    expect_refused(dir / "in.pdf", {}, "pdf_unreadable");
}

BOOST_AUTO_TEST_CASE(encrypted_pdf) {
    TempDir dir("pades");
    write_file(dir / "plain.pdf", minimal_pdf());
    qpdf_convert(dir / "plain.pdf", dir / "in.pdf", {"--encrypt", "user", "owner", "256", "--"});
    expect_refused(dir / "in.pdf", {}, "pdf_encrypted");
    // Encrypted with an empty user password: it opens without one, and is still refused.
    qpdf_convert(dir / "plain.pdf", dir / "in.pdf", {"--encrypt", "", "owner", "256", "--"});
    expect_refused(dir / "in.pdf", {}, "pdf_encrypted");
}

BOOST_AUTO_TEST_CASE(pdf_without_pages) {
    TempDir dir("pades");
    std::string pdf = "%PDF-1.7\n";
    std::size_t o1 = pdf.size();
    pdf += "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n";
    std::size_t o2 = pdf.size();
    pdf += "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";
    std::size_t xref = pdf.size();
    char entries[128];
    std::snprintf(entries, sizeof entries, "xref\n0 3\n0000000000 65535 f\r\n%010zu 00000 n\r\n%010zu 00000 n\r\n", o1, o2);
    pdf += entries;
    pdf += "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    write_file(dir / "in.pdf", pdf);
    expect_refused(dir / "in.pdf", {}, "pdf_no_pages");
}

BOOST_AUTO_TEST_CASE(fifty_megabyte_image) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    {
        // A real PNG signature followed by 50 MB: refused on its size, never decoded.
        std::ofstream big(dir / "big.png", std::ios::binary);
        big.write("\x89PNG\r\n\x1a\n", 8);
        big.seekp(50 * 1024 * 1024);
        big.put('\0');
    }
    PadesOptions options;
    options.placement = PageRect{1, {100, 100, 300, 200}};
    options.image = dir / "big.png";
    expect_refused(dir / "in.pdf", options, "image_too_large");
}

BOOST_AUTO_TEST_CASE(image_that_is_not_a_png) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    write_file(dir / "fake.png", "GIF89a not a png");
    PadesOptions options;
    options.placement = PageRect{1, {100, 100, 300, 200}};
    options.image = dir / "fake.png";
    expect_refused(dir / "in.pdf", options, "image_unreadable");
}

BOOST_AUTO_TEST_CASE(rectangle_off_the_page) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    PadesOptions options;
    options.image = TokenPki::shared().path("images/leader-signature.png");
    options.placement = PageRect{1, {500, 100, 700, 200}};  // A4 is 595 wide
    expect_refused(dir / "in.pdf", options, "rect_off_page");
    options.placement = PageRect{1, {100, -50, 300, 20}};
    expect_refused(dir / "in.pdf", options, "rect_off_page");
    options.placement = PageRect{2, {100, 100, 300, 200}};
    expect_refused(dir / "in.pdf", options, "page_out_of_range");
    options.placement = PageRect{1, {300, 100, 100, 200}};
    expect_refused(dir / "in.pdf", options, "rect_empty");
    // A seal computed over a leader image at the page's left edge would leave the page.
    options.placement = SealOverLeader{PageRect{1, {10, 100, 180, 171}}, 36};
    expect_refused(dir / "in.pdf", options, "rect_off_page");
}

BOOST_AUTO_TEST_CASE(page_turned_by_other_than_a_multiple_of_90) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.rotate = 45}));
    PadesOptions options;
    options.placement = PagePosition{1, 20, 20, 60, 25};
    options.image = TokenPki::shared().path("images/leader-signature.png");
    expect_refused(dir / "in.pdf", options, "page_rotation_invalid");
    options.placement = PagePosition{1, 20, 20, 0, 25};
    expect_refused(dir / "in.pdf", options, "rect_empty");
    // Invisible signatures are fine on any page.
    auto signer = TokenPki::shared().signer("citizen");
    SystemClock clock;
    sign_pades(dir / "in.pdf", dir / "invisible.pdf", signer, clock, {});
    BOOST_TEST(std::filesystem::exists(dir / "invisible.pdf"));
}

BOOST_AUTO_TEST_CASE(unwritable_output_and_output_over_input) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("citizen");
    SystemClock clock;
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "no-such-folder" / "out.pdf", signer, clock, {}), Error,
                          [](const Error& e) { return e.code() == "file_error"; });
    std::string before = read_file(dir / "in.pdf");
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "in.pdf", signer, clock, {}), Error,
                          [](const Error& e) { return e.code() == "output_is_input"; });
    BOOST_TEST((read_file(dir / "in.pdf") == before));
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "missing.pdf", dir / "out.pdf", signer, clock, {}), Error,
                          [](const Error& e) { return e.code() == "file_not_found"; });
}

BOOST_AUTO_TEST_SUITE_END()
