// signctl client, signer and audit: what they print, what they store, each
// bad input refused with its exit code and nothing changed, and every change
// (or refusal) recorded in a verifiable audit log.

#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "error_code.h"
#include "sign/store/client_store.h"
#include "sign/store/signer_store.h"
#include "sign/store/write_queue.h"
#include "signctl_folder.h"

using sign::test::openssl;
using sign::test::SignctlFolder;

namespace {

const std::string leader_subject =
    "CN=Nguyễn Văn An,title=Phó Giám đốc,O=Sở Thông tin và Truyền thông thành phố Đà Nẵng,L=Đà Nẵng,C=VN,"
    "UID=CCCD:048090001234";
const std::string citizen_subject = "CN=Trần Thị Bích Ngọc,L=Đà Nẵng,C=VN,UID=CCCD:048195006789";
const std::string agency_subject =
    "CN=Sở Thông tin và Truyền thông thành phố Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,L=Đà Nẵng,ST=Đà Nẵng,"
    "C=VN,UID=MST:0400123456";

std::string issue(const SignctlFolder& folder, const std::string& profile, const std::string& label,
                  const std::string& subject) {
    return folder
        .signctl_json({"cert", "issue", "--profile", profile, "--label", label, "--key-type", "ec-p256", "--subject", subject})
        ["serial"]
        .get<std::string>();
}

// Runs signctl, expects the exit code and words, no change to clients or signers, and (unless the
// command line itself was wrong) the refusal as the newest audit record.
void expect_refusal(const SignctlFolder& folder, const std::vector<std::string>& args, int exit_code,
                    const std::string& words, const std::string& recorded_code = "") {
    auto clients = folder.signctl_json({"client", "list"});
    auto signers = folder.signctl_json({"signer", "list"});
    auto audit_before = folder.signctl_json({"audit", "list", "--limit", "1000"});
    auto result = folder.signctl(args);
    BOOST_TEST(result.exit_code == exit_code, result.output);
    BOOST_TEST(result.output.find(words) != std::string::npos, "expected '" << words << "' in: " << result.output);
    BOOST_TEST(folder.signctl_json({"client", "list"}) == clients);
    BOOST_TEST(folder.signctl_json({"signer", "list"}) == signers);
    auto audit_after = folder.signctl_json({"audit", "list", "--limit", "1000"});
    if (recorded_code.empty()) {
        BOOST_TEST(audit_after == audit_before);
    } else {
        BOOST_TEST_REQUIRE(audit_after.size() == audit_before.size() + 1);
        BOOST_TEST(audit_after.back()["result"] == recorded_code);
        BOOST_TEST(audit_after.back()["actor"] == "signctl");
    }
}

void tamper(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    BOOST_TEST_REQUIRE(rc == SQLITE_OK);
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_commands)

BOOST_AUTO_TEST_CASE(clients_are_added_with_a_key_shown_once_listed_and_revoked) {
    SignctlFolder folder;
    folder.init_ca();
    issue(folder, "agency", "agency-seal", agency_subject);
    std::string leader = issue(folder, "leader", "leader", leader_subject);
    std::ofstream(folder.path("leader.pin")) << "135790\n";
    folder.signctl_json({"signer", "add", "nguyen-van-an", "--name", "Nguyễn Văn An", "--cert", leader, "--pin-file",
                         folder.path("leader.pin")});

    auto added = folder.signctl({"client", "add", "dms-so-tttt", "--name", "Quản lý văn bản", "--seal", "agency-seal",
                                 "--signer", "nguyen-van-an"});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    BOOST_TEST(added.output.find("shown only once") != std::string::npos, added.output);
    auto key_at = added.output.find("dms-so-tttt.");
    BOOST_TEST_REQUIRE(key_at != std::string::npos);
    std::string api_key = added.output.substr(key_at, std::string("dms-so-tttt.").size() + 43);

    auto portal = folder.signctl_json({"client", "add", "portal", "--name", "Cổng dịch vụ công", "--verify-only"});
    BOOST_TEST(portal["verify_only"] == true);
    BOOST_TEST(portal["api_key"].get<std::string>().rfind("portal.", 0) == 0u);

    auto list = folder.signctl_json({"client", "list"});
    BOOST_TEST_REQUIRE(list.size() == 2u);
    BOOST_TEST(list[0]["id"] == "dms-so-tttt");
    BOOST_TEST(list[0]["seals"] == nlohmann::json::array({"agency-seal"}));
    BOOST_TEST(list[0]["signers"] == nlohmann::json::array({"nguyen-van-an"}));
    BOOST_TEST(list[0]["status"] == "active");
    BOOST_TEST(list[0].count("api_key") == 0u);
    auto table = folder.signctl({"client", "list"});
    BOOST_TEST(table.output.find("dms-so-tttt") != std::string::npos);
    BOOST_TEST(table.output.find(api_key) == std::string::npos);

    {
        // The printed key is the one the service will accept; the file holds only its hash.
        sign::store::WriteQueue queue(folder.path("sign.db"));
        sign::store::ClientStore clients(queue);
        auto found = clients.authenticate(api_key);
        BOOST_TEST_REQUIRE(found.has_value());
        BOOST_TEST(found->scopes.may_seal("agency-seal"));
    }
    std::string secret = api_key.substr(std::string("dms-so-tttt.").size());
    for (const char* file : {"sign.db", "sign.db-wal"}) BOOST_TEST(file_bytes(folder.path(file)).find(secret) == std::string::npos);

    expect_refusal(folder, {"client", "add", "Bad_Id", "--name", "x"}, 3, "a client id is", "invalid_client_id");
    expect_refusal(folder, {"client", "add", "portal", "--name", "again"}, 6, "exists already", "client_exists");
    expect_refusal(folder, {"client", "add", "other", "--name", "x", "--signer", "ghost"}, 5, "no signer", "unknown_signer");
    expect_refusal(folder, {"client", "add", "other", "--name", "x", "--seal", "leader"}, 5, "no valid agency", "unknown_seal");
    expect_refusal(folder, {"client", "add", "other", "--name", "x", "--cert", "00ff"}, 5, "no certificate", "unknown_certificate");
    expect_refusal(folder, {"client", "add", "other"}, 2, "--name");
    expect_refusal(folder, {"client", "revoke", "nobody"}, 5, "no client", "unknown_client");

    auto revoked = folder.signctl_json({"client", "revoke", "dms-so-tttt"});
    BOOST_TEST(revoked["status"] == "revoked");
    expect_refusal(folder, {"client", "revoke", "dms-so-tttt"}, 6, "already revoked", "client_already_revoked");
    sign::store::WriteQueue queue(folder.path("sign.db"));
    BOOST_TEST(!sign::store::ClientStore(queue).authenticate(api_key).has_value());
}

BOOST_AUTO_TEST_CASE(signers_need_a_person_certificate_with_its_key_on_the_token) {
    SignctlFolder folder;
    folder.init_ca();
    std::string leader = issue(folder, "leader", "leader", leader_subject);
    std::string citizen = issue(folder, "citizen", "citizen", citizen_subject);
    std::string agency = issue(folder, "agency", "agency-seal", agency_subject);
    std::string revoked = issue(folder, "citizen", "revoked-citizen", citizen_subject);
    folder.signctl_json({"cert", "revoke", revoked, "--reason", "keyCompromise"});
    // signctl issues nothing already expired; the record is aged in the database instead.
    std::string expired = issue(folder, "citizen", "expired-citizen", citizen_subject);
    tamper(folder.path("sign.db"), "UPDATE certificates SET not_after = '2025-01-01T00:00:00Z' WHERE serial = '" + expired + "'");
    BOOST_TEST_REQUIRE(openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                                folder.path("own.key")}).exit_code == 0);
    BOOST_TEST_REQUIRE(openssl({"req", "-new", "-key", folder.path("own.key"), "-out", folder.path("own.csr"), "-utf8",
                                "-subj", "/C=VN/UID=CCCD:048190000010/CN=Võ Thị Sáu"}).exit_code == 0);
    std::string from_csr = folder.signctl_json({"cert", "issue", "--profile", "citizen", "--csr", folder.path("own.csr")})
                               ["serial"].get<std::string>();

    std::ofstream(folder.path("good.pin")) << "135790\n";
    std::ofstream(folder.path("short.pin")) << "123\n";
    auto added = folder.signctl_json({"signer", "add", "nguyen-van-an", "--name", "Nguyễn Văn An", "--cert", leader,
                                      "--pin-file", folder.path("good.pin")});
    BOOST_TEST(added["failed_pins"] == 0);
    BOOST_TEST(added["key_uri"].get<std::string>().find("object=leader") != std::string::npos);
    folder.signctl_json({"signer", "add", "tran-thi-ngoc", "--name", "Trần Thị Bích Ngọc", "--cert", citizen,
                         "--pin-file", folder.path("good.pin")});

    std::string pin = folder.path("good.pin");
    expect_refusal(folder, {"signer", "add", "seal", "--name", "x", "--cert", agency, "--pin-file", pin}, 4,
                   "personal profile", "not_a_signer_certificate");
    expect_refusal(folder, {"signer", "add", "vo-thi-sau", "--name", "x", "--cert", from_csr, "--pin-file", pin}, 4,
                   "not on the token", "key_not_on_token");
    expect_refusal(folder, {"signer", "add", "gone", "--name", "x", "--cert", revoked, "--pin-file", pin}, 4, "revoked",
                   "certificate_revoked");
    expect_refusal(folder, {"signer", "add", "old", "--name", "x", "--cert", expired, "--pin-file", pin}, 4, "not valid now",
                   "certificate_expired");
    expect_refusal(folder, {"signer", "add", "nobody", "--name", "x", "--cert", "00ff", "--pin-file", pin}, 5,
                   "no certificate", "unknown_certificate");
    expect_refusal(folder, {"signer", "add", "short", "--name", "x", "--cert", citizen, "--pin-file", folder.path("short.pin")},
                   3, "at least 4", "pin_too_short");
    expect_refusal(folder, {"signer", "add", "no-pin", "--name", "x", "--cert", citizen}, 3, "--pin-file", "pin_required");
    expect_refusal(folder, {"signer", "add", "nguyen-van-an", "--name", "x", "--cert", leader, "--pin-file", pin}, 6,
                   "exists already", "signer_exists");
    expect_refusal(folder, {"signer", "add", "Upper", "--name", "x", "--cert", leader, "--pin-file", pin}, 3,
                   "a signer id is", "invalid_signer_id");
    expect_refusal(folder, {"signer", "unlock", "nobody"}, 5, "no signer", "unknown_signer");

    // Five wrong PINs lock the signer; the list shows it. signctl sign checks the PIN with the
    // function signd uses, under the token's PIN verifier key.
    std::ofstream(folder.path("leader.pem")) << folder.signctl_json({"cert", "show", leader, "--pem"})["pem"].get<std::string>();
    std::ofstream(folder.path("wrong.pin")) << "000000\n";
    std::ofstream(folder.path("document.txt")) << "Tờ trình\n";
    auto sign_as_an = [&](const std::string& pin_file) {
        return folder.signctl({"--json", "sign", "cms", "--key", "pkcs11:object=leader;type=private", "--cert",
                               folder.path("leader.pem"), folder.path("document.txt"), "--signer", "nguyen-van-an",
                               "--signer-pin-file", pin_file});
    };
    for (int i = 0; i < 5; ++i) {
        auto refused = sign_as_an(folder.path("wrong.pin"));
        BOOST_TEST(refused.exit_code == 7, refused.output);
        BOOST_TEST(refused.output.find("\"wrong_pin\"") != std::string::npos, refused.output);
    }
    auto locked = sign_as_an(pin);
    BOOST_TEST(locked.output.find("\"signer_locked\"") != std::string::npos, locked.output);
    auto list = folder.signctl_json({"signer", "list"});
    BOOST_TEST_REQUIRE(list.size() == 2u);
    BOOST_TEST(list[0]["id"] == "nguyen-van-an");
    BOOST_TEST(list[0]["failed_pins"] == 5);
    BOOST_TEST(list[0]["status"] == "locked");
    BOOST_TEST(list[1]["status"] == "active");
    auto table = folder.signctl({"signer", "list"});
    BOOST_TEST(table.output.find("locked") != std::string::npos, table.output);

    auto unlocked = folder.signctl_json({"signer", "unlock", "nguyen-van-an"});
    BOOST_TEST(unlocked["status"] == "active");
    BOOST_TEST(unlocked["failed_pins"] == 0);
    auto signed_now = sign_as_an(pin);
    BOOST_TEST(signed_now.exit_code == 0, signed_now.output);
}

