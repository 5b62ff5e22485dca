// Decree 30/2020 Appendix I appearances, checked on poppler's rendering: the leader's blue
// signature image in its box, the agency's red seal at its real size over the left third of it,
// and the document lifecycle (leader signs, number and date filled in, agency seals).

#include <boost/test/unit_test.hpp>

#include <cmath>

#include "pdf_fixtures.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "sign/signature_scheme.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;

namespace {

constexpr int kPageHeight = 842;

bool is_blue(const Raster::Pixel& p) { return p.blue(); }
bool is_red(const Raster::Pixel& p) { return p.red(); }
bool is_white(const Raster::Pixel& p) { return p.r > 240 && p.g > 240 && p.b > 240; }


}  // namespace

BOOST_AUTO_TEST_SUITE(appearance)

BOOST_AUTO_TEST_CASE(leader_image_fills_its_box_in_blue) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto sizes = image_sizes();
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    PadesOptions options;
    PdfRect box = rect_from_mm(110, 40, sizes.signature_width_mm, sizes.signature_height_mm);
    options.placement = PageRect{1, box};
    options.image = TokenPki::shared().path("images/leader-signature.png");
    sign_pades(dir / "in.pdf", dir / "out.pdf", leader, clock, options, nullptr);
    require_valid_signatures(dir / "out.pdf", 1);

    auto field = signature_field_rect(dir / "out.pdf", "Signature1");
    BOOST_TEST(field.page == 1);
    BOOST_TEST(field.rect.left == box.left, boost::test_tools::tolerance(0.01));
    BOOST_TEST(field.rect.width() == box.width(), boost::test_tools::tolerance(0.01));

    auto raster = render_page(dir / "out.pdf", 1, dir.path());
    BOOST_REQUIRE_EQUAL(raster.height, kPageHeight);
    auto inside = to_pixels(box, kPageHeight);
    int blue = count_pixels(raster, inside, is_blue);
    BOOST_TEST(blue > 200, "blue ink pixels in the box: " << blue);
    // Transparent background: most of the box stays white paper.
    int white = count_pixels(raster, inside, is_white);
    int area = (inside.right - inside.left) * (inside.bottom - inside.top);
    BOOST_TEST(white > area / 2);
    // Nothing blue outside the box.
    PixelBox around{inside.left - 40, inside.top - 40, inside.right + 40, inside.bottom + 40};
    BOOST_TEST(count_pixels(raster, around, is_blue) == blue);
}

