// The signers' web app end to end: a real signd on a free loopback port, the
// app in Debian's Chromium driven by mobile_app_e2e.mjs (playwright-core), the
// document system's side through the API, and the signed PDFs checked by
// pdfsig (valid and trusted) and qpdf.

#define BOOST_TEST_MODULE webapp_e2e
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "api_support.h"
#include "sign/pades.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;
using nlohmann::json;

namespace {

const std::string leader_pin = "246810";

// The one-time code signctl printed: 20 Crockford base32 characters in groups of four.
std::string activation_code_in(const std::string& output) {
    static const std::regex code("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}");
    std::smatch found;
    BOOST_TEST_REQUIRE(std::regex_search(output, found, code), "no activation code in: " << output);
    return found.str();
}

// The leader, with the signature image Decree 30 places, enrolled through the app; and a
// document system that may ask them. Added once for the program's shared data folder.
struct Leader {
    std::string api_key;
    std::string first_code;
};

const Leader& leader(const SigndServer& server, const TempDir& dir) {
    static std::optional<Leader> made;
    if (made) return *made;
    std::string qr = (dir / "leader-an.png").string();
    auto added = server.signctl({"signer", "add", "leader-an", "--name", "Nguyễn Văn An", "--no-pin", "--cert",
                                 certificate_serial(server.certificate("leader")), "--image",
                                 server.data_dir() + "/images/leader-signature.png", "--activation-qr", qr});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    std::string png = read_text_file(qr);
    BOOST_TEST_REQUIRE(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0, "the activation QR code is a PNG");
    made = Leader{add_client(server, "dms-mobile", {"--signer", "leader-an", "--seal", "agency-seal"}),
                  activation_code_in(added.output)};
    return *made;
}

// Runs one scenario of mobile_app_e2e.mjs and returns its result file.
json run_app(const SigndServer& server, const TempDir& dir, json params) {
    params["baseUrl"] = server.https_url();
    params["rootCa"] = server.root_ca_pem();
    params["output"] = (dir / (params.at("scenario").get<std::string>() + ".json")).string();
    params["artifacts"] = dir.path().string();
    std::string file = (dir / "params.json").string();
    write_text_file(file, params.dump(1));
    auto ran = run_command({"node", std::string(WEBAPP_TEST_DIR) + "/mobile_app_e2e.mjs", file});
    BOOST_TEST_MESSAGE(ran.output);
    BOOST_TEST_REQUIRE(ran.exit_code == 0, ran.output << "\nsignd's output:\n" << server.stderr_text());
    json result = json::parse(read_text_file(params["output"].get<std::string>()));
    BOOST_TEST(result.value("problems", json::array()).empty(), result.dump());
    return result;
}

// Width and height of a PNG from its IHDR chunk.
std::pair<unsigned, unsigned> png_size(const std::string& png) {
    BOOST_TEST_REQUIRE(png.size() > 24u);
    BOOST_TEST_REQUIRE(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0, "a PNG");
    auto be32 = [&](std::size_t at) {
        unsigned value = 0;
        for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(png[at + i]);
        return value;
    };
    return {be32(16), be32(20)};
}

// Copies the screenshots of a run to the folder WEBAPP_SCREENSHOTS names, when set.
void keep_screenshots(const json& result) {
    const char* keep = std::getenv("WEBAPP_SCREENSHOTS");
    if (!keep) return;
    for (const auto& screenshot : result.value("screenshots", json::array())) {
        std::filesystem::path file = screenshot.get<std::string>();
        std::filesystem::copy_file(file, std::filesystem::path(keep) / file.filename(), std::filesystem::copy_options::overwrite_existing);
    }
}

// GET the signed document of an approved request into `path`.
void fetch_signed(const SigndServer& server, const std::string& api_key, const std::string& id, const std::string& path) {
    auto reply = https(server, "GET", "/api/v1/signature-requests/" + id + "/documents/0", bearer(api_key));
    BOOST_TEST_REQUIRE(reply.status == 200, reply.body);
    BOOST_TEST_REQUIRE(reply.content_type == "application/pdf");
    write_text_file(path, reply.body);
}

}  // namespace

