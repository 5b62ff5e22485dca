#pragma once
// A throwaway SoftHSM2 token for one test: its own token folder and
// SOFTHSM2_CONF, so no test depends on another or on the machine's state.

#include <string>

#include "sign/hsm/token.h"
#include "temp_dir.h"

namespace sign::test {

class SoftHsmToken {
public:
    static constexpr const char* user_pin = "11112222";
    static constexpr const char* so_pin = "87654321";

    /// Creates the folder and configuration, points SOFTHSM2_CONF at it and initialises a token
    /// labelled `label` with the PINs above.
    explicit SoftHsmToken(const std::string& label = "test-token");
    ~SoftHsmToken();

    /// Logs in to the token (a new connection each call).
    hsm::Token open() const;
    const std::string& label() const { return label_; }
    /// The SOFTHSM2_CONF file, for child processes such as signctl and pkcs11-tool.
    std::string config_file() const { return (dir_ / "softhsm2.conf").string(); }
    const TempDir& dir() const { return dir_; }

private:
    TempDir dir_;
    std::string label_;
};

}  // namespace sign::test