BOOST_AUTO_TEST_CASE(image_keeps_its_aspect_in_a_wider_box) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    PadesOptions options;
    options.placement = PageRect{1, {100, 100, 500, 200}};  // 4:1, the image is 60:25
    options.image = TokenPki::shared().path("images/leader-signature.png");
    sign_pades(dir / "in.pdf", dir / "out.pdf", leader, clock, options, nullptr);
    auto field = signature_field_rect(dir / "out.pdf", "Signature1");
    auto sizes = image_sizes();
    BOOST_TEST(field.rect.height() == 100.0, boost::test_tools::tolerance(0.01));
    BOOST_TEST(field.rect.width() / field.rect.height() == sizes.signature_width_mm / sizes.signature_height_mm,
               boost::test_tools::tolerance(0.01));
    BOOST_TEST((field.rect.left + field.rect.right) / 2 == 300.0, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(seal_covers_left_third_of_leader_image_at_real_size) {
    TempDir dir("pades");
    write_file(dir / "hand.pdf", minimal_pdf({.signature_field = true}));
    qpdf_convert(dir / "hand.pdf", dir / "in.pdf", {"--object-streams=generate"});
    auto sizes = image_sizes();
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    auto agency = TokenPki::shared().signer("agency-seal");

    PadesOptions approval;
    approval.placement = ExistingField{"chu_ky_lanh_dao"};
    approval.image = TokenPki::shared().path("images/leader-signature.png");
    sign_pades(dir / "in.pdf", dir / "leader.pdf", leader, clock, approval);

    PadesOptions seal;
    seal.placement = SealOverLeader{ExistingField{"chu_ky_lanh_dao"}, sizes.seal_diameter_mm};
    seal.image = TokenPki::shared().path("images/agency-seal.png");
    seal.field_name = "dong_dau";
    sign_pades(dir / "leader.pdf", dir / "sealed.pdf", agency, clock, seal);
    require_valid_signatures(dir / "sealed.pdf", 2);

    auto image = signature_field_rect(dir / "sealed.pdf", "chu_ky_lanh_dao").rect;
    auto seal_rect = signature_field_rect(dir / "sealed.pdf", "dong_dau").rect;
    double d = mm_to_points(sizes.seal_diameter_mm);
    BOOST_TEST(seal_rect.width() == d, boost::test_tools::tolerance(0.01));
    BOOST_TEST(seal_rect.right == image.left + image.width() / 3, boost::test_tools::tolerance(0.01));

    auto raster = render_page(dir / "sealed.pdf", 1, dir.path());
    auto leader_px = to_pixels(image, kPageHeight);
    int third = leader_px.left + (leader_px.right - leader_px.left) / 3;
    PixelBox left_third{leader_px.left, leader_px.top, third - 1, leader_px.bottom};
    PixelBox rest{third + 2, leader_px.top, leader_px.right, leader_px.bottom};
    BOOST_TEST(count_pixels(raster, left_third, is_red) > 100, "red seal over the left third of the signature");
    BOOST_TEST(count_pixels(raster, rest, is_red) == 0, "the seal stops at one third");
    BOOST_TEST(count_pixels(raster, rest, is_blue) > 100, "the rest of the signature stays visible in blue");
    // Real size: the red ring reaches the seal rectangle's edges and no further.
    auto seal_px = to_pixels(seal_rect, kPageHeight);
    int min_x = raster.width, max_x = -1, min_y = raster.height, max_y = -1;
    for (int y = 0; y < raster.height; ++y)
        for (int x = 0; x < raster.width; ++x)
            if (raster.at(x, y).red()) {
                min_x = std::min(min_x, x), max_x = std::max(max_x, x);
                min_y = std::min(min_y, y), max_y = std::max(max_y, y);
            }
    BOOST_TEST(std::abs(min_x - seal_px.left) <= 3);
    BOOST_TEST(std::abs(max_x + 1 - seal_px.right) <= 3);
    BOOST_TEST(std::abs((max_y - min_y + 1) - d) <= 4);
}

BOOST_AUTO_TEST_CASE(seal_from_a_caller_rectangle) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    SystemClock clock;
    auto agency = TokenPki::shared().signer("agency-seal");
    PdfRect leader = rect_from_mm(110, 40, 60, 25);
    PadesOptions seal;
    seal.placement = SealOverLeader{PageRect{1, leader}, 36};
    seal.image = TokenPki::shared().path("images/agency-seal.png");
    sign_pades(dir / "in.pdf", dir / "out.pdf", agency, clock, seal);
    require_valid_signatures(dir / "out.pdf", 1);
    auto rect = signature_field_rect(dir / "out.pdf", "Signature1").rect;
    auto expected = seal_rect_over(leader, 36);
    BOOST_TEST(rect.left == expected.left, boost::test_tools::tolerance(0.01));
    BOOST_TEST(rect.top == expected.top, boost::test_tools::tolerance(0.01));
    BOOST_TEST((rect.bottom + rect.top) / 2 == (leader.bottom + leader.top) / 2, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(signing_an_already_signed_field_is_refused) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.signature_field = true}));
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    PadesOptions options;
    options.placement = ExistingField{"chu_ky_lanh_dao"};
    sign_pades(dir / "in.pdf", dir / "once.pdf", leader, clock, options);
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "once.pdf", dir / "twice.pdf", leader, clock, options), Error,
                          [](const Error& e) { return e.code() == "field_already_signed"; });
    options.placement = ExistingField{"no_such_field"};
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "twice.pdf", leader, clock, options), Error,
                          [](const Error& e) { return e.code() == "field_not_found"; });
    BOOST_TEST(!std::filesystem::exists(dir / "twice.pdf"));
}

