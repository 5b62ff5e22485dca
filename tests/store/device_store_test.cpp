// Devices: one-time activation codes (typed loosely, spent in the write that
// stores the device), P-256 keys only, revocation, and device PINs counted in
// the signer's one wrong-PIN count together with the CSC PIN.

#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <thread>

#include "error_code.h"
#include "legacy_pin_verifier.h"
#include "sign/store/device_store.h"
#include "sign/store/signer_store.h"
#include "postgresql_server.h"
#include "temp_dir.h"
#include "token_pin_key.h"

using sign::store::DeviceStore;
using sign::store::SignerStore;
using sign::store::WriteQueue;
using sign::test::error_code_of;
using sign::test::TempDir;

namespace {

const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{3};
const std::string key_uri = "pkcs11:token=city-ca;object=leader;type=private";
const std::string signer = "leader-an";

std::vector<uint8_t> spki_of(EVP_PKEY* key) {
    int length = i2d_PUBKEY(key, nullptr);
    std::vector<uint8_t> der(static_cast<size_t>(length));
    unsigned char* out = der.data();
    i2d_PUBKEY(key, &out);
    EVP_PKEY_free(key);
    return der;
}

std::vector<uint8_t> p256_key() { return spki_of(EVP_EC_gen("P-256")); }

void add_signer(SignerStore& signers, const std::optional<std::string>& pin = std::string("246810")) {
    signers.add(signer, "Nguyễn Văn An", "7E01", key_uri, pin, now);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(device_store)

BOOST_AUTO_TEST_CASE(a_code_enrols_one_device_and_the_database_keeps_it) {
    TempDir dir("devices");
    std::string path = sign::test::fresh_database(dir);
    std::string device_id;
    auto key = p256_key();
    {
        WriteQueue queue(path);
        SignerStore signers(queue, sign::test::token_pin_key());
        DeviceStore devices(queue, sign::test::token_pin_key());
        add_signer(signers);
        auto code = devices.issue_activation(signer, std::chrono::hours{24}, now);
        BOOST_TEST(code.code.size() == 24u);  // 20 characters in five groups of four
        for (size_t i = 0; i < code.code.size(); ++i) {
            if (i % 5 == 4) {
                BOOST_TEST(code.code[i] == '-');
            } else {
                BOOST_TEST(std::string("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(code.code[i]) != std::string::npos);
            }
        }
        BOOST_TEST(code.signer_id == signer);
        BOOST_TEST((code.expires_at == now + std::chrono::hours{24}));
        BOOST_TEST(!devices.has_active_device(signer));

        bool audited = false;
        auto device = devices.enrol(code.code, key, "123456", "iPhone của An", now,
                                    [&](const sign::store::Connection&) { audited = true; });
        BOOST_TEST(audited);
        BOOST_TEST(device.id.size() == 22u);
        BOOST_TEST(device.signer_id == signer);
        BOOST_TEST(device.name == "iPhone của An");
        BOOST_TEST((device.public_key_spki == key));
        BOOST_TEST(!device.revoked());
        device_id = device.id;
        BOOST_TEST(error_code_of([&] { devices.enrol(code.code, p256_key(), "123456", "again", now); }) ==
                   "activation_code_invalid");
    }
    // A new queue on the same file (a restart) finds everything.
    WriteQueue queue(path);
    DeviceStore devices(queue, sign::test::token_pin_key());
    auto found = devices.find(device_id);
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(found->signer_id == signer);
    BOOST_TEST(found->name == "iPhone của An");
    BOOST_TEST((found->public_key_spki == key));
    BOOST_TEST((found->created_at == now));
    BOOST_TEST(devices.has_active_device(signer));
    BOOST_TEST(devices.list(signer).size() == 1u);
    BOOST_TEST(error_code_of([&] { devices.verify_pin(device_id, "123456", now); }) == "no error");
}

BOOST_AUTO_TEST_CASE(two_phones_racing_with_one_code_get_one_device) {
    TempDir dir("devices");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    DeviceStore devices(queue, sign::test::token_pin_key());
    add_signer(signers);
    auto code = devices.issue_activation(signer, std::chrono::hours{1}, now);
    std::vector<std::string> results(6);
    std::vector<std::thread> phones;
    for (size_t i = 0; i < results.size(); ++i)
        phones.emplace_back([&, i] {
            results[i] = error_code_of([&] { devices.enrol(code.code, p256_key(), "123456", "phone " + std::to_string(i), now); });
        });
    for (auto& phone : phones) phone.join();
    BOOST_TEST(std::count(results.begin(), results.end(), "no error") == 1);
    BOOST_TEST(std::count(results.begin(), results.end(), "activation_code_invalid") == 5);
    BOOST_TEST(devices.list(signer).size() == 1u);
}

BOOST_AUTO_TEST_CASE(codes_are_typed_loosely_and_expire) {
    TempDir dir("devices");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    DeviceStore devices(queue, sign::test::token_pin_key());
    add_signer(signers);

    // Lower case, no dashes, spaces, and O/I/L for 0/1 all name the same code.
    auto code = devices.issue_activation(signer, std::chrono::minutes{30}, now);
    std::string loose;
    for (char c : code.code) {
        if (c == '-') {
            loose += ' ';
            continue;
        }
        char typed = c == '0' ? 'o' : c == '1' ? 'l' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        loose += typed;
    }
    BOOST_TEST(error_code_of([&] { devices.enrol(loose, p256_key(), "123456", "phone", now); }) == "no error");

    auto second = devices.issue_activation(signer, std::chrono::minutes{30}, now);
    std::string plain = second.code;
    plain.erase(std::remove(plain.begin(), plain.end(), '-'), plain.end());
    std::replace(plain.begin(), plain.end(), '1', 'I');
    BOOST_TEST(error_code_of([&] { devices.enrol(plain, p256_key(), "123456", "phone", now); }) == "no error");

    // Expired at its expiry, and one answer for unknown, malformed and expired codes.
    auto late = devices.issue_activation(signer, std::chrono::minutes{1}, now);
    BOOST_TEST(error_code_of([&] { devices.enrol(late.code, p256_key(), "123456", "phone", now + std::chrono::minutes{1}); }) ==
               "activation_code_invalid");
    BOOST_TEST(error_code_of([&] { devices.enrol("0000-0000-0000-0000-0000", p256_key(), "123456", "phone", now); }) ==
               "activation_code_invalid");
    BOOST_TEST(error_code_of([&] { devices.enrol("UUUU-0000-0000-0000-0000", p256_key(), "123456", "phone", now); }) ==
               "activation_code_invalid");
    BOOST_TEST(error_code_of([&] { devices.enrol("", p256_key(), "123456", "phone", now); }) == "activation_code_invalid");
    // The expired code still works a second before its expiry.
    BOOST_TEST(error_code_of([&] { devices.enrol(late.code, p256_key(), "123456", "phone", now + std::chrono::seconds{59}); }) ==
               "no error");

    BOOST_TEST(error_code_of([&] { devices.issue_activation(signer, std::chrono::hours{25}, now); }) == "validity_out_of_range");
    BOOST_TEST(error_code_of([&] { devices.issue_activation(signer, std::chrono::seconds{59}, now); }) == "validity_out_of_range");
    BOOST_TEST(error_code_of([&] { devices.issue_activation("nobody", std::chrono::hours{1}, now); }) == "unknown_signer");
}

BOOST_AUTO_TEST_CASE(only_p256_keys_good_names_and_pins_are_accepted_and_a_refusal_keeps_the_code) {
    TempDir dir("devices");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    DeviceStore devices(queue, sign::test::token_pin_key());
    add_signer(signers);
    auto code = devices.issue_activation(signer, std::chrono::hours{1}, now).code;
    auto enrol = [&](const std::vector<uint8_t>& key, const std::string& pin, const std::string& name) {
        return error_code_of([&] { devices.enrol(code, key, pin, name, now); });
    };
    BOOST_TEST(enrol(spki_of(EVP_RSA_gen(2048)), "123456", "phone") == "invalid_public_key");
    BOOST_TEST(enrol(spki_of(EVP_EC_gen("P-384")), "123456", "phone") == "invalid_public_key");
    BOOST_TEST(enrol({0x30, 0x03, 0x02, 0x01, 0x01}, "123456", "phone") == "invalid_public_key");
    BOOST_TEST(enrol({}, "123456", "phone") == "invalid_public_key");
    auto trailing = p256_key();
    trailing.push_back(0);
    BOOST_TEST(enrol(trailing, "123456", "phone") == "invalid_public_key");
    BOOST_TEST(enrol(p256_key(), "123", "phone") == "pin_too_short");
    BOOST_TEST(enrol(p256_key(), std::string(65, '1'), "phone") == "pin_too_long");
    BOOST_TEST(enrol(p256_key(), "123456", "") == "invalid_device_name");
    BOOST_TEST(enrol(p256_key(), "123456", std::string(101, 'x')) == "invalid_device_name");
    BOOST_TEST(enrol(p256_key(), "123456", "a\nb") == "invalid_device_name");
    // A hundred Vietnamese letters are a hundred characters.
    std::string hundred;
    for (int i = 0; i < 100; ++i) hundred += "ầ";
    BOOST_TEST(enrol(p256_key(), "123456", hundred) == "no error");
}

BOOST_AUTO_TEST_CASE(a_revoked_device_can_do_nothing) {
    TempDir dir("devices");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    DeviceStore devices(queue, sign::test::token_pin_key());
    add_signer(signers);
    signers.add("citizen-binh", "Trần Thị Bình", "7E02", key_uri, std::nullopt, now);
    auto device = devices.enrol(devices.issue_activation(signer, std::chrono::hours{1}, now).code, p256_key(), "123456",
                                "phone", now);
    auto other = devices.enrol(devices.issue_activation(signer, std::chrono::hours{1}, now).code, p256_key(), "654321",
                               "tablet", now + std::chrono::seconds{1});
    BOOST_TEST(error_code_of([&] { devices.revoke("citizen-binh", device.id, now); }) == "unknown_device");
    BOOST_TEST(error_code_of([&] { devices.revoke(signer, "no-such-device", now); }) == "unknown_device");
    devices.revoke(signer, device.id, now + std::chrono::minutes{1});
    BOOST_TEST(error_code_of([&] { devices.revoke(signer, device.id, now); }) == "device_already_revoked");
    BOOST_TEST(error_code_of([&] { devices.verify_pin(device.id, "123456", now); }) == "device_revoked");
    BOOST_TEST(error_code_of([&] { devices.verify_pin("no-such-device", "123456", now); }) == "unknown_device");
    auto listed = devices.list(signer);
    BOOST_TEST_REQUIRE(listed.size() == 2u);
    BOOST_TEST(listed[0].id == device.id);  // oldest first
    BOOST_TEST(listed[0].revoked());
    BOOST_TEST((*listed[0].revoked_at == now + std::chrono::minutes{1}));
    BOOST_TEST(!listed[1].revoked());
    BOOST_TEST(devices.has_active_device(signer));
    devices.revoke(signer, other.id, now);
    BOOST_TEST(!devices.has_active_device(signer));
    BOOST_TEST(signers.find(signer)->failed_pins == 0);
}

BOOST_AUTO_TEST_CASE(device_pins_and_the_csc_pin_share_one_count_that_survives_a_restart) {
    TempDir dir("devices");
    std::string path = sign::test::fresh_database(dir);
    std::string phone;
    std::string tablet;
    {
        WriteQueue queue(path);
        SignerStore signers(queue, sign::test::token_pin_key());
        DeviceStore devices(queue, sign::test::token_pin_key());
        add_signer(signers);
        phone = devices.enrol(devices.issue_activation(signer, std::chrono::hours{1}, now).code, p256_key(), "111111",
                              "phone", now).id;
        tablet = devices.enrol(devices.issue_activation(signer, std::chrono::hours{1}, now).code, p256_key(), "222222",
                               "tablet", now).id;
        // Each device has its own PIN.
        BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "111111", now); }) == "no error");
        BOOST_TEST(error_code_of([&] { devices.verify_pin(tablet, "111111", now); }) == "wrong_pin");
        std::string message;
        BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "999999", now); }, &message) == "wrong_pin");
        BOOST_TEST(message.find("3 attempts remain") != std::string::npos, message);
        BOOST_TEST(error_code_of([&] { signers.verify_pin(signer, "999999", now); }) == "wrong_pin");
        BOOST_TEST(signers.find(signer)->failed_pins == 3);
    }
    {
        WriteQueue queue(path);
        SignerStore signers(queue, sign::test::token_pin_key());
        DeviceStore devices(queue, sign::test::token_pin_key());
        BOOST_TEST(signers.find(signer)->failed_pins == 3);
        BOOST_TEST(error_code_of([&] { devices.verify_pin(tablet, "999999", now); }) == "wrong_pin");
        std::string message;
        BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "999999", now); }, &message) == "wrong_pin");
        BOOST_TEST(message.find("now locked") != std::string::npos, message);
        BOOST_TEST(signers.find(signer)->locked());
        BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "111111", now); }) == "signer_locked");
        BOOST_TEST(error_code_of([&] { signers.verify_pin(signer, "246810", now); }) == "signer_locked");
        BOOST_TEST(signers.find(signer)->failed_pins == 5);
    }
    {
        WriteQueue queue(path);
        SignerStore signers(queue, sign::test::token_pin_key());
        DeviceStore devices(queue, sign::test::token_pin_key());
        BOOST_TEST(error_code_of([&] { devices.verify_pin(tablet, "222222", now); }) == "signer_locked");
        signers.unlock(signer);
        BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "999999", now); }) == "wrong_pin");
        BOOST_TEST(error_code_of([&] { devices.verify_pin(tablet, "222222", now); }) == "no error");
        BOOST_TEST(signers.find(signer)->failed_pins == 0);
    }
}

