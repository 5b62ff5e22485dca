// `signctl db migrate --to postgresql://...`: a folder with the test PKI, a
// client, a signer and a checkpointed audit log moves to a real PostgreSQL
// server started for the test. Afterwards signctl works against the server
// (certificates listed, the audit chain and its checkpoint verified, a
// certificate revoked and a CRL that openssl reads), the SQLite file is
// byte for byte as it was, and a second copy into the same database is
// refused.

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "command.h"
#include "postgresql_server.h"
#include "signctl_folder.h"

using sign::test::openssl;
using sign::test::PostgresqlServer;
using sign::test::SignctlFolder;

namespace {

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

size_t rows_of(const nlohmann::json& copied, const std::string& table) {
    for (const auto& entry : copied["tables"])
        if (entry["table"] == table) return entry["rows"].get<size_t>();
    BOOST_FAIL("no table " << table << " in " << copied.dump());
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(database_migration)

BOOST_AUTO_TEST_CASE(a_folder_moves_to_postgresql_and_keeps_working) {
    SignctlFolder folder;
    auto pki = folder.make_test_pki();
    BOOST_TEST_REQUIRE(pki.exit_code == 0, pki.output);
    folder.signctl_json({"client", "add", "portal", "--name", "Cổng dịch vụ công Đà Nẵng", "--verify-only"});
    folder.signctl_json({"audit", "checkpoint"});
    auto certificates_before = folder.signctl_json({"cert", "list"});
    auto audit_before = folder.signctl_json({"audit", "list", "--limit", "100000"});
    const std::string sqlite_before = file_bytes(folder.path("sign.db"));

    PostgresqlServer server;
    const std::string url = server.create_database("city_sign");
    auto copied = folder.signctl_json({"db", "migrate", "--to", url});
    BOOST_TEST(copied["database"] == url);
    BOOST_TEST(rows_of(copied, "certificates") == certificates_before.size());
    BOOST_TEST(rows_of(copied, "clients") == 1u);
    BOOST_TEST(rows_of(copied, "audit_log") == audit_before.size());
    BOOST_TEST(rows_of(copied, "audit_checkpoints") == 1u);
    BOOST_TEST(file_bytes(folder.path("sign.db")) == sqlite_before, "the SQLite file must be left as it was");
    std::ifstream config(folder.path("signctl.toml"));
    std::string settings((std::istreambuf_iterator<char>(config)), std::istreambuf_iterator<char>());
    BOOST_TEST(settings.find(url) != std::string::npos, settings);

    // signctl now reads and writes the server.
    BOOST_TEST(folder.signctl_json({"cert", "list"}) == certificates_before);
    auto verified = folder.signctl({"audit", "verify"});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    auto audit_after = folder.signctl_json({"audit", "list", "--limit", "100000"});
    BOOST_TEST_REQUIRE(audit_after.size() == audit_before.size() + 1);
    BOOST_TEST(audit_after.back()["action"] == "database.migrate");

    std::string citizen_serial;
    for (const auto& certificate : certificates_before)
        if (certificate["profile"] == "citizen") citizen_serial = certificate["serial"];
    BOOST_TEST_REQUIRE(!citizen_serial.empty());
    auto revoked = folder.signctl({"cert", "revoke", citizen_serial, "--reason", "keyCompromise"});
    BOOST_TEST_REQUIRE(revoked.exit_code == 0, revoked.output);
    auto crl = folder.signctl_json({"crl", "generate"});
    BOOST_TEST(crl["entries"] == 1);
    auto read = openssl({"crl", "-in", folder.path("crl/issuing-ca.pem"), "-noout", "-text"});
    BOOST_TEST_REQUIRE(read.exit_code == 0, read.output);
    std::string upper = citizen_serial;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    BOOST_TEST(read.output.find("Serial Number: " + upper) != std::string::npos, read.output);
    BOOST_TEST(file_bytes(folder.path("sign.db")) == sqlite_before, "writes must go to the server");
    BOOST_TEST(folder.signctl({"audit", "verify"}).exit_code == 0);

    // A database that holds rows is not overwritten.
    SignctlFolder other;
    BOOST_TEST_REQUIRE(other.make_test_pki().exit_code == 0);
    auto again = other.signctl({"--json", "db", "migrate", "--to", url});
    BOOST_TEST(again.exit_code == 6, again.output);
    BOOST_TEST(again.output.find("database_not_empty") != std::string::npos, again.output);
}

BOOST_AUTO_TEST_SUITE_END()