// Viewers on mupdf cannot check RSA-PSS: a signer's documents may be signed with PKCS#1 v1.5, kept
// with the signer, and only with a scheme its key can make.
BOOST_AUTO_TEST_CASE(a_signer_keeps_the_scheme_chosen_for_it) {
    SignctlFolder folder;
    folder.init_ca();
    std::string leader = folder.signctl_json({"cert", "issue", "--profile", "leader", "--label", "leader", "--key-type",
                                              "rsa-2048", "--subject", leader_subject})["serial"];
    std::string citizen = issue(folder, "citizen", "citizen", citizen_subject);

    auto added = folder.signctl_json({"signer", "add", "nguyen-van-an", "--name", "Nguyễn Văn An", "--cert", leader,
                                      "--no-pin", "--scheme", "rsa-pkcs1"});
    BOOST_TEST(added["scheme"] == "rsa-pkcs1");
    auto plain = folder.signctl_json({"signer", "add", "tran-thi-ngoc", "--name", "Trần Thị Bích Ngọc", "--cert", citizen,
                                      "--no-pin"});
    BOOST_TEST(plain["scheme"].is_null());
    BOOST_TEST(folder.signctl_json({"signer", "list"})[0]["scheme"] == "rsa-pkcs1");

    expect_refusal(folder, {"signer", "add", "ec-pss", "--name", "x", "--cert", citizen, "--no-pin", "--scheme", "rsa-pss"},
                   3, "cannot be used with an EC key", "scheme_key_mismatch");
    expect_refusal(folder, {"signer", "add", "bogus", "--name", "x", "--cert", leader, "--no-pin", "--scheme", "rsa-pkcs2"},
                   3, "unknown signature scheme", "unknown_signature_scheme");
    expect_refusal(folder, {"signer", "set-scheme", "tran-thi-ngoc", "--scheme", "rsa-pkcs1"}, 3,
                   "cannot be used with an EC key", "scheme_key_mismatch");
    expect_refusal(folder, {"signer", "set-scheme", "nobody", "--scheme", "rsa-pss"}, 5, "no signer", "unknown_signer");

    BOOST_TEST(folder.signctl_json({"signer", "set-scheme", "nguyen-van-an", "--scheme", "rsa-pss"})["scheme"] == "rsa-pss");
    BOOST_TEST(folder.signctl_json({"signer", "set-scheme", "nguyen-van-an", "--scheme", ""})["scheme"].is_null());
    BOOST_TEST(folder.signctl_json({"signer", "list"})[0]["scheme"].is_null());
}

