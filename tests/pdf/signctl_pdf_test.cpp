// The Decree 30 flow as an administrator's scripts run it, with the real signctl
// binary on the test PKI's data folder: the leader signs into the prepared field,
// the number and date are filled in, the agency seals last; pdfsig trusts both.

#include <boost/test/unit_test.hpp>

#include "pdf_fixtures.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign::test;

namespace {

std::vector<std::string> signs_as(const std::string& label, std::vector<std::string> arguments) {
    auto& pki = TokenPki::shared();
    std::vector<std::string> argv = {"sign", "pdf", "--key", "pkcs11:object=" + label + ";type=private", "--cert",
                                     pki.path("certs/" + label + ".pem"), "--level", "b-t", "--tsa", "local"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return pki.folder().as_owner(argv, label);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signctl_pdf)

BOOST_AUTO_TEST_CASE(leader_then_number_then_agency_seal_from_the_command_line) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-pdf");
    write_file(dir / "quyet-dinh.pdf", minimal_pdf({.text_fields = true, .signature_field = true}));

    auto leader = pki.folder().signctl(signs_as("leader", {(dir / "quyet-dinh.pdf").string(), "--field", "chu_ky_lanh_dao",
                                                           "--image", pki.path("images/leader-signature.png"), "--out",
                                                           (dir / "1-leader.pdf").string()}));
    BOOST_TEST_REQUIRE(leader.exit_code == 0, leader.output);
    auto filled = pki.folder().signctl({"pdf", "fill", (dir / "1-leader.pdf").string(), "--set", "so_van_ban=Số: 15/QĐ-UBND",
                                        "--set", "ngay_ban_hanh=Đà Nẵng, ngày 27 tháng 11 năm 2026", "--out",
                                        (dir / "2-numbered.pdf").string()});
    BOOST_TEST_REQUIRE(filled.exit_code == 0, filled.output);
    auto sealed = pki.folder().signctl(signs_as("agency-seal", {(dir / "2-numbered.pdf").string(), "--seal-over", "chu_ky_lanh_dao",
                                                                "--image", pki.path("images/agency-seal.png"), "--out",
                                                                (dir / "3-sealed.pdf").string()}));
    BOOST_TEST_REQUIRE(sealed.exit_code == 0, sealed.output);

    auto signatures = require_valid_signatures(dir / "3-sealed.pdf", 2);
    BOOST_TEST(signatures[1].total_document, signatures[1].block);

    // Decree 30's order holds on the command line too: a leader signature whose signed bytes were
    // altered gets no seal, and nothing is written.
    std::string broken = read_file(dir / "2-numbered.pdf");
    auto at = broken.find("/MediaBox");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    broken[at + 1] = 'm';
    write_file(dir / "2-broken.pdf", broken);
    auto refused = pki.folder().signctl(signs_as("agency-seal", {(dir / "2-broken.pdf").string(), "--seal-over", "chu_ky_lanh_dao",
                                                                 "--image", pki.path("images/agency-seal.png"), "--out",
                                                                 (dir / "3-refused.pdf").string(), "--json"}));
    BOOST_TEST(refused.exit_code == 6, refused.output);
    BOOST_TEST(refused.output.find("leader_signature_invalid") != std::string::npos, refused.output);
    BOOST_TEST(!std::filesystem::exists(dir / "3-refused.pdf"));
    auto text = run_command({"pdftotext", (dir / "3-sealed.pdf").string(), "-"});
    BOOST_TEST(text.output.find("Số: 15/QĐ-UBND") != std::string::npos, text.output);

    // The seal is red over the left third of the leader's image, which stays blue to its right.
    auto field = sign::signature_field_rect(dir / "3-sealed.pdf", "chu_ky_lanh_dao");
    Raster page = render_page(dir / "3-sealed.pdf", 1, dir.path());
    PixelBox box = to_pixels(field.rect, page.height);
    int third = box.left + (box.right - box.left) / 3;
    BOOST_TEST(count_pixels(page, {box.left, box.top, third, box.bottom}, [](auto p) { return p.red(); }) > 100);
    BOOST_TEST(count_pixels(page, {third + 2, box.top, box.right, box.bottom}, [](auto p) { return p.red(); }) == 0);
    BOOST_TEST(count_pixels(page, {third + 2, box.top, box.right, box.bottom}, [](auto p) { return p.blue(); }) > 100);
}

BOOST_AUTO_TEST_CASE(a_copy_stamp_and_bad_requests_from_the_command_line) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-pdf-copy");
    write_file(dir / "ban-sao.pdf", minimal_pdf());
    auto copy = pki.folder().signctl(signs_as("agency-seal", {(dir / "ban-sao.pdf").string(), "--stamp-number", "Số: 15/QĐ-UBND",
                                                              "--copy-kind", "SAO Y", "--copying-agency", "Văn phòng UBND thành phố"}));
    BOOST_TEST_REQUIRE(copy.exit_code == 0, copy.output);
    auto text = run_command({"pdftotext", (dir / "ban-sao.signed.pdf").string(), "-"});
    BOOST_TEST(text.output.find("SAO Y") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("+07:00") != std::string::npos, text.output);

