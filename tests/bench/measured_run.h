#pragma once
// One command run as a benchmark measures it: its wall-clock time and its peak
// resident set, with its output in a file so a chatty command is never held up.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sign::bench {

struct Run {
    int exit_code = -1;     ///< the exit status, or 128 + signal
    int signal = 0;         ///< the terminating signal, 0 if it exited
    double ms = 0;          ///< wall-clock time from fork to reaped
    long max_rss_kb = 0;    ///< the child's peak resident set (wait4 rusage)
    std::string output;     ///< standard output and error, read back from `log`
};

/// fork/exec/wait4 `argv` (found on PATH) with `env` added, standard input from /dev/null and
/// standard output and error to `log` (read back into Run::output unless `log` is /dev/null).
/// Throws std::runtime_error when it cannot fork or wait.
Run run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
        const std::filesystem::path& log);

}  // namespace sign::bench
