#include "signctl_folder.h"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <mutex>
#include <set>

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

std::vector<std::string> SignctlFolder::owner_of(const std::string& label) const {
    return key_owner_arguments(dir_.path().string(), label);
}

std::vector<std::string> SignctlFolder::as_owner(std::vector<std::string> argv, const std::string& label) const {
    if (label != "leader" && label != "citizen") return argv;
    auto owner = owner_of(label);
    argv.insert(argv.end(), owner.begin(), owner.end());
    return argv;
}

std::vector<std::string> key_owner_arguments(const std::string& data_dir, const std::string& label,
                                             const std::string& certificate) {
    static std::mutex mutex;
    static std::set<std::string> registered;
    std::string signer = "owner-" + label;
    std::string pin_file = data_dir + "/" + signer + ".pin";
    std::lock_guard lock(mutex);
    if (registered.insert(data_dir + "\n" + label).second) {
        std::ofstream(pin_file) << key_owner_pin << "\n";
        auto serial = openssl({"x509", "-noout", "-serial", "-in",
                               certificate.empty() ? data_dir + "/certs/" + label + ".pem" : certificate});
        auto equals = serial.output.find('=');
        if (serial.exit_code != 0 || equals == std::string::npos)
            throw std::runtime_error("no serial in certs/" + label + ".pem: " + serial.output);
        std::string hex = serial.output.substr(equals + 1);
        while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
        auto added = run_command({SIGNCTL, "--data", data_dir, "signer", "add", signer, "--name", "Owner of " + label,
                                  "--cert", hex, "--pin-file", pin_file});
        if (added.exit_code != 0 && added.output.find("exists already") == std::string::npos)
            throw std::runtime_error("signer add " + signer + " failed: " + added.output);
    }
    return {"--signer", signer, "--signer-pin-file", pin_file};
}

CommandResult openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
}

}  // namespace sign::test
