#include "signd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include <cpprest/http_client.h>

namespace sign::test {

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The test PKI with its port, made once per test program.
struct SharedFolder {
    TempDir dir{"signd-data"};
    unsigned short port = free_loopback_port();
};

void make_test_pki(const std::string& data_dir, unsigned short port) {
    auto made = run_command({MAKE_TEST_PKI, data_dir, "--build", SIGN_BUILD_DIR, "--ca-key-type", "ec-p256",
                             "--base-url", "http://127.0.0.1:" + std::to_string(port)});
    BOOST_TEST_REQUIRE(made.exit_code == 0, "make-test-pki failed:\n" << made.output);
}

SharedFolder& shared_folder() {
    static SharedFolder folder;
    static bool made = false;
    if (!made) {
        make_test_pki(folder.dir.path().string(), folder.port);
        made = true;
    }
    return folder;
}

// GET /healthz over plain HTTP with cpprestsdk; true on 200.
bool healthy(const std::string& http_url) {
    try {
        web::http::client::http_client_config config;
        config.set_timeout(std::chrono::seconds(5));
        web::http::client::http_client client(U(http_url), config);
        return client.request(web::http::methods::GET, U("/healthz")).get().status_code() == 200;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

SigndServer::SigndServer() : SigndServer(Options{}) {}

SigndServer::SigndServer(std::initializer_list<std::string> flags) : SigndServer(Options{flags, false, {}}) {}

SigndServer::SigndServer(Options options) {
    if (options.own_folder) {
        own_folder_ = std::make_unique<TempDir>("signd-data");
        port_ = free_loopback_port();
        data_dir_ = own_folder_->path().string();
        make_test_pki(data_dir_, port_);
    } else {
        auto& shared = shared_folder();
        port_ = shared.port;
        data_dir_ = shared.dir.path().string();
    }
    if (options.prepare) options.prepare(data_dir_);
    start(options.flags);
}

void SigndServer::start(const std::vector<std::string>& flags) {
    std::vector<std::string> argv = {SIGND, "--data", data_dir_, "--listen", "127.0.0.1", "--port", std::to_string(port_)};
    argv.insert(argv.end(), flags.begin(), flags.end());
    std::string out = (log_dir_ / "stdout").string();
    std::string err = (log_dir_ / "stderr").string();
    pid_ = fork();
    BOOST_TEST_REQUIRE(pid_ >= 0, "fork failed");
    if (pid_ == 0) {
        int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out_fd < 0 || err_fd < 0) _exit(127);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        std::vector<char*> args;
        for (auto& arg : argv) args.push_back(arg.data());
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    // Started when it says so on stdout and /healthz answers; a minute covers a loaded machine.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            pid_ = -1;
            BOOST_TEST_REQUIRE(false, "signd exited with " << exit_status_ << " before it was ready:\n"
                                                          << read_text(err));
        }
        if (read_text(out).find("signd listening on") != std::string::npos && healthy(http_url())) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    terminate();
    wait_for_exit(std::chrono::seconds(10));
    BOOST_TEST_REQUIRE(false, "signd did not become ready within a minute:\n" << read_text(err));
}

SigndServer::~SigndServer() {
    if (pid_ > 0) {
        terminate();
        int status = wait_for_exit(std::chrono::seconds(60));
        if (status == -1) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        BOOST_CHECK_MESSAGE(status == 0, "signd exited with status " << status << " after SIGTERM:\n"
                                                                     << stderr_text());
    }
}

std::string SigndServer::https_url() const { return "https://localhost:" + std::to_string(port_); }
std::string SigndServer::http_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string SigndServer::root_ca_pem() const { return data_dir_ + "/certs/root-ca.pem"; }
std::string SigndServer::issuing_ca_pem() const { return data_dir_ + "/certs/issuing-ca.pem"; }
std::string SigndServer::chain_pem() const { return data_dir_ + "/ca/chain.pem"; }
std::string SigndServer::certificate(const std::string& label) const { return data_dir_ + "/certs/" + label + ".pem"; }

CommandResult SigndServer::signctl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {SIGNCTL, "--data", data_dir_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
}

std::string SigndServer::stderr_text() const { return read_text(log_dir_ / "stderr"); }

std::vector<nlohmann::json> SigndServer::request_log() const {
    std::vector<nlohmann::json> lines;
    std::istringstream text(stderr_text());
    std::string line;
    while (std::getline(text, line)) {
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        if (parsed.is_object() && parsed.contains("request_id")) lines.push_back(std::move(parsed));
    }
    return lines;
}

void SigndServer::terminate() {
    if (pid_ > 0) kill(pid_, SIGTERM);
}

void SigndServer::kill_hard() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    exit_status_ = 128 + SIGKILL;
}

int SigndServer::wait_for_exit(std::chrono::seconds limit) {
    if (pid_ <= 0) return exit_status_;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            pid_ = -1;
            return exit_status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace sign::test