BOOST_AUTO_TEST_CASE(the_audit_log_records_every_change_and_verify_names_a_tampered_record) {
    SignctlFolder folder;
    folder.init_ca();
    std::string leader = issue(folder, "leader", "leader", leader_subject);
    std::ofstream(folder.path("wrong-token.pin")) << "0000000000000000\n";
    auto refused = folder.signctl({"--pin-file", folder.path("wrong-token.pin"), "cert", "issue", "--profile", "citizen",
                                   "--key-type", "ec-p256", "--subject", citizen_subject});
    BOOST_TEST(refused.exit_code == 7, refused.output);
    folder.signctl_json({"cert", "revoke", leader, "--reason", "superseded"});
    folder.signctl_json({"client", "add", "portal", "--name", "Cổng", "--verify-only"});
    folder.signctl_json({"client", "revoke", "portal"});

    auto records = folder.signctl_json({"audit", "list"});
    std::vector<std::string> trail;
    for (const auto& record : records)
        trail.push_back(record["action"].get<std::string>() + " " + record["result"].get<std::string>());
    BOOST_TEST(trail == (std::vector<std::string>{"ca.init ok", "certificate.issue ok", "certificate.issue wrong_pin",
                                                  "authentication wrong_pin", "certificate.revoke ok", "client.add ok",
                                                  "client.revoke ok"}),
               records.dump(1));
    BOOST_TEST(records[1]["subject"] == leader);
    BOOST_TEST(records[4]["subject"] == leader);
    BOOST_TEST(records[2]["previous_hash"] == records[1]["hash"]);

    auto after = folder.signctl_json({"audit", "list", "--after", "4", "--limit", "1"});
    BOOST_TEST_REQUIRE(after.size() == 1u);
    BOOST_TEST(after[0]["sequence"] == 5);
    BOOST_TEST(folder.signctl({"audit", "list", "--limit", "0"}).exit_code == 2);
    BOOST_TEST(folder.signctl({"audit", "list", "--after", "x"}).exit_code == 2);

    auto intact = folder.signctl({"audit", "verify"});
    BOOST_TEST(intact.exit_code == 0, intact.output);
    BOOST_TEST(intact.output.find("intact: 7 records") != std::string::npos, intact.output);

    tamper(folder.path("sign.db"), "UPDATE audit_log SET result = 'ok' WHERE sequence = 3");
    auto edited = folder.signctl({"audit", "verify"});
    BOOST_TEST(edited.exit_code == 9, edited.output);
    BOOST_TEST(edited.output.find("record 3: hash_mismatch") != std::string::npos, edited.output);
    auto json = folder.signctl({"--json", "audit", "verify"});
    BOOST_TEST(json.exit_code == 9);
    auto verdict = nlohmann::json::parse(json.output);
    BOOST_TEST(verdict["intact"] == false);
    BOOST_TEST_REQUIRE(verdict["problems"].size() == 1u);
    BOOST_TEST(verdict["problems"][0]["sequence"] == 3);

    tamper(folder.path("sign.db"), "UPDATE audit_log SET result = 'wrong_pin' WHERE sequence = 3; "
                                   "DELETE FROM audit_log WHERE sequence = 5");
    auto removed = folder.signctl({"audit", "verify"});
    BOOST_TEST(removed.exit_code == 9, removed.output);
    BOOST_TEST(removed.output.find("record 6: sequence_gap") != std::string::npos, removed.output);
    BOOST_TEST(removed.output.find("record 6: chain_broken") != std::string::npos, removed.output);
    BOOST_TEST(removed.output.find("record 3") == std::string::npos, removed.output);
}

