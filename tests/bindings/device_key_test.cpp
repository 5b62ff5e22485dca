// The OpenSSL device key: signatures that OpenSSL verifies after raw -> DER,
// DER <-> raw conversion, and a key file that is 0600 and replaced atomically.

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "c_api_check.h"
#include "command.h"
#include "sdk_buffers.h"
#include "signmobile.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

SmKey generate() {
    sm_key* key = nullptr;
    BOOST_TEST_REQUIRE(sm_key_generate(&key) == SM_OK, sm_last_error());
    return SmKey(key);
}

std::string public_der(const sm_key* key) {
    uint8_t* der = nullptr;
    size_t len = 0;
    BOOST_TEST_REQUIRE(sm_key_public_der(key, &der, &len) == SM_OK, sm_last_error());
    SmBytes owned(der);
    return std::string(reinterpret_cast<char*>(der), len);
}

std::string raw_to_der(const uint8_t raw[64]) {
    uint8_t* der = nullptr;
    size_t len = 0;
    BOOST_TEST_REQUIRE(sm_ecdsa_raw_to_der(raw, &der, &len) == SM_OK, sm_last_error());
    SmBytes owned(der);
    return std::string(reinterpret_cast<char*>(der), len);
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(device_key)

BOOST_AUTO_TEST_CASE(signature_verifies_with_openssl_dgst_after_raw_to_der) {
    TempDir dir("signmobile-key");
    auto key = generate();
    const std::string message = "signd-approval-v1\ndecision:approve\nrequest:Zb3xQ9mK2pL7vN4tR8sW1a\n";
    uint8_t raw[64] = {};
    BOOST_TEST_REQUIRE(sm_key_sign(key.get(), reinterpret_cast<const uint8_t*>(message.data()), message.size(), raw) == SM_OK);
    write_file(dir / "message.txt", message);
    write_file(dir / "signature.der", raw_to_der(raw));
    write_file(dir / "public.der", public_der(key.get()));

    auto convert = run_command({"openssl", "pkey", "-pubin", "-inform", "DER", "-in", (dir / "public.der").string(),
                                "-out", (dir / "public.pem").string()});
    BOOST_TEST_REQUIRE(convert.exit_code == 0, convert.output);
    auto verify = run_command({"openssl", "dgst", "-sha256", "-verify", (dir / "public.pem").string(), "-signature",
                               (dir / "signature.der").string(), (dir / "message.txt").string()});
    BOOST_TEST(verify.exit_code == 0, verify.output);
    BOOST_TEST(verify.output.find("Verified OK") != std::string::npos, verify.output);

    // The same signature over another message does not verify.
    write_file(dir / "message.txt", message + "2 sha256 00 00\n");
    auto tampered = run_command({"openssl", "dgst", "-sha256", "-verify", (dir / "public.pem").string(), "-signature",
                                 (dir / "signature.der").string(), (dir / "message.txt").string()});
    BOOST_TEST(tampered.exit_code != 0, tampered.output);
}

BOOST_AUTO_TEST_CASE(signer_callback_signs_like_the_key_and_verifies_with_the_openssl_api) {
    auto key = generate();
    auto spki = public_der(key.get());
    const unsigned char* cursor = reinterpret_cast<const unsigned char*>(spki.data());
    EVP_PKEY* public_key = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(spki.size()));
    BOOST_TEST_REQUIRE(public_key != nullptr);
    BOOST_TEST(EVP_PKEY_get_bits(public_key) == 256);

    sm_signer signer = sm_key_signer(key.get());
    const std::string message = "signd-device-auth-v1\nid\n1\nGET\n/api/v1/device/signature-requests\n";
    uint8_t raw[64] = {};
    BOOST_TEST_REQUIRE(signer.sign(signer.context, reinterpret_cast<const uint8_t*>(message.data()), message.size(), raw) == SM_OK);
    auto der = raw_to_der(raw);

    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    BOOST_TEST_REQUIRE(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, public_key) == 1);
    int verified = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                                    reinterpret_cast<const unsigned char*>(message.data()), message.size());
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(public_key);
    BOOST_TEST(verified == 1);
}

