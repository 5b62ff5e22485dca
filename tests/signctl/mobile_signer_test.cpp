// signctl for mobile signing: signers without a CSC PIN, signature images,
// activation codes with their QR code PNGs, listing and revoking devices, all
// audited.

#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <png.h>
#include <qrencode.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <regex>

#include "sign/store/device_store.h"
#include "software_mac_key.h"
#include "sign/store/write_queue.h"
#include "sign/utc_time.h"
#include "signctl_folder.h"

using sign::test::SignctlFolder;

namespace {

const std::string leader_subject =
    "CN=Nguyễn Văn An,title=Phó Giám đốc,O=Sở Thông tin và Truyền thông thành phố Đà Nẵng,L=Đà Nẵng,C=VN,"
    "UID=CCCD:048090001234";

std::string issue_leader(const SignctlFolder& folder, const std::string& label) {
    return folder
        .signctl_json({"cert", "issue", "--profile", "leader", "--label", label, "--key-type", "ec-p256", "--subject",
                       leader_subject})["serial"]
        .get<std::string>();
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_png(const std::string& path, int width, int height) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(width);
    image.height = static_cast<png_uint_32>(height);
    image.format = PNG_FORMAT_GRAY;
    std::vector<unsigned char> pixels(static_cast<size_t>(width * height), 200);
    BOOST_TEST_REQUIRE(png_image_write_to_file(&image, path.c_str(), 0, pixels.data(), 0, nullptr) != 0);
}

// Reads the QR PNG back and checks it shows exactly libqrencode's modules for the code's payload.
void check_qr_png(const std::string& path, const std::string& code) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    BOOST_TEST_REQUIRE(png_image_begin_read_from_file(&image, path.c_str()) != 0, path);
    image.format = PNG_FORMAT_GRAY;
    std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
    BOOST_TEST_REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) != 0);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString(("signd-activation:" + code).c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
    BOOST_TEST_REQUIRE(qr != nullptr);
    int side = (qr->width + 2 * 4) * 8;
    BOOST_TEST_REQUIRE(image.width == static_cast<png_uint_32>(side));
    BOOST_TEST_REQUIRE(image.height == static_cast<png_uint_32>(side));
    auto pixel = [&](int x, int y) { return pixels[static_cast<size_t>(y) * static_cast<size_t>(side) + static_cast<size_t>(x)]; };
    int mismatches = 0;
    for (int y = 0; y < qr->width + 8; ++y)
        for (int x = 0; x < qr->width + 8; ++x) {
            bool inside = x >= 4 && y >= 4 && x < qr->width + 4 && y < qr->width + 4;
            bool dark = inside && (qr->data[(y - 4) * qr->width + (x - 4)] & 1) != 0;
            // Every pixel of the module, corners included, has the module's colour.
            for (int py = y * 8; py < y * 8 + 8; ++py)
                for (int px = x * 8; px < x * 8 + 8; ++px)
                    if (pixel(px, py) != (dark ? 0 : 255)) ++mismatches;
        }
    BOOST_TEST(mismatches == 0);
}

std::vector<uint8_t> p256_spki() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    std::vector<uint8_t> der(static_cast<size_t>(i2d_PUBKEY(key, nullptr)));
    unsigned char* out = der.data();
    i2d_PUBKEY(key, &out);
    EVP_PKEY_free(key);
    return der;
}

const std::regex code_form("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}");

}  // namespace

BOOST_AUTO_TEST_SUITE(mobile_signers)