BOOST_AUTO_TEST_CASE(app_is_served_with_its_security_headers) {
    SigndServer server;
    for (const std::string path : {"/app", "/app/", "/app/app.js", "/app/i18n.js", "/app/app.css", "/app/verify", "/app/verify.js"}) {
        BOOST_TEST_CONTEXT(path) {
            auto reply = https(server, "GET", path);
            BOOST_TEST(reply.status == 200);
            BOOST_TEST(reply.headers["content-security-policy"] ==
                       "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; "
                       "connect-src 'self'; frame-ancestors 'none'");
            BOOST_TEST(reply.headers["cache-control"] == "no-cache");
            BOOST_TEST(reply.headers["x-content-type-options"] == "nosniff");
        }
    }
    BOOST_TEST(https(server, "GET", "/app/").content_type == "text/html");
    BOOST_TEST(https(server, "GET", "/app/app.js").content_type == "text/javascript");
    BOOST_TEST(https(server, "GET", "/app/app.css").content_type == "text/css");
    auto missing = https(server, "GET", "/app/secret.txt");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.json().at("code") == "unknown_file");
    // The app holds a device key and takes a PIN: never over plain HTTP.
    auto plain = curl({"-o", "/dev/null", "-w", "%{http_code}", server.http_url() + "/app/"});
    BOOST_TEST(plain.output == "403");
}

BOOST_AUTO_TEST_CASE(signer_enrols_approves_after_a_wrong_pin_and_rejects) {
    SigndServer server;
    TempDir dir("webapp-e2e");
    const auto& signer = leader(server, dir);
    std::string pdf = (dir / "quyet-dinh.pdf").string();
    write_text_file(pdf, minimal_pdf());

    auto result = run_app(server, dir, {{"scenario", "approve_and_reject"}, {"apiKey", signer.api_key},
                                        {"signer", "leader-an"}, {"signerName", "Nguyễn Văn An"},
                                        {"activationCode", signer.first_code}, {"pin", leader_pin}, {"pdf", pdf}});

    // The detail screen as the phone showed it (both languages, a wrong PIN, the question before
    // rejecting): one phone screen each. Set WEBAPP_SCREENSHOTS to a folder to keep them.
    BOOST_TEST_REQUIRE(result.at("screenshots").size() == 4u, result.dump());
    for (const auto& screenshot : result.at("screenshots")) {
        std::string file = screenshot.get<std::string>();
        BOOST_TEST(std::filesystem::path(file).parent_path() == dir.path(), "saved under the test's folder: " << file);
        auto [width, height] = png_size(read_text_file(file));
        BOOST_TEST(width == 390u);
        BOOST_TEST(height == 844u);
    }
    keep_screenshots(result);

    std::string signed_pdf = (dir / "signed.pdf").string();
    fetch_signed(server, signer.api_key, result.at("approved"), signed_pdf);
    require_valid_pdf(server, signed_pdf, 1);

    auto rejected = https(server, "GET", "/api/v1/signature-requests/" + result.at("rejected").get<std::string>() +
                                             "/documents/0", bearer(signer.api_key));
    BOOST_TEST(rejected.status == 409);
    BOOST_TEST(rejected.json().at("code") == "request_not_approved");

    // The code was spent: a second enrolment with it is refused.
    auto again = https(server, "POST", "/api/v1/devices", {},
                       json{{"activationCode", signer.first_code}, {"publicKey", "AAAA"}, {"pin", "1234"}, {"name", "x"}}.dump(),
                       "application/json");
    BOOST_TEST(again.status == 400);
}

