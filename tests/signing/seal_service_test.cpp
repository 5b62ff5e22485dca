#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <string>

#include "../pdf/pdf_fixtures.h"
#include "command.h"
#include "error_code.h"
#include "service_fixture.h"
#include "sign/pades.h"
#include "temp_dir.h"

using namespace sign;
using namespace sign::test;
namespace fs = std::filesystem;

namespace {

std::span<const uint8_t> bytes_of(const std::string& text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
    write_file(path, std::string(bytes.begin(), bytes.end()));
}

// The leader signs the minimal PDF's empty field with the blue image, as the leader's phone
// approval will later do through signd.
fs::path leader_signed_pdf(const TempDir& dir) {
    write_file(dir.path() / "in.pdf", minimal_pdf({.signature_field = true}));
    PadesOptions options;
    options.placement = ExistingField{"chu_ky_lanh_dao"};
    options.image = TokenPki::shared().path("images/leader-signature.png");
    sign_pades(dir.path() / "in.pdf", dir.path() / "leader.pdf", TokenPki::shared().signer("leader"), SystemClock(), options);
    return dir.path() / "leader.pdf";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(seal_service)

BOOST_AUTO_TEST_CASE(lists_the_agency_seal_with_its_key_type) {
    auto seals = SigningServices::shared().seals.seals();
    BOOST_REQUIRE_EQUAL(seals.size(), 1u);
    BOOST_TEST(seals[0].id == "agency-seal");
    BOOST_TEST(seals[0].subject.find("Sở Thông tin và Truyền thông") != std::string::npos);
    BOOST_TEST(seals[0].key_type == TokenPki::shared().key("agency-seal").key_type());
    BOOST_TEST(error_code_of([] { SigningServices::shared().seals.seal("leader"); }) == "unknown_seal");
}

BOOST_AUTO_TEST_CASE(seals_over_the_leaders_signature_and_both_verify) {
    TempDir dir("seal-pdf");
    auto leader = leader_signed_pdf(dir);
    auto input = read_file(leader);
    auto sealed = SigningServices::shared().seals.seal_pdf("agency-seal", bytes_of(input), {});
    write_bytes(dir.path() / "sealed.pdf", sealed);

    // An incremental update: the leader's bytes are untouched at the front.
    BOOST_REQUIRE_GT(sealed.size(), input.size());
    BOOST_TEST(std::string(sealed.begin(), sealed.begin() + static_cast<std::ptrdiff_t>(input.size())) == input);
    auto signatures = require_valid_signatures(dir.path() / "sealed.pdf", 2);
    BOOST_TEST(signatures[0].block.find("Nguyễn Văn An") != std::string::npos, signatures[0].block);
    BOOST_TEST(signatures[1].block.find("Sở Thông tin và Truyền thông") != std::string::npos, signatures[1].block);
    BOOST_TEST(signatures[1].total_document);

    // Decree 30: the red seal lies over the left third of the blue leader image.
    PdfRect leader_rect = signature_field_rect(leader, "chu_ky_lanh_dao").rect;
    auto page = render_page(dir.path() / "sealed.pdf", 1, dir.path());
    auto box = to_pixels(PdfRect{leader_rect.left, leader_rect.bottom, leader_rect.left + leader_rect.width() / 3, leader_rect.top},
                         page.height);
    BOOST_TEST(count_pixels(page, box, [](const Raster::Pixel& p) { return p.red(); }) > 100);
}

BOOST_AUTO_TEST_CASE(needs_a_position_when_there_is_no_leader_signature) {
    TempDir dir("seal-position");
    auto pdf = minimal_pdf();
    BOOST_TEST(error_code_of([&] { SigningServices::shared().seals.seal_pdf("agency-seal", bytes_of(pdf), {}); }) ==
               "seal_position_required");

    auto placed = SigningServices::shared().seals.seal_pdf("agency-seal", bytes_of(pdf), {.page = 1, .x_mm = 120, .y_mm = 40});
    write_bytes(dir.path() / "placed.pdf", placed);
    require_valid_signatures(dir.path() / "placed.pdf", 1);

    auto invisible = SigningServices::shared().seals.seal_pdf("agency-seal", bytes_of(pdf), {.invisible = true});
    write_bytes(dir.path() / "invisible.pdf", invisible);
    require_valid_signatures(dir.path() / "invisible.pdf", 1);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_pdf_and_unknown_fields) {
    auto& seals = SigningServices::shared().seals;
    BOOST_TEST(error_code_of([&] { seals.seal_pdf("agency-seal", bytes_of("<xml/>"), {}); }) == "not_a_pdf");
    auto pdf = minimal_pdf({.signature_field = true});
    BOOST_TEST(error_code_of([&] { seals.seal_pdf("agency-seal", bytes_of(pdf), {.leader_field = "no_such_field"}); }) ==
               "field_not_found");
    BOOST_TEST(error_code_of([&] { seals.seal_pdf("no-such-seal", bytes_of(pdf), {.invisible = true}); }) == "unknown_seal");
}

BOOST_AUTO_TEST_CASE(seals_xml_that_xmlsec1_verifies) {
    TempDir dir("seal-xml");
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HoSo><TieuDe>Đơn đề nghị cấp giấy phép</TieuDe></HoSo>\n";
    auto sealed = SigningServices::shared().seals.seal_xml("agency-seal", bytes_of(xml));
    write_bytes(dir.path() / "sealed.xml", sealed);
    std::string text(sealed.begin(), sealed.end());
    BOOST_TEST(text.find("SignatureTimeStamp") != std::string::npos);
    auto verified = run_command({"xmlsec1", "--verify", "--trusted-pem", TokenPki::shared().path("certs/root-ca.pem"),
                                 "--untrusted-pem", TokenPki::shared().path("certs/issuing-ca.pem"), "--id-attr:Id",
                                 "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", "--enabled-reference-uris",
                                 "empty,same-doc", (dir.path() / "sealed.xml").string()});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(error_code_of([] { SigningServices::shared().seals.seal_xml("agency-seal", bytes_of("not xml")); }) == "not_xml");
}

BOOST_AUTO_TEST_CASE(seals_any_file_as_detached_cades_that_openssl_verifies) {
    TempDir dir("seal-cms");
    std::string content = "Tờ khai đăng ký kinh doanh\n";
    write_file(dir.path() / "form.txt", content);
    auto signature = SigningServices::shared().seals.seal_file("agency-seal", bytes_of(content));
    write_bytes(dir.path() / "form.p7s", std::vector<uint8_t>(signature.begin(), signature.end()));
    auto verified = openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", (dir.path() / "form.p7s").string(),
                             "-content", (dir.path() / "form.txt").string(), "-CAfile",
                             TokenPki::shared().path("certs/root-ca.pem"), "-purpose", "any", "-out", "/dev/null"});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    // B-T: the signer info carries a time-stamp token (id-aa-signatureTimeStampToken).
    auto printed = openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", (dir.path() / "form.p7s").string()});
    BOOST_TEST(printed.output.find("id-smime-aa-timeStampToken") != std::string::npos);
}