BOOST_AUTO_TEST_CASE(lifecycle_leader_then_number_and_date_then_agency_seal) {
    TempDir dir("pades");
    write_file(dir / "hand.pdf", minimal_pdf({.text_fields = true, .signature_field = true}));
    qpdf_convert(dir / "hand.pdf", dir / "draft.pdf", {"--object-streams=generate"});
    auto sizes = image_sizes();
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    auto agency = TokenPki::shared().signer("agency-seal");

    // 1. The leader approves: visible signature in the prepared field, time-stamped.
    PadesOptions approval;
    approval.level = SignatureLevel::b_t;
    approval.placement = ExistingField{"chu_ky_lanh_dao"};
    approval.image = TokenPki::shared().path("images/leader-signature.png");
    sign_pades(dir / "draft.pdf", dir / "approved.pdf", leader, clock, approval, &test_tsa());

    // 2. The clerk's office numbers and dates it, in an incremental update.
    fill_form_fields(dir / "approved.pdf", dir / "numbered.pdf",
                     {{"so_van_ban", "Số: 15/QĐ-UBND"}, {"ngay_ban_hanh", "Đà Nẵng, ngày 27 tháng 11 năm 2026"}});
    std::string approved = read_file(dir / "approved.pdf"), numbered = read_file(dir / "numbered.pdf");
    BOOST_TEST((numbered.compare(0, approved.size(), approved) == 0));
    require_valid_signatures(dir / "numbered.pdf", 1);
    auto text = run_command({"pdftotext", "-layout", (dir / "numbered.pdf").string(), "-"});
    BOOST_TEST(text.output.find("Số: 15/QĐ-UBND") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("ngày 27 tháng 11 năm 2026") != std::string::npos, text.output);

    // 3. The agency seals last, over the left third of the leader's signature.
    PadesOptions seal;
    seal.level = SignatureLevel::b_t;
    seal.placement = SealOverLeader{ExistingField{"chu_ky_lanh_dao"}, sizes.seal_diameter_mm};
    seal.image = TokenPki::shared().path("images/agency-seal.png");
    seal.field_name = "con_dau";
    sign_pades(dir / "numbered.pdf", dir / "issued.pdf", agency, clock, seal, &test_tsa());
    auto signatures = require_valid_signatures(dir / "issued.pdf", 2);
    BOOST_TEST(signatures[0].block.find("Nguyễn Văn An") != std::string::npos, signatures[0].block);
    BOOST_TEST(!signatures[0].total_document, signatures[0].block);
    BOOST_TEST(signatures[1].total_document, signatures[1].block);
    auto check = qpdf_check(dir / "issued.pdf");
    BOOST_TEST(check.output.find("WARNING") == std::string::npos, check.output);
}

BOOST_AUTO_TEST_CASE(copy_stamp_text_top_right_of_page_one) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.pages = 2}));
    auto agency = TokenPki::shared().signer("agency-seal");  // builds the PKI first: the clock must not precede it
    FixedClock clock(SystemClock().now());
    PadesOptions copy;
    copy.level = SignatureLevel::b_t;
    copy.stamp = CopyStamp{"Số: 15/QĐ-UBND", "SAO Y", "Văn phòng Ủy ban nhân dân thành phố Đà Nẵng"};
    sign_pades(dir / "in.pdf", dir / "copy.pdf", agency, clock, copy, &test_tsa());
    require_valid_signatures(dir / "copy.pdf", 1);

    // The time as people there read it: ISO 8601 at +07:00.
    std::time_t t = std::chrono::system_clock::to_time_t(clock.now() + std::chrono::hours(7));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char expected_time[40];
    std::strftime(expected_time, sizeof expected_time, "%Y-%m-%dT%H:%M:%S+07:00", &tm);

    auto text = run_command({"pdftotext", "-f", "1", "-l", "1", (dir / "copy.pdf").string(), "-"});
    for (std::string wanted : {std::string("SAO Y"), std::string("Văn phòng Ủy ban nhân dân thành phố Đà Nẵng"),
                               std::string("Số: 15/QĐ-UBND"), std::string(expected_time)})
        BOOST_TEST(text.output.find(wanted) != std::string::npos, wanted << " in:\n" << text.output);
    auto page2 = run_command({"pdftotext", "-f", "2", "-l", "2", (dir / "copy.pdf").string(), "-"});
    BOOST_TEST(page2.output.find("SAO Y") == std::string::npos);

    // Top right of page 1, 10 mm from the edges; the font is an embedded subset with ToUnicode.
    auto where = signature_field_rect(dir / "copy.pdf", "Signature1");
    BOOST_TEST(where.page == 1);
    BOOST_TEST(where.rect.right == 595 - mm_to_points(10), boost::test_tools::tolerance(0.01));
    BOOST_TEST(where.rect.top == 842 - mm_to_points(10), boost::test_tools::tolerance(0.01));
    auto fonts = run_command({"pdffonts", (dir / "copy.pdf").string()});
    BOOST_TEST(fonts.output.find("+LiberationSerif") != std::string::npos, fonts.output);
    BOOST_TEST(fonts.output.find("CID TrueType") != std::string::npos, fonts.output);
    BOOST_TEST(fonts.output.find("Identity-H       yes yes yes") != std::string::npos, fonts.output);

    auto raster = render_page(dir / "copy.pdf", 1, dir.path());
    auto box = to_pixels(where.rect, kPageHeight);
    auto black = [](const Raster::Pixel& p) { return p.r < 100 && p.g < 100 && p.b < 100; };
    BOOST_TEST(count_pixels(raster, box, black) > 100);
}