BOOST_AUTO_TEST_CASE(der_to_raw_pads_and_strips_fixed_vector) {
    // r has its top bit set (DER adds a 0x00), s is the small number 5 (raw pads it to 32 bytes).
    std::string r(32, '\x80');
    std::string der = std::string("\x30\x26\x02\x21\x00", 5) + r + std::string("\x02\x01\x05", 3);
    uint8_t raw[64] = {};
    BOOST_TEST_REQUIRE(sm_ecdsa_der_to_raw(reinterpret_cast<const uint8_t*>(der.data()), der.size(), raw) == SM_OK,
                       sm_last_error());
    std::string expected = r + std::string(31, '\0') + "\x05";
    BOOST_TEST(std::string(reinterpret_cast<char*>(raw), 64) == expected);
    BOOST_TEST(raw_to_der(raw) == der);

    std::string trailing = der + "x";
    BOOST_TEST(sm_ecdsa_der_to_raw(reinterpret_cast<const uint8_t*>(trailing.data()), trailing.size(), raw) ==
               SM_ERR_INVALID_ARGUMENT);
    // r of 33 significant bytes cannot be a P-256 coordinate.
    std::string too_long = std::string("\x30\x26\x02\x21\x01", 5) + r + std::string("\x02\x01\x05", 3);
    BOOST_TEST(sm_ecdsa_der_to_raw(reinterpret_cast<const uint8_t*>(too_long.data()), too_long.size(), raw) ==
               SM_ERR_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(c_program_signs_and_converts) {
    char message[256] = {};
    BOOST_TEST(signmobile_c_sign_and_convert(message, sizeof message) == 1, message);
}

BOOST_AUTO_TEST_CASE(key_file_is_0600_whatever_the_umask_and_loads_back) {
    TempDir dir("signmobile-key");
    auto path = (dir / "device-key.pem").string();
    auto key = generate();
    mode_t old_umask = ::umask(0);
    sm_status saved = sm_key_save_pem(key.get(), path.c_str());
    ::umask(old_umask);
    BOOST_TEST_REQUIRE(saved == SM_OK, sm_last_error());
    struct stat info {};
    BOOST_TEST_REQUIRE(::stat(path.c_str(), &info) == 0);
    BOOST_TEST((info.st_mode & 07777) == 0600u);
    BOOST_TEST(read_file(path).rfind("-----BEGIN PRIVATE KEY-----", 0) == 0u);
    // Nothing but the key is left in the folder.
    BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);

    sm_key* loaded = nullptr;
    BOOST_TEST_REQUIRE(sm_key_load_pem(path.c_str(), &loaded) == SM_OK, sm_last_error());
    SmKey owned(loaded);
    BOOST_TEST(public_der(loaded) == public_der(key.get()));
}

BOOST_AUTO_TEST_CASE(saving_replaces_the_file_by_rename_never_in_place) {
    TempDir dir("signmobile-key");
    auto path = dir / "device-key.pem";
    auto first = generate();
    BOOST_TEST_REQUIRE(sm_key_save_pem(first.get(), path.c_str()) == SM_OK, sm_last_error());
    auto first_pem = read_file(path);
    // A second name for the first file's inode: an in-place rewrite would change what it shows.
    std::filesystem::create_hard_link(path, dir / "first-link.pem");
    struct stat before {};
    ::stat(path.c_str(), &before);

    auto second = generate();
    BOOST_TEST_REQUIRE(sm_key_save_pem(second.get(), path.c_str()) == SM_OK, sm_last_error());
    struct stat after {};
    ::stat(path.c_str(), &after);
    BOOST_TEST(after.st_ino != before.st_ino);
    BOOST_TEST(read_file(dir / "first-link.pem") == first_pem);
    BOOST_TEST(read_file(path) != first_pem);
    sm_key* loaded = nullptr;
    BOOST_TEST_REQUIRE(sm_key_load_pem(path.c_str(), &loaded) == SM_OK);
    SmKey owned(loaded);
    BOOST_TEST(public_der(loaded) == public_der(second.get()));
}

BOOST_AUTO_TEST_CASE(a_failed_save_leaves_the_old_file_and_no_temporary) {
    TempDir dir("signmobile-key");
    auto key = generate();
    // The target is a non-empty folder: the rename fails after the temporary file was written.
    std::filesystem::create_directories(dir / "device-key.pem" / "occupied");
    BOOST_TEST(sm_key_save_pem(key.get(), (dir / "device-key.pem").c_str()) == SM_ERR_IO);
    BOOST_TEST(std::string(sm_last_error()).find("rename") != std::string::npos, sm_last_error());
    BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
    BOOST_TEST(std::filesystem::is_directory(dir / "device-key.pem" / "occupied"));
}

BOOST_AUTO_TEST_CASE(only_p256_keys_load) {
    TempDir dir("signmobile-key");
    auto p384 = run_command({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out",
                             (dir / "p384.pem").string()});
    BOOST_TEST_REQUIRE(p384.exit_code == 0, p384.output);
    sm_key* key = nullptr;
    BOOST_TEST(sm_key_load_pem((dir / "p384.pem").c_str(), &key) == SM_ERR_CRYPTO);
    BOOST_TEST(std::string(sm_last_error()).find("P-256") != std::string::npos, sm_last_error());
    BOOST_TEST(key == nullptr);
    BOOST_TEST(sm_key_load_pem((dir / "missing.pem").c_str(), &key) == SM_ERR_IO);
    write_file(dir / "garbage.pem", "not a key");
    BOOST_TEST(sm_key_load_pem((dir / "garbage.pem").c_str(), &key) == SM_ERR_CRYPTO);
}

BOOST_AUTO_TEST_CASE(last_error_is_per_thread_and_cleared_by_success) {
    sm_key* key = nullptr;
    BOOST_TEST(sm_key_load_pem(nullptr, &key) == SM_ERR_INVALID_ARGUMENT);
    std::string other_thread_error = "unset";
    std::thread([&] {
        other_thread_error = sm_last_error();
        sm_key* none = nullptr;
        (void)sm_key_load_pem("/nonexistent/key.pem", &none);
    }).join();
    BOOST_TEST(other_thread_error.empty());
    BOOST_TEST(std::string(sm_last_error()).find("path") != std::string::npos, sm_last_error());
    auto generated = generate();
    BOOST_TEST(std::string(sm_last_error()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
