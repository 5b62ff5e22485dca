// Signer PINs: only a verifier is kept, five wrong PINs in a row lock the
// signer durably, a right PIN before that resets the count.

#include <boost/test/unit_test.hpp>


#include <algorithm>
#include <chrono>
#include <thread>

#include "error_code.h"
#include "legacy_pin_verifier.h"
#include "sign/store/signer_store.h"
#include "postgresql_server.h"
#include "sign/store/connection.h"
#include "stored_rows.h"
#include "temp_dir.h"
#include "token_pin_key.h"

using sign::store::SignerStore;
using sign::store::WriteQueue;
using sign::test::error_code_of;
using sign::test::TempDir;

namespace {

const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{3};
const std::string key_uri = "pkcs11:token=city-ca;object=leader;type=private";

void add_leader(SignerStore& signers) {
    signers.add("nguyen-van-an", "Nguyễn Văn An", "7E01", key_uri, "246810", now);
}

// The verifier columns of a row, as the database holds them.
struct StoredVerifier {
    std::string scheme;
    std::vector<uint8_t> hash;
    int64_t log2_n = -1;
};

StoredVerifier stored_verifier(const std::string& path, const std::string& table, const std::string& id) {
    auto database = sign::store::open_connection(path);
    auto row = database->prepare("SELECT pin_scheme, pin_hash, scrypt_log2_n FROM " + table + " WHERE id = ?");
    row.bind(1, id);
    StoredVerifier verifier;
    if (row.step()) {
        verifier.scheme = row.text(0);
        verifier.hash = row.blob(1);
        verifier.log2_n = row.integer(2);
    }
    return verifier;
}

std::string verify(SignerStore& signers, const std::string& pin, std::string* message = nullptr) {
    return error_code_of([&] { signers.verify_pin("nguyen-van-an", pin, now); }, message);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signer_store)

BOOST_AUTO_TEST_CASE(five_wrong_pins_lock_and_the_count_survives_a_restart) {
    TempDir dir("signers");
    std::string path = sign::test::fresh_database(dir);
    {
        WriteQueue queue(path);
        SignerStore signers(queue, sign::test::token_pin_key());
        add_leader(signers);
        BOOST_TEST(verify(signers, "246810") == "no error");
        std::string message;
        BOOST_TEST(verify(signers, "111111", &message) == "wrong_pin");
        BOOST_TEST(message.find("4 attempts remain") != std::string::npos, message);
        BOOST_TEST(verify(signers, "111112") == "wrong_pin");
        BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 2);
    }
    {
        // The count is on disk, so closing the database (a restart) does not reset it.
        WriteQueue queue(path);
        SignerStore signers(queue, sign::test::token_pin_key());
        BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 2);
        BOOST_TEST(verify(signers, "111113") == "wrong_pin");
        BOOST_TEST(verify(signers, "111114") == "wrong_pin");
        std::string message;
        BOOST_TEST(verify(signers, "111115", &message) == "wrong_pin");
        BOOST_TEST(message.find("now locked") != std::string::npos, message);
        auto locked = signers.find("nguyen-van-an");
        BOOST_TEST(locked->failed_pins == 5);
        BOOST_TEST(locked->locked());
        BOOST_TEST(verify(signers, "246810") == "signer_locked");
        BOOST_TEST(verify(signers, "111116") == "signer_locked");
        BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 5);
    }
    {
        WriteQueue queue(path);
        SignerStore signers(queue, sign::test::token_pin_key());
        BOOST_TEST(verify(signers, "246810") == "signer_locked");
        signers.unlock("nguyen-van-an");
        BOOST_TEST(!signers.find("nguyen-van-an")->locked());
        BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 0);
        BOOST_TEST(verify(signers, "246810") == "no error");
    }
}

BOOST_AUTO_TEST_CASE(a_right_pin_before_the_fifth_resets_the_count) {
    TempDir dir("signers");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    add_leader(signers);
    for (int i = 0; i < 4; ++i) BOOST_TEST(verify(signers, "000000") == "wrong_pin");
    BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 4);
    BOOST_TEST(verify(signers, "246810") == "no error");
    BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 0);
    for (int i = 0; i < 4; ++i) BOOST_TEST(verify(signers, "000000") == "wrong_pin");
    BOOST_TEST(!signers.find("nguyen-van-an")->locked());
    BOOST_TEST(verify(signers, "246810") == "no error");
}

BOOST_AUTO_TEST_CASE(concurrent_wrong_pins_are_each_counted) {
    TempDir dir("signers");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    add_leader(signers);
    std::vector<std::string> codes(8);
    std::vector<std::thread> attempts;
    for (size_t i = 0; i < codes.size(); ++i) attempts.emplace_back([&, i] { codes[i] = verify(signers, "999999"); });
    for (auto& attempt : attempts) attempt.join();
    // Five are counted (the fifth locks); any that read the row after the lock are refused as locked.
    BOOST_TEST(std::count(codes.begin(), codes.end(), "wrong_pin") == 5);
    BOOST_TEST(std::count(codes.begin(), codes.end(), "signer_locked") == 3);
    BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 5);
}