BOOST_AUTO_TEST_CASE(a_phone_only_signer_with_image_activation_code_and_devices) {
    SignctlFolder folder;
    folder.init_ca();
    std::string leader = issue_leader(folder, "leader");
    write_png(folder.path("signature.png"), 60, 20);
    std::ofstream(folder.path("not-a.png")) << "GIF89a, not a PNG";
    std::ofstream(folder.path("good.pin")) << "135790\n";

    // Refusals leave no signer behind.
    auto refused = folder.signctl({"signer", "add", "leader-an", "--name", "An", "--cert", leader, "--no-pin", "--image",
                                   folder.path("not-a.png")});
    BOOST_TEST(refused.exit_code == 3, refused.output);
    BOOST_TEST(refused.output.find("not a PNG") != std::string::npos, refused.output);
    refused = folder.signctl({"signer", "add", "leader-an", "--name", "An", "--cert", leader, "--no-pin", "--activation-qr",
                              folder.path("an.png"), "--activation-valid", "25h"});
    BOOST_TEST(refused.exit_code == 3, refused.output);
    BOOST_TEST(refused.output.find("24 hours") != std::string::npos, refused.output);
    refused = folder.signctl({"signer", "add", "leader-an", "--name", "An", "--cert", leader, "--no-pin", "--activation-qr",
                              folder.path("an.png"), "--activation-valid", "soon"});
    BOOST_TEST(refused.exit_code == 3, refused.output);
    refused = folder.signctl({"signer", "add", "leader-an", "--name", "An", "--cert", leader, "--no-pin", "--pin-file",
                              folder.path("good.pin")});
    BOOST_TEST(refused.exit_code == 2, refused.output);
    refused = folder.signctl({"signer", "add", "leader-an", "--name", "An", "--cert", leader, "--no-pin",
                              "--activation-valid", "1h"});
    BOOST_TEST(refused.exit_code == 2, refused.output);
    BOOST_TEST(folder.signctl_json({"signer", "list"}).empty());
    BOOST_TEST(!std::filesystem::exists(folder.path("an.png")));
    BOOST_TEST(!std::filesystem::exists(folder.path("images/signers/leader-an.png")));

    auto before = std::chrono::system_clock::now();
    auto added = folder.signctl_json({"signer", "add", "leader-an", "--name", "Nguyễn Văn An", "--cert", leader, "--no-pin",
                                      "--image", folder.path("signature.png"), "--activation-qr", folder.path("an.png"),
                                      "--activation-valid", "30m"});
    BOOST_TEST(added["has_pin"] == false);
    std::string code = added["activation"]["code"].get<std::string>();
    BOOST_TEST(std::regex_match(code, code_form), code);
    BOOST_TEST(added["activation"]["qr"] == folder.path("an.png"));
    auto expires = sign::parse_utc(added["activation"]["expires_at"].get<std::string>());
    BOOST_TEST((expires >= std::chrono::floor<std::chrono::seconds>(before) + std::chrono::minutes{30}));
    BOOST_TEST((expires <= std::chrono::system_clock::now() + std::chrono::minutes{30}));
    BOOST_TEST(file_bytes(folder.path("images/signers/leader-an.png")) == file_bytes(folder.path("signature.png")));
    check_qr_png(folder.path("an.png"), code);

    // A CSC signer is added without an activation code unless asked for one.
    std::string second = issue_leader(folder, "leader-2");
    auto csc = folder.signctl_json({"signer", "add", "leader-binh", "--name", "Bình", "--cert", second, "--pin-file",
                                    folder.path("good.pin")});
    BOOST_TEST(csc["has_pin"] == true);
    BOOST_TEST(!csc.contains("activation"));

    // Another code, in text and as JSON.
    auto text = folder.signctl({"signer", "activation", "leader-an", "--valid", "10m"});
    BOOST_TEST(text.exit_code == 0, text.output);
    std::smatch found;
    BOOST_TEST_REQUIRE(std::regex_search(text.output, found, code_form), text.output);
    auto again = folder.signctl_json({"signer", "activation", "leader-an", "--qr", folder.path("again.png")});
    BOOST_TEST(again["signer"] == "leader-an");
    BOOST_TEST(again["code"] != code);
    check_qr_png(folder.path("again.png"), again["code"].get<std::string>());
    auto unknown = folder.signctl({"signer", "activation", "nobody"});
    BOOST_TEST(unknown.exit_code == 5, unknown.output);

    // Enrol two phones as signd would, then list and revoke.
    std::string phone;
    {
        sign::store::WriteQueue queue(folder.path("sign.db"));
        sign::test::SoftwareMacKey pin_key;  // the PINs are never checked here
        sign::store::DeviceStore devices(queue, [&]() -> const sign::MacKey& { return pin_key; });
        phone = devices.enrol(code, p256_spki(), "246810", "iPhone của An", std::chrono::system_clock::now()).id;
        devices.enrol(found.str(), p256_spki(), "246810", "Tablet", std::chrono::system_clock::now());
    }
    auto listed = folder.signctl_json({"signer", "devices", "leader-an"});
    BOOST_TEST_REQUIRE(listed.size() == 2u);
    BOOST_TEST(listed[0]["id"] == phone);
    BOOST_TEST(listed[0]["status"] == "active");
    BOOST_TEST(listed[0]["name"] == "iPhone của An");
    BOOST_TEST(folder.signctl_json({"signer", "devices", "leader-binh"}).empty());
    BOOST_TEST(folder.signctl({"signer", "devices", "nobody"}).exit_code == 5);

    auto revoked = folder.signctl_json({"signer", "revoke-device", "leader-an", phone});
    BOOST_TEST(revoked["status"] == "revoked");
    auto table = folder.signctl({"signer", "devices", "leader-an"});
    BOOST_TEST(table.output.find("STATUS") != std::string::npos, table.output);
    BOOST_TEST(table.output.find("revoked") != std::string::npos, table.output);
    BOOST_TEST(table.output.find("iPhone của An") != std::string::npos, table.output);
    BOOST_TEST(folder.signctl({"signer", "revoke-device", "leader-an", phone}).exit_code == 6);
    BOOST_TEST(folder.signctl({"signer", "revoke-device", "leader-binh", listed[1]["id"].get<std::string>()}).exit_code == 5);

    // Every change and refusal is in the audit log.
    auto audit = folder.signctl_json({"audit", "list", "--limit", "1000"});
    int activations = 0;
    int revocations = 0;
    bool refused_image = false;
    for (const auto& record : audit) {
        if (record["action"] == "signer.activation" && record["result"] == "ok") ++activations;
        if (record["action"] == "signer.revoke-device" && record["result"] == "ok") ++revocations;
        if (record["action"] == "signer.add" && record["result"] == "not_a_png") refused_image = true;
    }
    BOOST_TEST(activations == 3);
    BOOST_TEST(revocations == 1);
    BOOST_TEST(refused_image);
    BOOST_TEST(folder.signctl({"audit", "verify"}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