    // Each refused request writes nothing.
    auto refuse = [&](std::vector<std::string> arguments, int exit_code, const std::string& words) {
        auto result = pki.folder().signctl(signs_as("leader", arguments));
        BOOST_TEST(result.exit_code == exit_code, result.output);
        BOOST_TEST(result.output.find(words) != std::string::npos, result.output);
        BOOST_TEST(!std::filesystem::exists(dir / "out.pdf"));
    };
    std::string in = (dir / "ban-sao.pdf").string(), out = (dir / "out.pdf").string();
    refuse({in, "--out", out, "--rect", "500,20,60,25", "--image", pki.path("images/leader-signature.png")}, 3, "page");
    refuse({in, "--out", out, "--rect", "10,20,60,25"}, 3, "--image");
    refuse({in, "--out", out, "--rect", "10,20,-5,25", "--image", pki.path("images/leader-signature.png")}, 3, "positive");
    write_file(dir / "broken.pdf", "%PDF-1.7\nthis is not a PDF body\n");
    refuse({(dir / "broken.pdf").string(), "--out", out}, 3, "broken.pdf");
}

// What the reader sees decides: --rect counts from the displayed page's bottom-left corner, on a
// page box that does not start at 0,0 and on a page shown turned; pypdf's /NeedAppearances goes.
BOOST_AUTO_TEST_CASE(rect_is_measured_on_the_page_as_shown) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-pdf");
    write_file(dir / "shifted.pdf", minimal_pdf({.origin_x = 200, .origin_y = 300}));
    auto shifted = pki.folder().signctl(signs_as("leader", {(dir / "shifted.pdf").string(), "--rect", "110,60,60,25",
                                                            "--image", pki.path("images/leader-signature.png"), "--out",
                                                            (dir / "shifted-signed.pdf").string()}));
    BOOST_TEST_REQUIRE(shifted.exit_code == 0, shifted.output);
    require_valid_signatures(dir / "shifted-signed.pdf", 1);
    auto field = sign::signature_field_rect(dir / "shifted-signed.pdf", "Signature1").rect;
    BOOST_TEST(field.left >= 200 + sign::mm_to_points(110) - 0.01);
    BOOST_TEST(field.bottom >= 300 + sign::mm_to_points(60) - 0.01);
    BOOST_TEST(field.right <= 200 + sign::mm_to_points(170) + 0.01);
    BOOST_TEST(field.top <= 300 + sign::mm_to_points(85) + 0.01);

    write_file(dir / "landscape.pdf", minimal_pdf({.rotate = 270}));
    auto turned = pki.folder().signctl(signs_as("leader", {(dir / "landscape.pdf").string(), "--rect", "200,20,60,25",
                                                           "--image", pki.path("images/leader-signature.png"), "--out",
                                                           (dir / "landscape-signed.pdf").string()}));
    BOOST_TEST_REQUIRE(turned.exit_code == 0, turned.output);
    require_valid_signatures(dir / "landscape-signed.pdf", 1);
    Raster page = render_page(dir / "landscape-signed.pdf", 1, dir.path());
    BOOST_TEST(page.width == 842);
    auto blue = ink_box(page, [](auto p) { return p.blue(); });
    BOOST_TEST(blue.left >= sign::mm_to_points(200) - 2);
    BOOST_TEST(blue.right < sign::mm_to_points(260) + 2);
    BOOST_TEST(blue.bottom < page.height - sign::mm_to_points(20) + 2);
    BOOST_TEST(blue.width() > blue.height(), "the signature lies along the landscape page");

    write_file(dir / "pypdf.pdf", minimal_pdf({.text_fields = true, .signature_field = true, .need_appearances = true}));
    auto leader = pki.folder().signctl(signs_as("leader", {(dir / "pypdf.pdf").string(), "--field", "chu_ky_lanh_dao",
                                                           "--image", pki.path("images/leader-signature.png"), "--out",
                                                           (dir / "pypdf-signed.pdf").string()}));
    BOOST_TEST_REQUIRE(leader.exit_code == 0, leader.output);
    Raster signed_page = render_page(dir / "pypdf-signed.pdf", 1, dir.path());
    auto box = to_pixels(sign::signature_field_rect(dir / "pypdf-signed.pdf", "chu_ky_lanh_dao").rect, signed_page.height);
    BOOST_TEST(count_pixels(signed_page, box, [](auto p) { return p.blue(); }) > 100, "poppler draws the leader's image");
}

BOOST_AUTO_TEST_SUITE_END()