BOOST_AUTO_TEST_CASE(attachment_stamp_and_bad_stamps) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    SystemClock clock;
    auto agency = TokenPki::shared().signer("agency-seal");
    PadesOptions attachment;
    attachment.stamp = CopyStamp{"Số: 15/QĐ-UBND", "", ""};
    sign_pades(dir / "in.pdf", dir / "out.pdf", agency, clock, attachment);
    require_valid_signatures(dir / "out.pdf", 1);
    auto text = run_command({"pdftotext", (dir / "out.pdf").string(), "-"});
    BOOST_TEST(text.output.find("Số: 15/QĐ-UBND") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("+07:00") != std::string::npos, text.output);

    PadesOptions bad;
    bad.stamp = CopyStamp{"Số: 15/QĐ-UBND", "BẢN CHỤP", "Văn phòng"};
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "bad.pdf", agency, clock, bad), Error,
                          [](const Error& e) { return e.code() == "copy_kind"; });
    bad.stamp = CopyStamp{"Số: 15/QĐ-UBND", "SAO LỤC", ""};
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "bad.pdf", agency, clock, bad), Error,
                          [](const Error& e) { return e.code() == "copying_agency_missing"; });
    bad.stamp = CopyStamp{"Số: 15/QĐ-UBND", "", ""};
    bad.placement = PageRect{1, {100, 100, 200, 200}};
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "bad.pdf", agency, clock, bad), Error,
                          [](const Error& e) { return e.code() == "stamp_with_placement"; });
    BOOST_TEST(!std::filesystem::exists(dir / "bad.pdf"));
}

BOOST_AUTO_TEST_CASE(filling_refuses_unknown_and_non_text_fields) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true, .signature_field = true}));
    BOOST_CHECK_EXCEPTION(fill_form_fields(dir / "in.pdf", dir / "out.pdf", {{"no_such", "1"}}), Error,
                          [](const Error& e) { return e.code() == "field_not_found"; });
    BOOST_CHECK_EXCEPTION(fill_form_fields(dir / "in.pdf", dir / "out.pdf", {{"chu_ky_lanh_dao", "1"}}), Error,
                          [](const Error& e) { return e.code() == "not_a_text_field"; });
    BOOST_CHECK_EXCEPTION(fill_form_fields(dir / "in.pdf", dir / "out.pdf", {{"so_van_ban", "\xE2\x98\x83"}}), Error,
                          [](const Error& e) { return e.code() == "unsupported_character"; });
    BOOST_TEST(!std::filesystem::exists(dir / "out.pdf"));
}

// pypdf and PyPDF2 set /NeedAppearances: poppler then draws its own (empty) appearance for every
// signature field instead of ours, though the signatures validate.
BOOST_AUTO_TEST_CASE(need_appearances_is_dropped_so_the_image_and_seal_show) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.text_fields = true, .signature_field = true, .need_appearances = true}));
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    auto agency = TokenPki::shared().signer("agency-seal");
    // The leader through the hash-split, as signature requests sign.
    PadesOptions approval;
    approval.placement = ExistingField{"chu_ky_lanh_dao"};
    approval.image = TokenPki::shared().path("images/leader-signature.png");
    auto prepared = prepare_pades(dir / "in.pdf", dir / "leader.pdf", leader, clock, approval);
    finalize_pades(prepared, sign_digest(leader.key, prepared.scheme, prepared.digest_name, prepared.digest), nullptr,
                   dir / "leader.pdf");
    PadesOptions seal;
    seal.placement = SealOverLeader{ExistingField{"chu_ky_lanh_dao"}, image_sizes().seal_diameter_mm};
    seal.image = TokenPki::shared().path("images/agency-seal.png");
    sign_pades(dir / "leader.pdf", dir / "sealed.pdf", agency, clock, seal);
    require_valid_signatures(dir / "sealed.pdf", 2);

    auto image = signature_field_rect(dir / "sealed.pdf", "chu_ky_lanh_dao").rect;
    auto raster = render_page(dir / "sealed.pdf", 1, dir.path());
    auto box = to_pixels(image, kPageHeight);
    BOOST_TEST(count_pixels(raster, box, is_blue) > 100, "the leader's image shows");
    BOOST_TEST(count_pixels(raster, box, is_red) > 100, "the seal shows");
    auto form = run_command({"qpdf", "--show-object=4", (dir / "sealed.pdf").string()});
    BOOST_TEST(form.output.find("/NeedAppearances") == std::string::npos, form.output);
}