BOOST_AUTO_TEST_CASE(concurrent_wrong_device_pins_are_each_counted) {
    TempDir dir("devices");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    DeviceStore devices(queue, sign::test::token_pin_key());
    add_signer(signers);
    auto phone = devices.enrol(devices.issue_activation(signer, std::chrono::hours{1}, now).code, p256_key(), "111111",
                               "phone", now).id;
    std::vector<std::string> codes(8);
    std::vector<std::thread> attempts;
    for (size_t i = 0; i < codes.size(); ++i)
        attempts.emplace_back([&, i] {
            codes[i] = i % 2 == 0 ? error_code_of([&] { devices.verify_pin(phone, "999999", now); })
                                  : error_code_of([&] { signers.verify_pin(signer, "999999", now); });
        });
    for (auto& attempt : attempts) attempt.join();
    BOOST_TEST(std::count(codes.begin(), codes.end(), "wrong_pin") == 5);
    BOOST_TEST(std::count(codes.begin(), codes.end(), "signer_locked") == 3);
    BOOST_TEST(signers.find(signer)->failed_pins == 5);
}

BOOST_AUTO_TEST_CASE(a_signer_without_a_csc_pin_approves_only_on_a_phone) {
    TempDir dir("devices");
    WriteQueue queue(sign::test::fresh_database(dir));
    SignerStore signers(queue, sign::test::token_pin_key());
    DeviceStore devices(queue, sign::test::token_pin_key());
    add_signer(signers, std::nullopt);
    BOOST_TEST(!signers.find(signer)->has_pin);
    BOOST_TEST(error_code_of([&] { signers.verify_pin(signer, "", now); }) == "pin_not_set");
    BOOST_TEST(error_code_of([&] { signers.verify_pin(signer, "246810", now); }) == "pin_not_set");
    BOOST_TEST(signers.find(signer)->failed_pins == 0);  // not counted
    auto phone = devices.enrol(devices.issue_activation(signer, std::chrono::hours{1}, now).code, p256_key(), "111111",
                               "phone", now).id;
    BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "111111", now); }) == "no error");
    // Setting a CSC PIN later makes it a CSC signer too.
    signers.set_pin(signer, "246810");
    BOOST_TEST(signers.find(signer)->has_pin);
    BOOST_TEST(error_code_of([&] { signers.verify_pin(signer, "246810", now); }) == "no error");
}

