// API clients: the key is shown once and works, a wrong or revoked key does
// not, and the database holds only the key's hash.

#include <boost/test/unit_test.hpp>


#include <chrono>

#include "error_code.h"
#include "sign/store/client_store.h"
#include "postgresql_server.h"
#include "stored_rows.h"
#include "temp_dir.h"

using sign::store::ClientScopes;
using sign::store::ClientStore;
using sign::store::WriteQueue;
using sign::test::error_code_of;
using sign::test::TempDir;

namespace {

const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{3};

}  // namespace

BOOST_AUTO_TEST_SUITE(client_store)

BOOST_AUTO_TEST_CASE(the_key_shown_once_authenticates_and_only_its_hash_is_kept) {
    TempDir dir("clients");
    std::string path = sign::test::fresh_database(dir);
    WriteQueue queue(path);
    ClientStore clients(queue);
    ClientScopes scopes{{"agency-seal"}, {"nguyen-van-an"}, false, {}};
    auto added = clients.add("dms-so-tttt", "Hệ thống quản lý văn bản Sở TT&TT", scopes, std::nullopt, now);
    BOOST_TEST(added.api_key.size() == std::string("dms-so-tttt.").size() + 43);
    BOOST_TEST(added.api_key.rfind("dms-so-tttt.", 0) == 0u);

    auto found = clients.authenticate(added.api_key);
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(found->name == "Hệ thống quản lý văn bản Sở TT&TT");
    BOOST_TEST(found->scopes.may_seal("agency-seal"));
    BOOST_TEST(!found->scopes.may_seal("other-seal"));
    BOOST_TEST(found->scopes.may_ask("nguyen-van-an"));
    BOOST_TEST(!found->scopes.may_ask("tran-thi-ngoc"));

    std::string wrong = added.api_key;
    wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
    BOOST_TEST(!clients.authenticate(wrong).has_value());
    BOOST_TEST(!clients.authenticate("dms-so-tttt").has_value());
    BOOST_TEST(!clients.authenticate("").has_value());
    BOOST_TEST(!clients.authenticate("nobody." + added.api_key.substr(12)).has_value());

    std::string stored = sign::test::table_bytes(path, "clients");
    BOOST_TEST(stored.find("dms-so-tttt|") != std::string::npos);  // the row is there
    BOOST_TEST(stored.find(added.api_key.substr(12)) == std::string::npos);

    auto revoked = clients.revoke("dms-so-tttt", now + std::chrono::hours(1));
    BOOST_TEST(revoked.revoked());
    BOOST_TEST(!clients.authenticate(added.api_key).has_value());
    BOOST_TEST(error_code_of([&] { clients.revoke("dms-so-tttt", now); }) == "client_already_revoked");
    BOOST_TEST(error_code_of([&] { clients.revoke("nobody", now); }) == "unknown_client");
}

BOOST_AUTO_TEST_CASE(scopes_certificates_and_bad_clients) {
    TempDir dir("clients");
    WriteQueue queue(sign::test::fresh_database(dir));
    ClientStore clients(queue);
    clients.add("verifier", "Cổng dịch vụ công", {{"*"}, {"*"}, true, {}}, std::string("7E01"), now);
    auto verifier = clients.find_by_certificate("7e01");
    BOOST_TEST_REQUIRE(verifier.has_value());
    BOOST_TEST(verifier->id == "verifier");
    BOOST_TEST(!verifier->scopes.may_seal("agency-seal"));  // verify-only outweighs the wildcard
    clients.add("sealer", "Một cửa", {{"*"}, {}, false, {}}, std::nullopt, now);
    BOOST_TEST(clients.find("sealer")->scopes.may_seal("any-seal"));
    BOOST_TEST(!clients.find("sealer")->scopes.may_ask("nguyen-van-an"));

    BOOST_TEST(error_code_of([&] { clients.add("Bad_Id", "x", {}, std::nullopt, now); }) == "invalid_client_id");
    BOOST_TEST(error_code_of([&] { clients.add(std::string(65, 'a'), "x", {}, std::nullopt, now); }) == "invalid_client_id");
    BOOST_TEST(error_code_of([&] { clients.add("nameless", "", {}, std::nullopt, now); }) == "invalid_client_name");
    BOOST_TEST(error_code_of([&] { clients.add("sealer", "again", {}, std::nullopt, now); }) == "client_exists");
    BOOST_TEST(error_code_of([&] { clients.add("second", "x", {}, std::string("7e01"), now); }) == "certificate_in_use");
    BOOST_TEST(clients.list().size() == 2u);

    clients.revoke("verifier", now);
    BOOST_TEST(!clients.find_by_certificate("7e01").has_value());
}

BOOST_AUTO_TEST_CASE(callbacks_go_only_where_the_administrator_allowed) {
    TempDir dir("clients");
    WriteQueue queue(sign::test::fresh_database(dir));
    ClientStore clients(queue);
    clients.add("dms", "Quản lý văn bản", {{}, {"*"}, false, {"https://dms.danang.gov.vn/callbacks/", "http://10.0.0.5/hook"}},
                std::nullopt, now);
    auto scopes = clients.find("dms")->scopes;
    BOOST_TEST(scopes.may_call_back("https://dms.danang.gov.vn/callbacks/sign?id=7"));
    BOOST_TEST(scopes.may_call_back("http://10.0.0.5/hook"));
    BOOST_TEST(!scopes.may_call_back("http://10.0.0.5/hook/more"));  // no '/' at the end: that URL only
    BOOST_TEST(!scopes.may_call_back("https://dms.danang.gov.vn/callbacks"));
    BOOST_TEST(!scopes.may_call_back("https://dms.danang.gov.vn/other"));
    BOOST_TEST(!scopes.may_call_back("https://dms.danang.gov.vn.evil.example/callbacks/"));
    // Compared once normalised: dot segments cannot climb out of an allowed folder.
    BOOST_TEST(!scopes.may_call_back("https://dms.danang.gov.vn/callbacks/../admin/x"));
    BOOST_TEST(!scopes.may_call_back("https://dms.danang.gov.vn/callbacks/%2e%2e/admin/x"));
    BOOST_TEST(scopes.may_call_back("HTTPS://DMS.danang.gov.vn:443/callbacks/./sign"));
    BOOST_TEST(!scopes.may_call_back("not a url"));
    BOOST_TEST(!clients.find("dms")->scopes.may_call_back("http://169.254.169.254/"));
    clients.add("portal", "Cổng", {{}, {"*"}, false, {}}, std::nullopt, now);
    BOOST_TEST(!clients.find("portal")->scopes.may_call_back("https://dms.danang.gov.vn/callbacks/sign"));

    for (const std::string bad : {"ftp://dms/", "https://user@dms/", "https:///path", "dms.danang.gov.vn/", "https://dms/ space"})
        BOOST_TEST(error_code_of([&] { clients.add("bad", "x", {{}, {}, false, {bad}}, std::nullopt, now); }) ==
                       "invalid_callback_url",
                   bad);
    BOOST_TEST(!clients.find("bad").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
