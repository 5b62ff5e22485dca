#include "softhsm_token.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sign/hsm/module.h"

namespace sign::test {

SoftHsmToken::SoftHsmToken(const std::string& label) : dir_("softhsm"), label_(label) {
    std::filesystem::create_directory(dir_ / "tokens");
    std::ofstream(config_file()) << "directories.tokendir = " << (dir_ / "tokens").string() << "\n"
                                 << "objectstore.backend = file\n"
                                 << "log.level = ERROR\n";
    // SoftHSM reads this when the module is initialised; every Module of this test is created after.
    setenv("SOFTHSM2_CONF", config_file().c_str(), 1);
    hsm::Module module;
    module.initialize_token(label_, hsm::Pin(so_pin), hsm::Pin(user_pin));
}

SoftHsmToken::~SoftHsmToken() { unsetenv("SOFTHSM2_CONF"); }

hsm::Token SoftHsmToken::open() const { return hsm::Token(hsm::Module::default_path(), label_, hsm::Pin(user_pin)); }

}  // namespace sign::test
