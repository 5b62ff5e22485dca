// Every bad input gets a clear error and a documented exit code, and leaves
// the certificate database and the token exactly as they were.

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

#include "signctl_folder.h"

using sign::test::openssl;
using sign::test::SignctlFolder;

namespace {

struct Snapshot {
    nlohmann::json certificates;
    nlohmann::json objects;
};

Snapshot snapshot(const SignctlFolder& folder) {
    return {folder.signctl_json({"cert", "list"}), folder.signctl_json({"token", "objects"})};
}

// Runs signctl, expects `exit_code` and `words` in what it printed, and no change on disk or token.
void expect_refusal(const SignctlFolder& folder, const std::vector<std::string>& args, int exit_code, const std::string& words) {
    Snapshot before = snapshot(folder);
    auto result = folder.signctl(args);
    BOOST_TEST(result.exit_code == exit_code, result.output);
    BOOST_TEST(result.output.find(words) != std::string::npos, "expected '" << words << "' in: " << result.output);
    Snapshot after = snapshot(folder);
    BOOST_TEST(after.certificates == before.certificates);
    BOOST_TEST(after.objects == before.objects);
}

std::string make_csr(const SignctlFolder& folder, const std::string& name, const std::vector<std::string>& key_args,
                     const std::string& digest = "-sha256") {
    std::string key = folder.path(name + ".key");
    std::string csr = folder.path(name + ".csr");
    std::vector<std::string> generate = {"genpkey", "-out", key};
    generate.insert(generate.end(), key_args.begin(), key_args.end());
    BOOST_TEST_REQUIRE(openssl(generate).exit_code == 0);
    auto request = openssl({"req", "-new", digest, "-key", key, "-out", csr, "-outform", "DER", "-utf8", "-subj",
                            "/C=VN/UID=CCCD:048190000010/CN=Võ Thị Sáu"});
    BOOST_TEST_REQUIRE(request.exit_code == 0, request.output);
    return csr;
}

const std::string citizen = "CN=Đặng Thùy Trâm,C=VN,UID=CCCD:048190000011";

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(each_bad_input_is_refused_in_plain_words_and_changes_nothing) {
    SignctlFolder folder;
    folder.init_ca();
    folder.signctl_json({"cert", "issue", "--profile", "citizen", "--label", "taken", "--subject", citizen});

    std::ofstream(folder.path("wrong.pin")) << "0000000000000000\n";
    // Reading the hierarchy and the database needs no login, so a wrong PIN does not matter there.
    for (std::vector<std::string> reading : {std::vector<std::string>{"ca", "show"}, {"cert", "list"}}) {
        reading.insert(reading.begin(), {"--pin-file", folder.path("wrong.pin")});
        auto shown = folder.signctl(reading);
        BOOST_TEST(shown.exit_code == 0, shown.output);
    }
    expect_refusal(folder, {"--pin-file", folder.path("wrong.pin"), "cert", "issue", "--profile", "citizen", "--subject", citizen},
                   7, "the PIN is wrong");
    expect_refusal(folder, {"cert", "issue", "--profile", "mayor", "--subject", citizen}, 5, "unknown profile");
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--label", "taken", "--subject", citizen}, 6,
                   "already holds an object labelled 'taken'");
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--subject", "CN=Đặng Thùy Trâm,C=VN,UID=CCCD:04819000001X"},
                   3, "CCCD: followed by 12 digits");
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--subject", "CN=Đặng Thùy Trâm,C=VN"}, 3, "UID");
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--key-type", "rsa-1024", "--subject", citizen}, 4,
                   "rsa-1024");
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--days", "5000", "--subject", citizen}, 4, "days");
    expect_refusal(folder, {"cert", "revoke", "00ff", "--reason", "keyCompromise"}, 5, "no certificate");
    expect_refusal(folder, {"cert", "revoke", folder.signctl_json({"cert", "list"})[2]["serial"].get<std::string>(), "--reason", "bored"}, 3,
                   "bored");
}

BOOST_AUTO_TEST_CASE(bad_csrs_are_refused_and_a_good_one_is_issued_without_a_token_key) {
    SignctlFolder folder;
    folder.init_ca();

    std::ofstream(folder.path("garbage.csr")) << "this is not a certificate request";
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--csr", folder.path("garbage.csr")}, 3, "PKCS#10");

    std::string weak = make_csr(folder, "weak", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"});
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--csr", weak}, 4, "2048");

    std::string sha1 = make_csr(folder, "sha1", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, "-sha1");
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--csr", sha1}, 4, "SHA-1");

    std::string good = make_csr(folder, "good", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
    std::ifstream in(good, std::ios::binary);
    std::string der((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    der[der.size() - 5] ^= 0x01;  // inside the signature BIT STRING
    std::ofstream(folder.path("forged.csr"), std::ios::binary) << der;
    expect_refusal(folder, {"cert", "issue", "--profile", "citizen", "--csr", folder.path("forged.csr")}, 3, "signature");

    auto objects_before = folder.signctl_json({"token", "objects"});
    auto issued = folder.signctl_json({"cert", "issue", "--profile", "citizen", "--csr", good, "--out", folder.path("good.pem")});
    BOOST_TEST(issued["subject"] == "CN=Võ Thị Sáu,UID=CCCD:048190000010,C=VN");
    BOOST_TEST(issued["key_uri"] == "");
    BOOST_TEST(folder.signctl_json({"token", "objects"}) == objects_before);
    auto verify = openssl({"verify", "-CAfile", folder.path("ca/root-ca.pem"), "-untrusted", folder.path("ca/issuing-ca.pem"),
                           folder.path("good.pem")});
    BOOST_TEST(verify.exit_code == 0, verify.output);
}

BOOST_AUTO_TEST_CASE(errors_come_as_json_for_scripts_and_usage_errors_exit_2) {
    SignctlFolder folder;
    auto missing = folder.signctl({"--json", "cert", "list"});
    BOOST_TEST(missing.exit_code == 5, missing.output);
    BOOST_TEST(missing.output.find("\"code\": \"not_initialized\"") != std::string::npos, missing.output);
    BOOST_TEST(folder.signctl({"cert", "frobnicate"}).exit_code == 2);
    BOOST_TEST(folder.signctl({"cert", "issue"}).exit_code == 2);
    auto help = folder.signctl({"--help"});
    BOOST_TEST(help.exit_code == 0);
    BOOST_TEST(help.output.find("Exit codes:") != std::string::npos);

    // A failed init leaves nothing behind, so the next attempt starts clean.
    std::ofstream(folder.path("pin")) << "1234\n";
    auto unloadable = folder.signctl({"init", "--module", "/nonexistent/pkcs11.so", "--token-pin-file", folder.path("pin")});
    BOOST_TEST(unloadable.exit_code == 8, unloadable.output);
    BOOST_TEST(!std::ifstream(folder.path("signctl.toml")).good());
    BOOST_TEST(!std::ifstream(folder.path("secrets/user.pin")).good());

    folder.init_ca();
    BOOST_TEST(folder.signctl({"init"}).exit_code == 6);
    BOOST_TEST(folder.signctl({"ca", "init"}).exit_code == 6);
}

BOOST_AUTO_TEST_SUITE_END()
