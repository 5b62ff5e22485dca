#pragma once
// A real PostgreSQL server for a test: initdb into a temporary folder, started
// with pg_ctl on a free loopback port (and a socket in that folder), stopped
// and removed when the test ends. When the tests run as root, the server runs
// as the `postgres` account Debian's package creates, since PostgreSQL refuses
// to run as root.

#include <string>
#include <vector>

#include "temp_dir.h"

namespace sign::test {

class PostgresqlServer {
public:
    /// Creates the cluster and starts the server; fails the test if PostgreSQL is not installed.
    PostgresqlServer();
    /// Stops the server at once (pg_ctl -m immediate) if it runs.
    ~PostgresqlServer();
    PostgresqlServer(const PostgresqlServer&) = delete;
    PostgresqlServer& operator=(const PostgresqlServer&) = delete;

    /// A new, empty database; returns its postgresql:// URL.
    std::string create_database(const std::string& name);
    /// The URL of `database` on this server.
    std::string url(const std::string& database) const;

    void stop();
    void start();
    unsigned short port() const { return port_; }

private:
    /// Runs a PostgreSQL program from the server's bin folder, as the server's account.
    void run(const std::vector<std::string>& argv) const;

    TempDir folder_;
    std::string bin_;
    unsigned short port_ = 0;
    bool running_ = false;
};

/// A database for one store test: a fresh SQLite file in `folder`, or, when the test program
/// runs with SIGN_TEST_DATABASE=postgresql, a fresh database on a PostgreSQL server the program
/// starts on first use and shares between its tests.
std::string fresh_database(const TempDir& folder);

/// Whether fresh_database() gives PostgreSQL databases in this run.
bool testing_postgresql();

}  // namespace sign::test