// Records written before the log bounded what it keeps (old data folders) may hold any bytes a
// client sent: readers show them escaped and cut to the column, a page at a time, and never fail.
BOOST_AUTO_TEST_CASE(audit_list_shows_hostile_records_escaped_within_columns_a_page_at_a_time) {
    SignctlFolder folder;
    folder.init_ca();
    for (const char* client : {"portal-a", "portal-b", "portal-c"})
        folder.signctl_json({"client", "add", client, "--name", "Cổng", "--verify-only"});
    tamper(folder.path("sign.db"),
           "UPDATE audit_log SET subject = CAST(X'474554202F6170692F76312F7365616C732FFF2F706466' AS TEXT) WHERE sequence = 2; "
           "UPDATE audit_log SET subject = replace(hex(zeroblob(50000)), '0', 'x') WHERE sequence = 3; "
           "UPDATE audit_log SET actor = 'evil' || char(27) || '[2J' WHERE sequence = 4");

    auto json = folder.signctl({"--json", "audit", "list"});
    BOOST_TEST_REQUIRE(json.exit_code == 0, json.output.substr(0, 2000));
    auto records = nlohmann::json::parse(json.output);
    BOOST_TEST_REQUIRE(records.size() == 4u);
    BOOST_TEST(records[1]["subject"] == "GET /api/v1/seals/\\xFF/pdf");
    BOOST_TEST(records[2]["subject"] == std::string(100000, 'x'));
    BOOST_TEST(records[3]["actor"] == "evil\\x1B[2J");

    auto table = folder.signctl({"audit", "list"});
    BOOST_TEST_REQUIRE(table.exit_code == 0, table.output.substr(0, 2000));
    BOOST_TEST(table.output.find("GET /api/v1/seals/\\xFF/pdf") != std::string::npos, table.output);
    BOOST_TEST(table.output.find("evil\\x1B[2J") != std::string::npos, table.output);
    BOOST_TEST(table.output.find('\x1b') == std::string::npos);
    std::istringstream lines(table.output);
    for (std::string line; std::getline(lines, line);) BOOST_TEST(line.size() < 400u, line.size() << " bytes: " << line);

    auto first_page = folder.signctl({"audit", "list", "--after", "0", "--limit", "2"});
    BOOST_TEST(first_page.exit_code == 0, first_page.output);
    BOOST_TEST(first_page.output.find("more records follow: signctl audit list --after 2 --limit 2") != std::string::npos,
               first_page.output);
    auto last_page = folder.signctl({"audit", "list", "--after", "2", "--limit", "2"});
    BOOST_TEST(last_page.output.find("more records") == std::string::npos, last_page.output);
    auto newest = folder.signctl({"audit", "list", "--limit", "2"});
    BOOST_TEST(newest.output.find("older records: signctl audit list --after 0 --limit 2") != std::string::npos,
               newest.output);
    auto newest_json = folder.signctl_json({"audit", "list", "--limit", "2"});
    BOOST_TEST_REQUIRE(newest_json.size() == 2u);
    BOOST_TEST(newest_json[0]["sequence"] == 3);
    BOOST_TEST(folder.signctl_json({"audit", "list", "--after", "4"}).empty());

    auto verified = folder.signctl({"--json", "audit", "verify"});
    BOOST_TEST(verified.exit_code == 9, verified.output);
    auto verdict = nlohmann::json::parse(verified.output);
    BOOST_TEST(verdict["intact"] == false);
    BOOST_TEST(verdict["records"] == 4);
    std::vector<int> named;
    for (const auto& problem : verdict["problems"]) named.push_back(problem["sequence"].get<int>());
    BOOST_TEST(named == (std::vector<int>{2, 3, 4}), verified.output);
}

BOOST_AUTO_TEST_SUITE_END()
