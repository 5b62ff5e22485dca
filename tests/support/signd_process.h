#pragma once
// A real signd for tests: its own data folder with the test PKI (certificates
// pointing at its port), started as a separate process on a free loopback
// port, ready when /healthz answers, stopped with SIGTERM at the end; the test
// fails if it does not exit 0.
//
// Building the test PKI takes seconds, so the servers of one test program share
// one data folder and one port, one server at a time, unless a test asks for a
// folder of its own. Changes a test makes to the shared folder (revocations,
// issued certificates) are seen by the tests after it.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.h"
#include "loopback_port.h"
#include "temp_dir.h"

namespace sign::test {

class SigndServer {
public:
    struct Options {
        std::vector<std::string> flags;  ///< extra signd flags, e.g. {"--max-concurrent", "1"}
        bool own_folder = false;         ///< a fresh data folder and port instead of the shared ones
        /// Run before signd starts, with the data folder path: e.g. issue another TLS certificate.
        std::function<void(const std::string& data_dir)> prepare;
    };

    /// Starts signd and waits until GET /healthz answers 200; fails the test (BOOST_TEST_REQUIRE)
    /// with signd's output when it does not start.
    SigndServer();
    explicit SigndServer(Options options);
    /// The shared folder with extra flags: `SigndServer server{"--max-concurrent", "1"};`
    SigndServer(std::initializer_list<std::string> flags);
    /// Sends SIGTERM unless already stopped, and requires exit status 0.
    ~SigndServer();
    SigndServer(const SigndServer&) = delete;
    SigndServer& operator=(const SigndServer&) = delete;

    unsigned short port() const { return port_; }
    /// https://localhost:PORT — the TLS certificate names localhost, not the IP address.
    std::string https_url() const;
    /// http://127.0.0.1:PORT — the trust endpoints and /healthz answer here too.
    std::string http_url() const;
    const std::string& data_dir() const { return data_dir_; }
    /// PEM files of the test PKI: the root, the issuing CA, and both (issuing CA first).
    std::string root_ca_pem() const;
    std::string issuing_ca_pem() const;
    std::string chain_pem() const;
    /// A file of the test PKI's certs/ folder, e.g. certificate("citizen") for certs/citizen.pem.
    std::string certificate(const std::string& label) const;

    /// Runs `signctl --data <data_dir> args...`.
    CommandResult signctl(const std::vector<std::string>& args) const;

    /// Everything signd wrote to stderr so far.
    std::string stderr_text() const;
    /// The request log lines (JSON objects with a request_id) signd wrote so far.
    std::vector<nlohmann::json> request_log() const;

    pid_t pid() const { return pid_; }
    /// Sends SIGTERM without waiting.
    void terminate();
    /// Kills signd with SIGKILL, as a crash or power loss would, and waits for it; the destructor
    /// then expects nothing more.
    void kill_hard();
    /// Waits up to `limit` for signd to exit and returns its exit status (128 + signal when
    /// killed by one); -1 when it is still running after `limit`.
    int wait_for_exit(std::chrono::seconds limit);

private:
    void start(const std::vector<std::string>& flags);

    std::unique_ptr<TempDir> own_folder_;
    TempDir log_dir_{"signd-log"};
    std::string data_dir_;
    unsigned short port_ = 0;
    pid_t pid_ = -1;
    int exit_status_ = -1;
};


}  // namespace sign::test