// A device PIN verifier made the old way (scrypt) still opens the device and is replaced by an
// HMAC under the token's key on its next right PIN.
BOOST_AUTO_TEST_CASE(a_device_verifier_made_the_old_way_is_replaced_on_its_next_right_pin) {
    TempDir dir("devices");
    std::string path = sign::test::fresh_database(dir);
    WriteQueue queue(path);
    SignerStore signers(queue, sign::test::token_pin_key());
    DeviceStore devices(queue, sign::test::token_pin_key());
    add_signer(signers, std::nullopt);
    auto code = devices.issue_activation(signer, std::chrono::hours{1}, now);
    auto phone = devices.enrol(code.code, p256_key(), "111111", "iPhone", now).id;
    sign::test::store_scrypt_pin_verifier(path, "devices", phone, "111111");
    auto scheme = [&] {
        auto row = queue.reader().prepare("SELECT pin_scheme FROM devices WHERE id = ?");
        row.bind(1, phone);
        row.step();
        return row.text(0);
    };
    BOOST_TEST_REQUIRE(scheme() == "scrypt");
    BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "999999", now); }) == "wrong_pin");
    BOOST_TEST(scheme() == "scrypt");
    BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "111111", now); }) == "no error");
    BOOST_TEST(scheme() == "hmac-sha256");
    BOOST_TEST(signers.find(signer)->failed_pins == 0);
    BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "111111", now); }) == "no error");
    BOOST_TEST(error_code_of([&] { devices.verify_pin(phone, "999999", now); }) == "wrong_pin");
}

BOOST_AUTO_TEST_SUITE_END()
