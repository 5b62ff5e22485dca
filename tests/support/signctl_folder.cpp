#include "signctl_folder.h"

#include <boost/test/unit_test.hpp>

#include <fstream>

namespace sign::test {

SignctlFolder::SignctlFolder() : dir_("signctl") {}

CommandResult SignctlFolder::signctl(const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& extra_env) const {
    std::vector<std::string> argv = {SIGNCTL, "--data", dir_.path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, extra_env);
}

nlohmann::json SignctlFolder::signctl_json(const std::vector<std::string>& args) const {
    std::vector<std::string> with_json = {"--json"};
    with_json.insert(with_json.end(), args.begin(), args.end());
    // Standard error goes to the same capture; JSON output is printed only on success.
    auto result = signctl(with_json);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return nlohmann::json::parse(result.output);
}

CommandResult SignctlFolder::make_test_pki() const {
    return run_command({MAKE_TEST_PKI, dir_.path().string(), "--build", SIGN_BUILD_DIR});
}

void SignctlFolder::init_ca() const {
    auto init = signctl({"init"});
    BOOST_TEST_REQUIRE(init.exit_code == 0, init.output);
    auto ca = signctl({"ca", "init", "--key-type", "ec-p256"});
    BOOST_TEST_REQUIRE(ca.exit_code == 0, ca.output);
}

std::map<std::string, std::string> SignctlFolder::token_environment() const {
    return {{"SOFTHSM2_CONF", path("softhsm2.conf")}};
}

std::string SignctlFolder::user_pin() const {
    std::ifstream in(path("secrets/user.pin"));
    std::string pin;
    std::getline(in, pin);
    return pin;
}

CommandResult openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
}

}  // namespace sign::test
