#include "postgresql_server.h"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include <boost/test/unit_test.hpp>

#include "command.h"
#include "loopback_port.h"

namespace sign::test {

namespace {

const std::string test_user = "signtest";

// The newest installed server's programs (Debian keeps them per major version).
std::string server_bin_folder() {
    std::string best;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
        auto bin = entry.path() / "bin";
        if (std::filesystem::exists(bin / "initdb") && bin.string() > best) best = bin.string();
    }
    BOOST_TEST_REQUIRE(!best.empty(), "no PostgreSQL server under /usr/lib/postgresql (scripts/install-deps.sh installs it)");
    return best;
}

}  // namespace

PostgresqlServer::PostgresqlServer() : folder_("pg"), bin_(server_bin_folder()) {
    if (geteuid() == 0) {
        passwd* account = getpwnam("postgres");
        BOOST_TEST_REQUIRE(account != nullptr, "running as root needs the postgres account of Debian's postgresql package");
        std::filesystem::permissions(folder_.path(), std::filesystem::perms::owner_all);
        BOOST_TEST_REQUIRE(chown(folder_.path().c_str(), account->pw_uid, account->pw_gid) == 0);
    }
    run({bin_ + "/initdb", "-D", (folder_ / "data").string(), "-U", test_user, "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"});
    port_ = free_loopback_port();
    start();
}

PostgresqlServer::~PostgresqlServer() {
    if (!running_) return;
    try {
        run({bin_ + "/pg_ctl", "-D", (folder_ / "data").string(), "-m", "immediate", "-w", "stop"});
    } catch (...) {
        // The folder goes anyway; a server left without it stops on its own.
    }
}

void PostgresqlServer::run(const std::vector<std::string>& argv) const {
    std::vector<std::string> command;
    if (geteuid() == 0) command = {"runuser", "-u", "postgres", "--"};
    command.insert(command.end(), argv.begin(), argv.end());
    auto result = run_command(command);
    BOOST_TEST_REQUIRE(result.exit_code == 0, argv[0] << " failed: " << result.output);
}

void PostgresqlServer::start() {
    const std::string options = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                                " -c unix_socket_directories=" + folder_.path().string() + " -c max_connections=300";
    run({bin_ + "/pg_ctl", "-D", (folder_ / "data").string(), "-l", (folder_ / "server.log").string(), "-o", options,
         "-w", "start"});
    running_ = true;
}

void PostgresqlServer::stop() {
    run({bin_ + "/pg_ctl", "-D", (folder_ / "data").string(), "-m", "fast", "-w", "stop"});
    running_ = false;
}

std::string PostgresqlServer::url(const std::string& database) const {
    return "postgresql://" + test_user + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresqlServer::create_database(const std::string& name) {
    run({bin_ + "/createdb", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", test_user, name});
    return url(name);
}

bool testing_postgresql() {
    const char* chosen = std::getenv("SIGN_TEST_DATABASE");
    return chosen != nullptr && std::string(chosen) == "postgresql";
}

std::string fresh_database(const TempDir& folder) {
    if (!testing_postgresql()) return (folder / "sign.db").string();
    static std::mutex mutex;
    static std::unique_ptr<PostgresqlServer> server;
    static int created = 0;
    std::lock_guard lock(mutex);
    if (!server) server = std::make_unique<PostgresqlServer>();
    return server->create_database("store_test_" + std::to_string(++created));
}

}  // namespace sign::test