BOOST_AUTO_TEST_CASE(bad_signers_are_refused_and_only_a_verifier_is_stored) {
    TempDir dir("signers");
    std::string path = sign::test::fresh_database(dir);
    WriteQueue queue(path);
    SignerStore signers(queue, sign::test::token_pin_key());
    BOOST_TEST(error_code_of([&] { signers.add("Nguyen", "An", "7e01", key_uri, "246810", now); }) == "invalid_signer_id");
    BOOST_TEST(error_code_of([&] { signers.add("an", "An", "7e01", key_uri, "123", now); }) == "pin_too_short");
    BOOST_TEST(error_code_of([&] { signers.add("an", "An", "7e01", key_uri, std::string(65, '1'), now); }) == "pin_too_long");
    BOOST_TEST(error_code_of([&] { signers.add("an", "An", "zz", key_uri, "246810", now); }) == "invalid_serial");
    // Four Vietnamese letters are four characters, though eight bytes.
    BOOST_TEST(error_code_of([&] { signers.add("an", "An", "7e01", key_uri, "Đặng", now); }) == "no error");
    BOOST_TEST(error_code_of([&] { signers.add("an", "An", "7e01", key_uri, "246810", now); }) == "signer_exists");
    BOOST_TEST(error_code_of([&] { signers.verify_pin("nobody", "246810", now); }) == "unknown_signer");
    BOOST_TEST(error_code_of([&] { signers.unlock("nobody"); }) == "unknown_signer");
    BOOST_TEST(signers.list().size() == 1u);

    signers.set_pin("an", "13579");
    BOOST_TEST(error_code_of([&] { signers.verify_pin("an", "Đặng", now); }) == "wrong_pin");
    BOOST_TEST(error_code_of([&] { signers.verify_pin("an", "13579", now); }) == "no error");

    std::string everything = sign::test::table_bytes(path, "signers");
    BOOST_TEST(everything.find("13579") == std::string::npos);
    BOOST_TEST(everything.find("an") != std::string::npos);  // the row was read
}

// A verifier made the old way (scrypt, by OpenSSL straight into the row) still works, and the next
// right PIN replaces it with an HMAC under the token's key; a wrong PIN leaves it as it was.
BOOST_AUTO_TEST_CASE(a_verifier_made_the_old_way_is_replaced_on_its_next_right_pin) {
    TempDir dir("signers");
    std::string path = sign::test::fresh_database(dir);
    WriteQueue queue(path);
    SignerStore signers(queue, sign::test::token_pin_key());
    add_leader(signers);
    BOOST_TEST(stored_verifier(path, "signers", "nguyen-van-an").scheme == "hmac-sha256");
    sign::test::store_scrypt_pin_verifier(path, "signers", "nguyen-van-an", "246810");
    auto old = stored_verifier(path, "signers", "nguyen-van-an");
    BOOST_TEST_REQUIRE(old.scheme == "scrypt");
    BOOST_TEST(old.log2_n == 15);

    BOOST_TEST(verify(signers, "135790") == "wrong_pin");
    BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 1);
    BOOST_TEST((stored_verifier(path, "signers", "nguyen-van-an").hash == old.hash));

    BOOST_TEST(verify(signers, "246810") == "no error");
    auto upgraded = stored_verifier(path, "signers", "nguyen-van-an");
    BOOST_TEST(upgraded.scheme == "hmac-sha256");
    BOOST_TEST(upgraded.log2_n == 0);
    BOOST_TEST(upgraded.hash.size() == 32u);
    BOOST_TEST((upgraded.hash != old.hash));
    BOOST_TEST(signers.find("nguyen-van-an")->failed_pins == 0);

    BOOST_TEST(verify(signers, "246810") == "no error");
    BOOST_TEST(verify(signers, "135790") == "wrong_pin");
    BOOST_TEST((stored_verifier(path, "signers", "nguyen-van-an").hash == upgraded.hash));
}

// The stored verifier is an HMAC under the token's key: the same PIN and salt under another key
// (what someone holding only the database could try) do not give it.
BOOST_AUTO_TEST_CASE(the_verifier_depends_on_the_token_key) {
    TempDir dir("signers");
    std::string path = sign::test::fresh_database(dir);
    WriteQueue queue(path);
    SignerStore signers(queue, sign::test::token_pin_key());
    add_leader(signers);
    // A second key on the same token, made the same way: verifiers made with it do not match.
    static sign::hsm::SecretKey other = sign::test::pin_key_token().generate_secret_key("other-pin-verifier");
    SignerStore with_other_key(queue, []() -> const sign::MacKey& { return other; });
    BOOST_TEST(error_code_of([&] { with_other_key.verify_pin("nguyen-van-an", "246810", now); }) == "wrong_pin");
    BOOST_TEST(verify(signers, "246810") == "no error");
}

BOOST_AUTO_TEST_SUITE_END()
