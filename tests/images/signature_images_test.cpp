// make-signature-images: the generated leader signature and agency seal must be usable as
// Decree 30/2020 visible-signature images — transparent backgrounds, blue ink, a red seal at
// its real size — and the tool must behave like a careful command-line program.

#define BOOST_TEST_MODULE signature_images
#include <boost/test/unit_test.hpp>

#include <cairo.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using sign::test::CommandResult;
using sign::test::run_command;
using sign::test::TempDir;

namespace {

constexpr double kPi = std::numbers::pi;

CommandResult run_tool(std::vector<std::string> args) {
    args.insert(args.begin(), MAKE_SIGNATURE_IMAGES);
    return run_command(args);
}

int px(double mm, int dpi) { return static_cast<int>(std::lround(mm / 25.4 * dpi)); }

struct Pixel {
    int a, r, g, b;
    bool opaque() const { return a == 255; }
    bool transparent() const { return a == 0; }
    bool blue() const { return b > r && b > g; }
    bool red() const { return r > g && r > b; }
};

// A PNG decoded by cairo; pixels are premultiplied, which equals straight colour where opaque.
class Image {
public:
    explicit Image(const fs::path& file)
        : surface_(cairo_image_surface_create_from_png(file.c_str()), cairo_surface_destroy) {
        BOOST_REQUIRE_MESSAGE(cairo_surface_status(surface_.get()) == CAIRO_STATUS_SUCCESS,
                              "cannot load " << file);
        BOOST_REQUIRE(cairo_image_surface_get_format(surface_.get()) == CAIRO_FORMAT_ARGB32);
    }
    int width() const { return cairo_image_surface_get_width(surface_.get()); }
    int height() const { return cairo_image_surface_get_height(surface_.get()); }
    Pixel at(int x, int y) const {
        const unsigned char* row =
            cairo_image_surface_get_data(surface_.get()) + y * cairo_image_surface_get_stride(surface_.get());
        std::uint32_t v = reinterpret_cast<const std::uint32_t*>(row)[x];
        return {static_cast<int>(v >> 24), static_cast<int>((v >> 16) & 0xff),
                static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)};
    }
    /// The pixel at polar coordinates around the image centre (angle in radians, y down).
    Pixel polar(double radius, double angle) const {
        double c = (width() - 1) / 2.0;
        return at(static_cast<int>(std::lround(c + radius * std::cos(angle))),
                  static_cast<int>(std::lround(c + radius * std::sin(angle))));
    }
    std::vector<Pixel> all() const {
        std::vector<Pixel> pixels;
        for (int y = 0; y < height(); ++y)
            for (int x = 0; x < width(); ++x) pixels.push_back(at(x, y));
        return pixels;
    }

private:
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface_;
};

void check_corners_transparent(const Image& img) {
    for (int x : {0, img.width() - 1})
        for (int y : {0, img.height() - 1}) BOOST_TEST(img.at(x, y).transparent(), "corner " << x << "," << y);
}

