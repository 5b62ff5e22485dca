// Signature activation data: bound to a client, a credential and exact hashes,
// one use, short-lived. A refused attempt leaves the SAD as it was.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "error_code.h"
#include "sign/store/authorization_store.h"
#include "postgresql_server.h"
#include "temp_dir.h"

using sign::store::Authorization;
using sign::store::AuthorizationStore;
using sign::store::WriteQueue;
using sign::test::error_code_of;
using sign::test::TempDir;
using Hashes = std::vector<std::vector<uint8_t>>;

namespace {

const auto t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{3};
const std::vector<uint8_t> first(32, 0x11);
const std::vector<uint8_t> second(32, 0x22);
const std::vector<uint8_t> unbound(32, 0x33);

Authorization for_leader(std::chrono::system_clock::time_point expires_at) {
    return {"nguyen-van-an", "portal", {first, second}, expires_at};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(authorization_store)

BOOST_AUTO_TEST_CASE(a_sad_signs_its_hashes_once) {
    TempDir dir("sad");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuthorizationStore authorizations(queue);
    std::string sad = authorizations.issue(for_leader(t0 + std::chrono::minutes(5)), t0);
    BOOST_TEST(sad.size() == 43u);
    BOOST_TEST(sad.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);

    auto used = authorizations.consume(sad, "portal", "nguyen-van-an", {second, first}, t0 + std::chrono::minutes(1));
    BOOST_TEST(used.credential_id == "nguyen-van-an");
    BOOST_TEST((used.hashes == Hashes{first, second}));
    BOOST_TEST((used.expires_at == t0 + std::chrono::minutes(5)));
    BOOST_TEST(error_code_of([&] {
                   authorizations.consume(sad, "portal", "nguyen-van-an", {first}, t0 + std::chrono::minutes(2));
               }) == "sad_used");
}

BOOST_AUTO_TEST_CASE(a_hash_listed_more_often_than_authorised_is_refused_and_the_sad_kept) {
    TempDir dir("sad");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuthorizationStore authorizations(queue);
    std::string sad = authorizations.issue({"nguyen-van-an", "portal", {first}, t0 + std::chrono::minutes(5)}, t0);
    Hashes hundred_times(100, first);
    BOOST_TEST(error_code_of([&] {
                   authorizations.consume(sad, "portal", "nguyen-van-an", hundred_times, t0 + std::chrono::minutes(1));
               }) == "hash_not_authorized");
    BOOST_TEST(error_code_of([&] {
                   authorizations.consume(sad, "portal", "nguyen-van-an", {first, first}, t0 + std::chrono::minutes(1));
               }) == "hash_not_authorized");
    // Refused attempts leave it usable for what was authorised: one signature of `first`.
    authorizations.consume(sad, "portal", "nguyen-van-an", {first}, t0 + std::chrono::minutes(1));

    // A hash the signer authorised twice may be signed twice, and no more.
    std::string twice = authorizations.issue({"nguyen-van-an", "portal", {first, first}, t0 + std::chrono::minutes(5)}, t0);
    BOOST_TEST(error_code_of([&] {
                   authorizations.consume(twice, "portal", "nguyen-van-an", {first, first, first}, t0 + std::chrono::minutes(1));
               }) == "hash_not_authorized");
    authorizations.consume(twice, "portal", "nguyen-van-an", {first, first}, t0 + std::chrono::minutes(1));
}

BOOST_AUTO_TEST_CASE(a_replay_after_reopening_is_refused) {
    TempDir dir("sad");
    std::string path = sign::test::fresh_database(dir);
    std::string sad;
    {
        WriteQueue queue(path);
        AuthorizationStore authorizations(queue);
        sad = authorizations.issue(for_leader(t0 + std::chrono::minutes(5)), t0);
        authorizations.consume(sad, "portal", "nguyen-van-an", {first}, t0);
    }
    WriteQueue queue(path);
    AuthorizationStore authorizations(queue);
    BOOST_TEST(error_code_of([&] { authorizations.consume(sad, "portal", "nguyen-van-an", {first}, t0); }) == "sad_used");
}

BOOST_AUTO_TEST_CASE(expired_foreign_and_unbound_uses_are_refused_without_using_it_up) {
    TempDir dir("sad");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuthorizationStore authorizations(queue);
    auto expires = t0 + std::chrono::minutes(3);
    std::string sad = authorizations.issue(for_leader(expires), t0);
    auto try_use = [&](const std::string& presented, const std::string& client, const std::string& credential,
                       const Hashes& hashes, std::chrono::system_clock::time_point when) {
        return error_code_of([&] { authorizations.consume(presented, client, credential, hashes, when); });
    };
    BOOST_TEST(try_use(sad, "portal", "nguyen-van-an", {first}, expires) == "sad_expired");
    BOOST_TEST(try_use(sad, "portal", "nguyen-van-an", {first, unbound}, t0) == "hash_not_authorized");
    BOOST_TEST(try_use(sad, "portal", "nguyen-van-an", {}, t0) == "hash_not_authorized");
    BOOST_TEST(try_use(sad, "other-portal", "nguyen-van-an", {first}, t0) == "sad_unknown");
    BOOST_TEST(try_use(sad, "portal", "tran-thi-ngoc", {first}, t0) == "sad_unknown");
    BOOST_TEST(try_use(sad.substr(0, 42) + (sad[42] == 'A' ? "B" : "A"), "portal", "nguyen-van-an", {first}, t0) ==
               "sad_unknown");
    // None of the refused attempts used it up: the rightful use still works, once.
    BOOST_TEST(try_use(sad, "portal", "nguyen-van-an", {first}, expires - std::chrono::microseconds(1)) == "no error");
    BOOST_TEST(try_use(sad, "portal", "nguyen-van-an", {first}, t0) == "sad_used");
    // A used SAD looks unknown to everyone else: it reveals nothing to another client.
    BOOST_TEST(try_use(sad, "other-portal", "nguyen-van-an", {first}, t0) == "sad_unknown");
}

BOOST_AUTO_TEST_CASE(concurrent_uses_of_one_sad_let_exactly_one_through) {
    TempDir dir("sad");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuthorizationStore authorizations(queue);
    std::string sad = authorizations.issue(for_leader(t0 + std::chrono::minutes(5)), t0);
    std::vector<std::string> codes(6);
    std::vector<std::thread> users;
    for (size_t i = 0; i < codes.size(); ++i)
        users.emplace_back([&, i] {
            codes[i] = error_code_of([&] { authorizations.consume(sad, "portal", "nguyen-van-an", {first}, t0); });
        });
    for (auto& user : users) user.join();
    BOOST_TEST(std::count(codes.begin(), codes.end(), "no error") == 1);
    BOOST_TEST(std::count(codes.begin(), codes.end(), "sad_used") == 5);
}

BOOST_AUTO_TEST_CASE(bad_authorizations_are_not_issued) {
    TempDir dir("sad");
    WriteQueue queue(sign::test::fresh_database(dir));
    AuthorizationStore authorizations(queue);
    auto issue = [&](Authorization authorization) {
        return error_code_of([&] { authorizations.issue(authorization, t0); });
    };
    BOOST_TEST(issue({"nguyen-van-an", "portal", {}, t0 + std::chrono::minutes(1)}) == "no_hashes");
    BOOST_TEST(issue({"nguyen-van-an", "portal", {{}}, t0 + std::chrono::minutes(1)}) == "invalid_hash");
    BOOST_TEST(issue(for_leader(t0 + std::chrono::minutes(5) + std::chrono::seconds(1))) == "sad_lifetime_too_long");
    BOOST_TEST(issue(for_leader(t0)) == "sad_already_expired");
    auto count = queue.reader().prepare("SELECT COUNT(*) FROM authorizations");
    count.step();
    BOOST_TEST(count.integer(0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
