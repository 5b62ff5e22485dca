#include "pdf_fixtures.h"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>

#include <png.h>
#include <nlohmann/json.hpp>

#include "sign/timestamp_authority.h"
#include "sign/timestamp_client.h"

#include "ocsp_server.h"
#include "temp_dir.h"
#include "token_pki.h"

namespace sign::test {

void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    BOOST_REQUIRE(out.good());
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void qpdf_convert(const std::filesystem::path& input, const std::filesystem::path& output,
                  const std::vector<std::string>& args) {
    std::vector<std::string> argv{"qpdf"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(input.string());
    argv.push_back(output.string());
    auto result = run_command(argv);
    BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "qpdf failed: " << result.output);
}

CommandResult qpdf_check(const std::filesystem::path& pdf) { return run_command({"qpdf", "--check", pdf.string()}); }

namespace {

const std::filesystem::path& nss_database() {
    static TempDir folder("pades-nss");
    static bool made = [] {
        auto dir = "sql:" + folder.path().string();
        auto created = run_command({"certutil", "-N", "-d", dir, "--empty-password"});
        BOOST_REQUIRE_MESSAGE(created.exit_code == 0, created.output);
        auto added = run_command({"certutil", "-A", "-d", dir, "-n", "root", "-t", "CT,C,C", "-i",
                                  TokenPki::shared().path("certs/root-ca.pem")});
        BOOST_REQUIRE_MESSAGE(added.exit_code == 0, added.output);
        return true;
    }();
    (void)made;
    return folder.path();
}

}  // namespace

namespace {

std::vector<PdfsigSignature> parse_pdfsig(const std::string& output) {
    std::vector<PdfsigSignature> signatures;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Signature #", 0) == 0) {
            signatures.emplace_back();
            continue;
        }
        if (signatures.empty()) continue;
        auto& s = signatures.back();
        s.block += line + "\n";
        if (line.find("Signature Validation: Signature is Valid.") != std::string::npos) s.valid = true;
        if (line.find("Certificate Validation: Certificate is Trusted.") != std::string::npos) s.trusted = true;
        if (line.find("- Total document signed") != std::string::npos) s.total_document = true;
    }
    return signatures;
}

}  // namespace

std::vector<PdfsigSignature> pdfsig(const std::filesystem::path& pdf, std::string* output) {
    OcspServer::shared();
    // poppler 22.12 reads NSS's last error code even after a successful certificate check, and
    // now and then finds a stale one there: it then prints its catch-all "Unknown issue with
    // Certificate or corrupted data." for a chain it has just validated (fixed in later poppler).
    // Only that catch-all is asked again, at most twice; any definite verdict (revoked, untrusted,
    // expired, invalid signature) is final.
    constexpr const char* catch_all = "Unknown issue with Certificate or corrupted data.";
    CommandResult result;
    for (int attempt = 0; attempt < 3; ++attempt) {
        result = run_command({"pdfsig", "-nssdir", "sql:" + nss_database().string(), pdf.string()});
        if (result.output.find(catch_all) == std::string::npos) break;
    }
    if (output) *output = result.output;
    return parse_pdfsig(result.output);
}

std::vector<PdfsigSignature> require_valid_signatures(const std::filesystem::path& pdf, std::size_t count) {
    std::string report;
    auto signatures = pdfsig(pdf, &report);
    BOOST_REQUIRE_MESSAGE(signatures.size() == count, report);
    for (const auto& signature : signatures) {
        BOOST_TEST(signature.valid, report);
        BOOST_TEST(signature.trusted, report);
    }
    auto check = qpdf_check(pdf);
    BOOST_TEST(check.exit_code == 0, check.output);
    return signatures;
}

std::uint64_t startxref(const std::string& bytes) {
    auto at = bytes.rfind("startxref");
    BOOST_REQUIRE(at != std::string::npos);
    return std::stoull(bytes.substr(at + 9, 24));
}

Raster render_page(const std::filesystem::path& pdf, int page, const std::filesystem::path& work, int dpi) {
    auto prefix = work / ("page-" + std::to_string(page));
    auto result = run_command({"pdftoppm", "-r", std::to_string(dpi), "-png", "-singlefile", "-f", std::to_string(page), "-l",
                               std::to_string(page), pdf.string(), prefix.string()});
    BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "pdftoppm failed: " << result.output);
    auto file = prefix.string() + ".png";
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    BOOST_REQUIRE(png_image_begin_read_from_file(&image, file.c_str()));
    image.format = PNG_FORMAT_RGBA;
    Raster raster;
    raster.width = static_cast<int>(image.width);
    raster.height = static_cast<int>(image.height);
    raster.rgba.resize(PNG_IMAGE_SIZE(image));
    BOOST_REQUIRE(png_image_finish_read(&image, nullptr, raster.rgba.data(), 0, nullptr));
    return raster;
}

TimestampSource& test_tsa() {
    static SystemClock clock;
    static TokenPki& pki = TokenPki::shared();
    static hsm::PrivateKey key = pki.key("tsa");
    static TimestampAuthority authority = [] {
        std::vector<Certificate> chain;
        chain.push_back(pki.certificate("issuing-ca"));
        return TimestampAuthority(pki.certificate("tsa"), key, std::move(chain), clock);
    }();
    static TimestampClient client = [] {
        std::vector<Certificate> intermediates;
        intermediates.push_back(pki.certificate("issuing-ca"));
        return TimestampClient::local(authority, pki.certificate("root-ca"), std::move(intermediates), clock);
    }();
    return client;
}

ImageSizes image_sizes() {
    auto json = nlohmann::json::parse(read_file(TokenPki::shared().path("images/images.json")));
    return {json["leader_signature"]["width_mm"].get<double>(), json["leader_signature"]["height_mm"].get<double>(),
            json["agency_seal"]["diameter_mm"].get<double>()};
}

PixelBox to_pixels(const PdfRect& r, int page_height_px) {
    return {static_cast<int>(std::floor(r.left)), page_height_px - static_cast<int>(std::ceil(r.top)),
            static_cast<int>(std::ceil(r.right)), page_height_px - static_cast<int>(std::floor(r.bottom))};
}

void write_marker_png(const std::filesystem::path& path) {
    constexpr int width = 120, height = 50;
    std::vector<std::uint8_t> pixels(width * height * 4, 0);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            auto* p = &pixels[(static_cast<std::size_t>(y) * width + x) * 4];
            bool left = x < width / 2, upper = y < height / 2;
            if (left) p[0] = 0, p[1] = 0, p[2] = 255, p[3] = 255;
            else if (upper) p[0] = 255, p[1] = 0, p[2] = 0, p[3] = 255;
        }
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = PNG_FORMAT_RGBA;
    BOOST_REQUIRE(png_image_write_to_file(&image, path.c_str(), 0, pixels.data(), 0, nullptr) != 0);
}

}  // namespace sign::test
