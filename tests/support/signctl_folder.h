#pragma once
// A throwaway signctl data folder (its own SoftHSM2 token and database) and a
// way to run the real signctl binary and the test-PKI script against it.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.h"
#include "temp_dir.h"

namespace sign::test {

class SignctlFolder {
public:
    SignctlFolder();

    /// Runs `signctl --data <folder> args...`, with `extra_env` added to the environment.
    CommandResult signctl(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra_env = {}) const;
    /// Runs `signctl --data <folder> --json args...`, requires exit 0 and parses the output.
    nlohmann::json signctl_json(const std::vector<std::string>& args) const;
    /// Runs certs-test/make-test-pki on this folder.
    CommandResult make_test_pki() const;
    /// `init` plus `ca init` with fast EC keys, for tests that need only a CA.
    void init_ca() const;

    /// See key_owner_arguments().
    std::vector<std::string> owner_of(const std::string& label) const;
    /// `argv` followed by owner_of(`label`) when `label` is a personal key (leader, citizen).
    std::vector<std::string> as_owner(std::vector<std::string> argv, const std::string& label) const;

    /// A path inside the data folder.
    std::string path(const std::string& relative) const { return (dir_ / relative).string(); }
    /// The environment under which other tools (pkcs11-tool) see this folder's token.
    std::map<std::string, std::string> token_environment() const;
    /// The user PIN of this folder's token.
    std::string user_pin() const;

private:
    TempDir dir_;
};

/// The arguments with which the owner of the personal key `label` (certificate certs/<label>.pem
/// of the data folder `data_dir`) lets `signctl sign` use it: `--signer owner-<label>
/// --signer-pin-file <file>`. The signer is registered with that PIN on the first call.
/// `certificate` is the key's certificate file when it is not certs/<label>.pem.
std::vector<std::string> key_owner_arguments(const std::string& data_dir, const std::string& label,
                                             const std::string& certificate = {});
/// The PIN key_owner_arguments() registers.
inline constexpr const char* key_owner_pin = "24681357";

/// Runs `openssl args...` and returns the result.
CommandResult openssl(const std::vector<std::string>& args);

}  // namespace sign::test