// Decree 30: the leader signs in the field left for them, the office fills in the number and
// date, and the agency seal goes over the leader's signature; both stay valid, leader first.
BOOST_AUTO_TEST_CASE(leader_approves_then_the_office_numbers_and_seals) {
    SigndServer server;
    TempDir dir("webapp-decree30");
    const auto& signer = leader(server, dir);
    auto issued = server.signctl({"signer", "activation", "leader-an"});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    std::string code = activation_code_in(issued.output);

    std::string draft = (dir / "cong-van.pdf").string();
    write_text_file(draft, minimal_pdf({.text_fields = true, .signature_field = true}));
    auto result = run_app(server, dir, {{"scenario", "leader_approves"}, {"apiKey", signer.api_key},
                                        {"signer", "leader-an"}, {"signerName", "Nguyễn Văn An"},
                                        {"activationCode", code}, {"pin", leader_pin},
                                        {"pdf", draft}, {"field", "chu_ky_lanh_dao"}});

    std::string signed_pdf = (dir / "signed.pdf").string();
    fetch_signed(server, signer.api_key, result.at("approved"), signed_pdf);
    require_valid_pdf(server, signed_pdf, 1);

    std::string numbered = (dir / "numbered.pdf").string();
    auto filled = server.signctl({"pdf", "fill", signed_pdf, "--set", "so_van_ban=125/UBND-VP", "--set",
                                  "ngay_ban_hanh=Đà Nẵng, ngày 27 tháng 11 năm 2026", "--out", numbered});
    BOOST_TEST_REQUIRE(filled.exit_code == 0, filled.output);

    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/pdf?leaderField=chu_ky_lanh_dao",
                        bearer(signer.api_key), read_text_file(numbered), "application/pdf");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    std::string final_pdf = (dir / "sealed.pdf").string();
    write_text_file(final_pdf, sealed.body);
    require_valid_pdf(server, final_pdf, 2);
    auto fields = sign::signed_signature_fields(final_pdf);
    BOOST_TEST_REQUIRE(fields.size() == 2u);
    BOOST_TEST(fields.front() == "chu_ky_lanh_dao", "the leader's signature comes first");
}

namespace {

// The common name of a PEM certificate's subject, as openssl prints it.
std::string common_name(const std::string& pem_path) {
    auto printed = run_command({"openssl", "x509", "-in", pem_path, "-noout", "-subject", "-nameopt", "utf8,sep_multiline,sname"});
    BOOST_TEST_REQUIRE(printed.exit_code == 0, printed.output);
    static const std::regex cn("CN=([^\n]+)");
    std::smatch found;
    BOOST_TEST_REQUIRE(std::regex_search(printed.output, found, cn), printed.output);
    return found[1].str();
}

}  // namespace

// Anyone verifies on /app/verify without a key: the sealed PDF is valid and names its signer,
// the printable report downloads, and a copy with one byte changed is not valid.
BOOST_AUTO_TEST_CASE(a_citizen_verifies_a_sealed_pdf_and_a_changed_copy) {
    SigndServer server;
    TempDir dir("webapp-verify");
    const auto& signer = leader(server, dir);
    auto sealed = https(server, "POST", "/api/v1/seals/agency-seal/pdf?page=1&xMm=20&yMm=30", bearer(signer.api_key),
                        minimal_pdf(), "application/pdf");
    BOOST_TEST_REQUIRE(sealed.status == 200, sealed.body);
    std::string signed_pdf = (dir / "quyet-dinh-da-ky.pdf").string();
    write_text_file(signed_pdf, sealed.body);
    require_valid_pdf(server, signed_pdf, 1);

    // One bit of the page's text, inside the first signed byte range.
    std::string tampered = sealed.body;
    auto at = tampered.find("QUYET DINH");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    BOOST_TEST_REQUIRE(at < tampered.find("/ByteRange"), "the changed byte is before the signature, so it is signed");
    tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
    std::string tampered_pdf = (dir / "ban-sua.pdf").string();
    write_text_file(tampered_pdf, tampered);

    std::string report = (dir / "phieu.pdf").string();
    auto result = run_app(server, dir, {{"scenario", "verify"}, {"signedPdf", signed_pdf}, {"tamperedPdf", tampered_pdf},
                                        {"signerName", common_name(server.certificate("agency-seal"))}, {"report", report}});
    BOOST_TEST(result.at("screenshots").size() == 2u, result.dump());
    keep_screenshots(result);

    auto text = run_command({"pdftotext", "-enc", "UTF-8", report, "-"});
    BOOST_TEST_REQUIRE(text.exit_code == 0, text.output);
    BOOST_TEST(text.output.find("Phiếu kết quả kiểm tra chữ ký số") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("hợp lệ") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("không hợp lệ") == std::string::npos, "the report is of the valid file: " << text.output);
}