// Landscape annexes and scans: the page is shown turned clockwise by /Rotate, the box is given as
// the reader sees the page, and the image must read upright there.
BOOST_AUTO_TEST_CASE(upright_images_on_pages_turned_90_180_and_270) {
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    for (int rotate : {90, 180, 270}) {
        BOOST_TEST_CONTEXT("/Rotate " << rotate) {
            TempDir dir("pades");
            write_file(dir / "in.pdf", minimal_pdf({.rotate = rotate}));
            write_marker_png(dir / "marker.png");
            PadesOptions options;
            options.placement = PagePosition{1, 20, 30, 60, 25};  // the marker's 12:5
            options.image = dir / "marker.png";
            sign_pades(dir / "in.pdf", dir / "out.pdf", leader, clock, options);
            require_valid_signatures(dir / "out.pdf", 1);

            auto raster = render_page(dir / "out.pdf", 1, dir.path());
            bool sideways = rotate != 180;
            BOOST_TEST(raster.width == (sideways ? 842 : 595));
            auto blue = ink_box(raster, is_blue);
            auto red = ink_box(raster, is_red);
            BOOST_TEST_REQUIRE(blue.count > 500);
            BOOST_TEST_REQUIRE(red.count > 200);
            // Where: 20 mm from the left, 30 mm from the bottom of the page as shown, 60 x 25 mm.
            double left = mm_to_points(20), bottom = raster.height - mm_to_points(30);
            BOOST_TEST(std::abs(blue.left - left) <= 2, blue.left);
            BOOST_TEST(std::abs(red.right + 1 - (left + mm_to_points(60))) <= 2, red.right);
            BOOST_TEST(std::abs(blue.bottom + 1 - bottom) <= 2, blue.bottom);
            BOOST_TEST(std::abs(blue.top - (bottom - mm_to_points(25))) <= 2, blue.top);
            // Which way up: blue on the left, red in the upper right quarter.
            BOOST_TEST(blue.centre_x() < red.left);
            BOOST_TEST(red.centre_y() < blue.centre_y());
            BOOST_TEST(std::abs(red.top - blue.top) <= 2);
            BOOST_TEST(std::abs(red.height() * 2 - blue.height()) <= 3);
        }
    }
}

BOOST_AUTO_TEST_CASE(seal_over_a_leader_field_on_a_turned_page_covers_its_left_third_as_shown) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.rotate = 90}));
    SystemClock clock;
    auto agency = TokenPki::shared().signer("agency-seal");
    PadesOptions seal;
    seal.placement = SealOverLeader{PageRect{1, {100, 300, 171, 470}}, 36};  // 170 pt wide as shown
    seal.image = TokenPki::shared().path("images/agency-seal.png");
    sign_pades(dir / "in.pdf", dir / "out.pdf", agency, clock, seal);
    require_valid_signatures(dir / "out.pdf", 1);
    // Shown, the leader box runs from x = 300 to 470 and the seal's right edge is a third into it.
    auto raster = render_page(dir / "out.pdf", 1, dir.path());
    auto red = ink_box(raster, is_red);
    BOOST_TEST(std::abs(red.right + 1 - (300 + 170.0 / 3)) <= 3, red.right);
    BOOST_TEST(std::abs(red.width() - mm_to_points(36)) <= 4, red.width());
}

