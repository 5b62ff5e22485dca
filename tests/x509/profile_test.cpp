// Profiles are data: the shipped file loads, and mistakes in a profiles file are
// reported with the profile and setting at fault.

#include <boost/test/unit_test.hpp>

#include "sign/certificate_profile.h"
#include "sign/error.h"
#include "test_pki.h"

namespace {

std::string parse_error(const std::string& toml) {
    try {
        sign::ProfileCatalog::parse(toml);
    } catch (const sign::Error& error) {
        return std::string(error.code()) + ": " + error.what();
    }
    return "no error";
}

const std::string minimal = R"(
[profiles.x]
key_usage = ["digitalSignature"]
validity_days = { default = 10, max = 20 }
key_algorithm = "ec-p256"
subject.required = ["CN"]
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(profiles)

BOOST_AUTO_TEST_CASE(shipped_profiles_load) {
    auto catalog = sign::ProfileCatalog::load(sign::test::source_profiles_path().string());
    std::vector<std::string> expected{"agency", "citizen", "leader", "ocsp", "root", "sub-ca", "tls-client", "tls-server", "tsa"};
    BOOST_TEST(catalog.names() == expected, boost::test_tools::per_element());
    const auto& root = catalog.get("root");
    BOOST_TEST(root.self_signed);
    BOOST_TEST(!root.revocation_pointers);
    BOOST_TEST(root.max_validity_days == 7305);
    const auto& sub = catalog.get("sub-ca");
    BOOST_TEST(sub.path_length.value() == 0);
    const auto& tsa = catalog.get("tsa");
    BOOST_TEST(tsa.extended_key_usage_critical);
    BOOST_TEST(catalog.get("ocsp").ocsp_no_check);
    BOOST_TEST(catalog.get("tls-server").requires_dns_names);
    BOOST_TEST(catalog.get("tls-server").max_validity_days == 398);
    BOOST_TEST(catalog.get("citizen").default_key_algorithm == "ec-p256");
    try {
        catalog.get("notary");
        BOOST_FAIL("expected an error");
    } catch (const sign::Error& error) {
        BOOST_TEST(error.code() == "unknown_profile");
        BOOST_TEST((error.kind() == sign::ErrorKind::not_found));
        BOOST_TEST(std::string(error.what()) ==
                   "unknown profile 'notary'; known: agency, citizen, leader, ocsp, root, sub-ca, tls-client, tls-server, tsa");
    }
}

BOOST_AUTO_TEST_CASE(mistakes_are_reported) {
    BOOST_TEST(parse_error(minimal) == "no error");
    BOOST_TEST(parse_error(minimal + "typo = 1\n").find("unknown setting 'typo'") != std::string::npos);
    BOOST_TEST(parse_error(minimal + "[profiles.y]\nkey_usage = []\n").find("profile 'y'") != std::string::npos);
    auto replace = [](std::string text, const std::string& from, const std::string& to) {
        text.replace(text.find(from), from.size(), to);
        return text;
    };
    BOOST_TEST(parse_error(replace(minimal, "digitalSignature", "signEverything")).find("unknown key usage") != std::string::npos);
    BOOST_TEST(parse_error(replace(minimal, "digitalSignature", "keyCertSign")).find("CA profiles") != std::string::npos);
    BOOST_TEST(parse_error(replace(minimal, "default = 10", "default = 30")).find("validity_days.default") != std::string::npos);
    BOOST_TEST(parse_error(replace(minimal, "ec-p256", "dsa-1024")).find("key_algorithm") != std::string::npos);
    BOOST_TEST(parse_error(replace(minimal, "\"CN\"", "\"Nickname\"")).find("unknown attribute") != std::string::npos);
    BOOST_TEST(parse_error(minimal + "subject.patterns.CN = { regex = \"([\", means = \"x\" }\n").find("regular expression") !=
               std::string::npos);
    BOOST_TEST(parse_error(minimal + "subject.patterns.UID = { regex = \"x\", means = \"x\" }\n").find("does not allow") !=
               std::string::npos);
    BOOST_TEST(parse_error(minimal + "extended_key_usage = [\"flying\"]\n").find("profile 'x'") != std::string::npos);
    BOOST_TEST(parse_error("[profiles.x\n").find("invalid_profile: profiles.toml line 1") == 0u);
    BOOST_TEST(parse_error("[other]\n").find("unknown top-level table") != std::string::npos);
    try {
        sign::ProfileCatalog::load("/nonexistent/profiles.toml");
        BOOST_FAIL("expected an error");
    } catch (const sign::Error& error) {
        BOOST_TEST(error.code() == "file_not_found");
    }
}

BOOST_AUTO_TEST_SUITE_END()