// Share of opaque pixels, and whether all of them have the expected ink colour.
template <typename ColourTest>
std::pair<double, bool> opaque_share_all_coloured(const Image& img, ColourTest colour_ok) {
    size_t opaque = 0;
    bool coloured = true;
    for (const Pixel& p : img.all()) {
        if (!p.opaque()) continue;
        ++opaque;
        coloured = coloured && colour_ok(p);
    }
    return {static_cast<double>(opaque) / (img.width() * img.height()), coloured};
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Images made once with the defaults (36 mm seal, 300 dpi), shared by the checks below.
struct DefaultImages {
    TempDir dir{"signature-images"};
    DefaultImages() {
        CommandResult r = run_tool({"--out", dir.path().string()});
        BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(generated_images, DefaultImages)

BOOST_AUTO_TEST_CASE(leader_signature_is_blue_ink_on_transparent_background) {
    Image img(dir / "leader-signature.png");
    BOOST_TEST(img.width() == px(60, 300));
    BOOST_TEST(img.height() == px(25, 300));
    check_corners_transparent(img);
    auto [share, all_blue] = opaque_share_all_coloured(img, [](const Pixel& p) { return p.blue(); });
    BOOST_TEST_MESSAGE("signature: " << share * 100 << "% opaque");
    BOOST_TEST(share > 0.03, "only " << share * 100 << "% of the signature is inked");
    BOOST_TEST(share < 0.40, "the signature is a blot, " << share * 100 << "% inked");
    BOOST_TEST(all_blue);
}

BOOST_AUTO_TEST_CASE(agency_seal_is_red_on_transparent_background) {
    Image img(dir / "agency-seal.png");
    check_corners_transparent(img);
    auto [share, all_red] = opaque_share_all_coloured(img, [](const Pixel& p) { return p.red(); });
    BOOST_TEST_MESSAGE("seal: " << share * 100 << "% opaque");
    BOOST_TEST(share > 0.10, "only " << share * 100 << "% of the seal is inked");
    BOOST_TEST(all_red);
}

BOOST_AUTO_TEST_CASE(agency_seal_has_its_real_diameter) {
    Image img(dir / "agency-seal.png");
    int expected = px(36, 300);  // 425 px
    int left = img.width(), right = -1, top = img.height(), bottom = -1;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            if (img.at(x, y).a >= 128) {
                left = std::min(left, x), right = std::max(right, x);
                top = std::min(top, y), bottom = std::max(bottom, y);
            }
    BOOST_TEST(std::abs(right - left + 1 - expected) <= 2, "width " << right - left + 1 << " px");
    BOOST_TEST(std::abs(bottom - top + 1 - expected) <= 2, "height " << bottom - top + 1 << " px");
}

BOOST_AUTO_TEST_CASE(agency_seal_has_a_solid_outer_ring_and_a_star_in_an_empty_middle) {
    Image img(dir / "agency-seal.png");
    double radius = img.width() / 2.0;
    // The outer ring covers the outermost 6.5% of the radius; sample its middle all round.
    for (int i = 0; i < 72; ++i) {
        Pixel p = img.polar(radius * (1 - 0.065 / 2), i * 2 * kPi / 72);
        BOOST_TEST((p.opaque() && p.red()), "ring pixel at " << i * 5 << " degrees");
    }
    // Between the star (30% of the radius) and the inner ring (66%) the seal is empty.
    for (int i = 0; i < 72; ++i) BOOST_TEST(img.polar(radius * 0.48, i * 2 * kPi / 72).transparent());
    // A five-pointed star, point up: solid at the centre and up its top point, empty between
    // its two lower points.
    BOOST_TEST((img.polar(0, 0).opaque() && img.polar(0, 0).red()));
    BOOST_TEST(img.polar(radius * 0.20, -kPi / 2).opaque());
    BOOST_TEST(img.polar(radius * 0.20, kPi / 2).transparent());
}

BOOST_AUTO_TEST_CASE(images_json_gives_the_real_sizes) {
    auto doc = nlohmann::json::parse(read_file(dir / "images.json"));
    BOOST_TEST(doc["leader_signature"]["file"] == "leader-signature.png");
    BOOST_TEST(doc["leader_signature"]["width_mm"] == 60);
    BOOST_TEST(doc["leader_signature"]["height_mm"] == 25);
    BOOST_TEST(doc["agency_seal"]["file"] == "agency-seal.png");
    BOOST_TEST(doc["agency_seal"]["diameter_mm"] == 36);
    BOOST_TEST(doc["dpi"] == 300);
}

BOOST_AUTO_TEST_CASE(same_inputs_give_identical_files) {
    TempDir again("signature-images-again");
    CommandResult r = run_tool({"--out", again.path().string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    for (const char* name : {"leader-signature.png", "agency-seal.png", "images.json"})
        BOOST_TEST((read_file(dir / name) == read_file(again / name)), name << " differs between runs");
}

BOOST_AUTO_TEST_CASE(another_signer_gets_another_signature) {
    TempDir other("signature-images-other");
    CommandResult r = run_tool({"--out", other.path().string(), "--signer", "Trần Thị Bích Ngọc"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    BOOST_TEST((read_file(dir / "leader-signature.png") != read_file(other / "leader-signature.png")));
    BOOST_TEST((read_file(dir / "agency-seal.png") == read_file(other / "agency-seal.png")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(seal_size_follows_diameter_and_resolution) {
    TempDir dir("signature-images-size");
    CommandResult r = run_tool({"--out", dir.path().string(), "--seal-mm", "40", "--dpi", "200",
                                "--agency", "ủy ban nhân dân", "--city", "quận hải châu"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    Image seal(dir / "agency-seal.png");
    BOOST_TEST(seal.width() == px(40, 200));
    BOOST_TEST(seal.height() == px(40, 200));
    Image signature(dir / "leader-signature.png");
    BOOST_TEST(signature.width() == px(60, 200));
    auto doc = nlohmann::json::parse(read_file(dir / "images.json"));
    BOOST_TEST(doc["agency_seal"]["diameter_mm"] == 40);
}

BOOST_AUTO_TEST_CASE(help_succeeds) {
    CommandResult r = run_tool({"--help"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.output.find("--seal-mm") != std::string::npos, r.output);
}

BOOST_AUTO_TEST_CASE(bad_arguments_fail_with_a_message) {
    TempDir dir("signature-images-bad");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--out", dir.path().string(), "--no-such-flag"},
          {"--out", dir.path().string(), "--dpi", "5"},
          {"--out", dir.path().string(), "--seal-mm", "wide"},
          {"--agency", "X"}}) {
        CommandResult r = run_tool(args);
        BOOST_TEST(r.exit_code != 0, args.back());
        BOOST_TEST(!r.output.empty(), args.back());
    }
    BOOST_TEST(fs::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(output_beneath_a_file_fails) {
    TempDir dir("signature-images-file");
    std::ofstream(dir / "plain-file") << "not a directory";
    CommandResult r = run_tool({"--out", (dir / "plain-file" / "images").string()});
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.output.find("plain-file") != std::string::npos, r.output);
}

// Works even as root: a directory where the PNG should go cannot be renamed over, so the
// tool gets as far as a finished temporary file and must clean it up.
BOOST_AUTO_TEST_CASE(failed_write_leaves_no_partial_file) {
    TempDir dir("signature-images-blocked");
    fs::create_directories(dir / "leader-signature.png" / "occupied");
    CommandResult r = run_tool({"--out", dir.path().string()});
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.output.find("leader-signature.png") != std::string::npos, r.output);
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(dir.path())) left.push_back(entry.path().filename());
    BOOST_TEST(left == std::vector<std::string>{"leader-signature.png"}, "left behind: " << left.size());
}