// A page whose MediaBox starts at 200,300: positions count from its own corner.
BOOST_AUTO_TEST_CASE(positions_count_from_the_page_box_corner) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf({.origin_x = 200, .origin_y = 300}));
    write_marker_png(dir / "marker.png");
    SystemClock clock;
    auto leader = TokenPki::shared().signer("leader");
    PadesOptions options;
    options.placement = PagePosition{1, 110, 60, 60, 25};
    options.image = dir / "marker.png";
    sign_pades(dir / "in.pdf", dir / "out.pdf", leader, clock, options);
    require_valid_signatures(dir / "out.pdf", 1);
    auto field = signature_field_rect(dir / "out.pdf", "Signature1").rect;
    BOOST_TEST(field.left == 200 + mm_to_points(110), boost::test_tools::tolerance(0.01));
    BOOST_TEST(field.bottom == 300 + mm_to_points(60), boost::test_tools::tolerance(0.01));
    auto raster = render_page(dir / "out.pdf", 1, dir.path());
    auto blue = ink_box(raster, is_blue);
    BOOST_TEST(std::abs(blue.left - mm_to_points(110)) <= 2, blue.left);
    BOOST_TEST(std::abs(blue.bottom + 1 - (kPageHeight - mm_to_points(60))) <= 2, blue.bottom);
    options.placement = PagePosition{1, 200, 60, 60, 25};  // 260 mm on a 210 mm wide page
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "off.pdf", leader, clock, options), Error,
                          [](const Error& e) { return e.code() == "rect_off_page"; });
}

namespace {

// The same file with the appearance streams' clipping turned off (same length, so the xref holds):
// where a rendering of both differs, the field cut its text off.
void without_clipping(const std::filesystem::path& in, const std::filesystem::path& out) {
    std::string bytes = read_file(in);
    std::size_t found = 0;
    for (auto at = bytes.find(" re W n "); at != std::string::npos; at = bytes.find(" re W n ", at + 1), ++found)
        bytes.replace(at, 8, " re   n ");
    BOOST_TEST_REQUIRE(found > 0);
    write_file(out, bytes);
}

}  // namespace

// LibreOffice's fields are 7.75 pt high with an 11 pt /DA; 0 Tf means "fit"; the colour is the field's.
BOOST_AUTO_TEST_CASE(filled_text_fits_small_fields_in_their_colour) {
    struct Case {
        std::string da, value;
        bool (*ink)(const Raster::Pixel&);
    };
    for (const Case& c : {Case{"/F1 11 Tf 0 0 1 rg", "Số: 15/QĐ-UBND", is_blue},
                          Case{"/Helv 0 Tf 1 0 0 rg", "ỨNG", is_red},
                          Case{"0.9 0.1 0.1 rg /Helv 11 Tf 0 0 1 rg", "Đà Nẵng, ngày 27 tháng 11 năm 2026", is_blue}}) {
        BOOST_TEST_CONTEXT(c.da << " " << c.value) {
            TempDir dir("pades");
            write_file(dir / "in.pdf", minimal_pdf({.small_field_da = c.da}));
            fill_form_fields(dir / "in.pdf", dir / "out.pdf", {{"o_nho", c.value}});
            without_clipping(dir / "out.pdf", dir / "unclipped.pdf");
            constexpr int dpi = 288, scale = dpi / 72;
            auto clipped = render_page(dir / "out.pdf", 1, dir.path(), dpi);
            auto unclipped = render_page(dir / "unclipped.pdf", 1, dir.path(), dpi);
            PixelBox field{static_cast<int>(kSmallField[0]) * scale, (842 - 608) * scale,
                           static_cast<int>(kSmallField[2]) * scale, (842 - 600) * scale};
            PixelBox around{field.left - 40, field.top - 40, field.right + 40, field.bottom + 40};
            auto ink = [](const Raster::Pixel& p) { return p.r < 240 || p.g < 240 || p.b < 240; };
            int shown = count_pixels(clipped, field, ink);
            BOOST_TEST(shown > 50, "ink in the field: " << shown);
            BOOST_TEST(count_pixels(unclipped, around, ink) == shown, "no ink cut off by the field's edges");
            BOOST_TEST(count_pixels(clipped, field, c.ink) > shown / 2, "in the field's colour");
            auto black = [](const Raster::Pixel& p) { return p.r < 90 && p.g < 90 && p.b < 90; };
            BOOST_TEST(count_pixels(clipped, field, black) == 0);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