// The scheme of each seal is configured; a seal named nowhere keeps its key's default, RSASSA-PSS.
BOOST_AUTO_TEST_CASE(each_seal_signs_with_its_configured_scheme) {
    auto& shared = SigningServices::shared();
    auto cms_algorithms = [](const std::vector<uint8_t>& cms, const TempDir& dir) {
        write_bytes(dir.path() / "seal.p7s", cms);
        return run_command({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                            (dir.path() / "seal.p7s").string()})
            .output;
    };
    TempDir dir("seal-scheme");
    std::string content = "Tờ trình số 12/TTr-STTTT\n";
    BOOST_TEST(cms_algorithms(shared.seals.seal_file("agency-seal", bytes_of(content)), dir).find("rsassaPss") !=
               std::string::npos);

    signing::SealService pkcs1(shared.signers, shared.timestamps.client(), shared.data.path("images"), shared.clock,
                               {{"agency-seal", SignatureScheme::rsa_pkcs1v15}});
    auto printed = cms_algorithms(pkcs1.seal_file("agency-seal", bytes_of(content)), dir);
    BOOST_TEST(printed.find("rsassaPss") == std::string::npos, printed);
    BOOST_TEST(printed.find("rsaEncryption") != std::string::npos, printed);
    auto pdf = pkcs1.seal_pdf("agency-seal", bytes_of(minimal_pdf()), {.invisible = true});
    write_bytes(dir.path() / "sealed.pdf", pdf);
    require_valid_signatures(dir.path() / "sealed.pdf", 1);

    BOOST_TEST(error_code_of([&] {
                   signing::SealService(shared.signers, shared.timestamps.client(), shared.data.path("images"), shared.clock,
                                        {{"agency-seal", SignatureScheme::ecdsa}});
               }) == "invalid_config");
    BOOST_TEST(error_code_of([&] {
                   signing::SealService(shared.signers, shared.timestamps.client(), shared.data.path("images"), shared.clock,
                                        {{"no-such-seal", SignatureScheme::rsa_pkcs1v15}});
               }) == "invalid_config");
}

// page/xMm/yMm are read on the page as shown: from its box's own corner, after /Rotate.
BOOST_AUTO_TEST_CASE(a_placed_seal_counts_from_the_corner_of_the_page_as_shown) {
    TempDir dir("seal-placed");
    auto shifted = SigningServices::shared().seals.seal_pdf("agency-seal", bytes_of(minimal_pdf({.origin_x = 200, .origin_y = 300})),
                                                            {.page = 1, .x_mm = 120, .y_mm = 40});
    write_bytes(dir.path() / "shifted.pdf", shifted);
    require_valid_signatures(dir.path() / "shifted.pdf", 1);
    auto rect = signature_field_rect(dir.path() / "shifted.pdf", "Signature1").rect;
    BOOST_TEST(rect.left == 200 + mm_to_points(120), boost::test_tools::tolerance(0.01));
    BOOST_TEST(rect.bottom == 300 + mm_to_points(40), boost::test_tools::tolerance(0.01));

    auto turned = SigningServices::shared().seals.seal_pdf("agency-seal", bytes_of(minimal_pdf({.rotate = 90})),
                                                           {.page = 1, .x_mm = 200, .y_mm = 40});
    write_bytes(dir.path() / "turned.pdf", turned);
    require_valid_signatures(dir.path() / "turned.pdf", 1);
    auto page = render_page(dir.path() / "turned.pdf", 1, dir.path());
    BOOST_TEST(page.width == 842);
    auto red = ink_box(page, [](const Raster::Pixel& p) { return p.red(); });
    BOOST_TEST(std::abs(red.left - mm_to_points(200)) <= 3, red.left);
    BOOST_TEST(std::abs(red.bottom + 1 - (page.height - mm_to_points(40))) <= 3, red.bottom);
}

BOOST_AUTO_TEST_SUITE_END()
