#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>

#include "command.h"
#include "raw_pkcs11.h"
#include "sign/hsm/errors.h"
#include "sign/hsm/module.h"
#include "sign/hsm/token.h"
#include "signctl_folder.h"

using namespace sign;
using sign::test::SignctlFolder;

namespace {

// A connection of the test's own to the folder's token, as another PKCS#11 application would have.
// (This program uses no shared test PKI, so the module is initialised afresh with this folder's
// SoftHSM2 configuration.)
hsm::Token open_folder_token(const SignctlFolder& folder) {
    auto slots = folder.signctl_json({"token", "slots"});
    std::string label;
    for (const auto& slot : slots)
        if (slot["initialized"].get<bool>()) label = slot["token"].get<std::string>();
    BOOST_TEST_REQUIRE(!label.empty(), slots.dump());
    setenv("SOFTHSM2_CONF", folder.token_environment().at("SOFTHSM2_CONF").c_str(), 1);
    return hsm::Token(hsm::Module::default_path(), label, hsm::Pin(folder.user_pin()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token_check)

BOOST_AUTO_TEST_CASE(reports_a_key_that_also_decrypts_and_fix_limits_it_to_signing) {
    SignctlFolder folder;
    folder.init_ca();

    auto clean = folder.signctl_json({"token", "check"});
    BOOST_TEST(clean["clean"].get<bool>(), clean.dump());
    BOOST_TEST(clean["keys"].empty(), clean.dump());

    {
        hsm::Token token = open_folder_token(folder);
        test::RawPkcs11Session session(token);
        session.generate_permissive_rsa_pair("old-leader");
    }

    auto reported = folder.signctl({"--json", "token", "check"});
    BOOST_TEST(reported.exit_code == 10, reported.output);
    auto report = nlohmann::json::parse(reported.output);
    BOOST_TEST(!report["clean"].get<bool>());
    BOOST_TEST_REQUIRE(report["keys"].size() == 2u, reported.output);
    for (const auto& key : report["keys"]) {
        BOOST_TEST(key["label"] == "old-leader");
        BOOST_TEST(key["corrected"].empty());
        if (key["type"] == "private key") {
            auto excess = key["excess"].get<std::vector<std::string>>();
            for (const char* name : {"CKA_DECRYPT", "CKA_UNWRAP", "CKA_SIGN_RECOVER"})
                BOOST_TEST((std::find(excess.begin(), excess.end(), name) != excess.end()), name);
        }
    }

    auto table = folder.signctl({"token", "check"});
    BOOST_TEST(table.exit_code == 10, table.output);
    BOOST_TEST(table.output.find("old-leader") != std::string::npos, table.output);
    BOOST_TEST(table.output.find("--fix") != std::string::npos, table.output);

    auto fixed = folder.signctl({"--json", "token", "check", "--fix"});
    BOOST_TEST_REQUIRE(fixed.exit_code == 0, fixed.output);
    auto fix_report = nlohmann::json::parse(fixed.output);
    BOOST_TEST(fix_report["clean"].get<bool>());
    for (const auto& key : fix_report["keys"]) {
        BOOST_TEST(key["corrected"] == key["excess"]);
        BOOST_TEST(key["refused"].empty());
    }

    auto after = folder.signctl({"token", "check"});
    BOOST_TEST(after.exit_code == 0, after.output);

    hsm::Token token = open_folder_token(folder);
    test::RawPkcs11Session session(token);
    CK_OBJECT_HANDLE key = session.find(CKO_PRIVATE_KEY, "old-leader");
    BOOST_TEST(hsm::ckr_name(session.decrypt_init(key)) == "CKR_KEY_FUNCTION_NOT_PERMITTED");
    BOOST_TEST(session.flag(key, CKA_SIGN));
    unsetenv("SOFTHSM2_CONF");
}

// signctl init makes the PIN verifier key; a folder without it (made before it existed) is
// reported, and --fix makes it, once.
BOOST_AUTO_TEST_CASE(knows_the_pin_verifier_key_and_fix_makes_it) {
    SignctlFolder folder;
    folder.init_ca();
    auto made = folder.signctl_json({"token", "check"});
    BOOST_TEST(made["pin_verifier_key"]["present"].get<bool>(), made.dump());
    BOOST_TEST(made["clean"].get<bool>(), made.dump());
    auto objects = folder.signctl_json({"token", "objects"});
    BOOST_TEST(std::count_if(objects.begin(), objects.end(), [](const auto& object) {
                   return object["label"] == "pin-verifier" && object["type"] == "secret key";
               }) == 1);

    // As in a folder made before the key existed.
    auto deleted = test::run_command({"pkcs11-tool", "--module", hsm::Module::default_path(), "--token-label",
                                      folder.signctl_json({"token", "slots"})[0]["token"].get<std::string>(), "--login",
                                      "--pin", folder.user_pin(), "--delete-object", "--type", "secrkey", "--label",
                                      "pin-verifier"},
                                     folder.token_environment());
    BOOST_TEST_REQUIRE(deleted.exit_code == 0, deleted.output);
    auto missing = folder.signctl({"--json", "token", "check"});
    BOOST_TEST(missing.exit_code == 10, missing.output);
    auto report = nlohmann::json::parse(missing.output);
    BOOST_TEST(!report["pin_verifier_key"]["present"].get<bool>());
    BOOST_TEST(!report["clean"].get<bool>());

    auto fixed = folder.signctl({"--json", "token", "check", "--fix"});
    BOOST_TEST_REQUIRE(fixed.exit_code == 0, fixed.output);
    auto fix_report = nlohmann::json::parse(fixed.output);
    BOOST_TEST(fix_report["pin_verifier_key"]["made"].get<bool>());
    BOOST_TEST(fix_report["clean"].get<bool>());
    auto again = folder.signctl_json({"token", "check", "--fix"});
    BOOST_TEST(!again["pin_verifier_key"]["made"].get<bool>());
    BOOST_TEST(again["pin_verifier_key"]["present"].get<bool>());
    auto audit = folder.signctl_json({"audit", "list"});
    BOOST_TEST(std::count_if(audit.begin(), audit.end(), [](const auto& record) {
                   return record["action"] == "token.pin-verifier-key" && record["result"] == "ok";
               }) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
