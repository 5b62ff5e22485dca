#pragma once
// Runs another program (openssl, pkcs11-tool, signctl, ...) the way a person
// would from a shell, and captures what it printed.

#include <map>
#include <string>
#include <vector>

namespace sign::test {

struct CommandResult {
    int exit_code = -1;
    std::string output;  ///< standard output and standard error, interleaved
};

/// Runs `argv[0]` found on PATH with the given arguments and extra environment variables;
/// no shell is involved, so arguments need no quoting.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& extra_env = {},
                          const std::string& standard_input = {});

}  // namespace sign::test
