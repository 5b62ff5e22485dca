// What anyone can make signd do as often as they like costs a bounded number
// of audit records and, past a few tries, a 429 with Retry-After: a flood of
// anonymous refusals is a handful of counted records whose counts add up (and
// are written on a clean stop); the public TSA's tokens are counted per minute;
// activation-code guessing and failed client authentication are rate limited
// per address and per claimed identity, another address is unaffected, and
// after the announced wait a client is let in again.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <sstream>
#include <thread>

#include "api_support.h"
#include "mobile_support.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;
using nlohmann::json;

namespace {

// `signctl audit list` of every record after `sequence`, read while signd is stopped.
int64_t occurrences_of(const std::vector<json>& records, const std::string& action, const std::string& address,
                       std::size_t* record_count = nullptr) {
    int64_t sum = 0;
    std::size_t count = 0;
    for (const auto& record : records) {
        if (record.value("action", "") != action || record.value("client_address", "") != address) continue;
        sum += record.value("occurrences", int64_t{0});
        ++count;
    }
    if (record_count) *record_count = count;
    return sum;
}

// curl's -w format for many URLs at once: the bodies go to standard output too, so each status
// gets a line of its own that no body starts with.
const std::string status_line = "\nstatus=%{http_code}\n";

// The status codes curl printed with status_line.
std::vector<int> statuses(const std::string& output) {
    std::vector<int> found;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line))
        if (line.rfind("status=", 0) == 0) found.push_back(std::stoi(line.substr(7)));
    return found;
}

std::string config_file(const TempDir& dir, const std::string& text) {
    std::string path = (dir / "signd.toml").string();
    write_text_file(path, text);
    return path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_and_rate_limits)

BOOST_AUTO_TEST_CASE(four_thousand_anonymous_refusals_are_a_handful_of_counted_records) {
    SigndServer server;
    int64_t before = last_audit_sequence(server);
    // One keep-alive connection, 4,000 requests without credentials (curl's URL range).
    auto flood = curl({"--cacert", server.root_ca_pem(), "-w", status_line,
                       server.https_url() + "/api/v1/seals?n=[1-4000]"});
    BOOST_TEST_REQUIRE(flood.exit_code == 0, flood.output.substr(0, 2000));
    auto answered = statuses(flood.output);
    BOOST_TEST_REQUIRE(answered.size() == 4000u);
    BOOST_TEST(std::count(answered.begin(), answered.end(), 401) >= 1);
    BOOST_TEST(std::count(answered.begin(), answered.end(), 401) + std::count(answered.begin(), answered.end(), 429) == 4000);

    // A clean stop writes the counts still held: nothing counted is lost.
    server.terminate();
    BOOST_TEST_REQUIRE(server.wait_for_exit(std::chrono::seconds(60)) == 0);
    auto records = audit_after(server, before);
    std::size_t record_count = 0;
    BOOST_TEST(occurrences_of(records, "authentication", "127.0.0.1", &record_count) == 4000);
    // The first of each kind at once, then one count per kind and minute (a minute may end meanwhile).
    BOOST_TEST(record_count >= 2u);
    BOOST_TEST(record_count <= 8u, records.size());
    auto verified = server.signctl({"audit", "verify"});
    BOOST_TEST(verified.exit_code == 0, verified.output);
}

BOOST_AUTO_TEST_CASE(the_public_tsa_is_counted_per_minute_not_per_token) {
    SigndServer server;
    TempDir dir("tsa-count");
    int64_t before = last_audit_sequence(server);
    std::string query = (dir / "query.tsq").string();
    write_text_file((dir / "data").string(), "Quyết định số 12/QĐ-UBND");
    auto made = run_command({"openssl", "ts", "-query", "-data", (dir / "data").string(), "-sha256", "-cert", "-out", query});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    for (int i = 0; i < 7; ++i) {
        auto reply = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/timestamp-query",
                           "--data-binary", "@" + query, server.http_url() + "/tsa"});
        BOOST_TEST(reply.output == "200");
    }
    auto refused = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/timestamp-query",
                         "--data-binary", "not DER", server.http_url() + "/tsa"});
    BOOST_TEST(refused.output == "200", "RFC 3161 refuses inside a 200");
    BOOST_TEST(audit_after(server, before).empty(), "no record per token");

    server.terminate();
    BOOST_TEST_REQUIRE(server.wait_for_exit(std::chrono::seconds(60)) == 0);
    auto records = audit_after(server, before);
    int64_t issued = 0, refusals = 0;
    for (const auto& record : records) {
        if (record.value("action", "") != "tsa.response") continue;
        (record.value("result", "") == "issued" ? issued : refusals) += record.value("occurrences", int64_t{0});
    }
    BOOST_TEST(issued == 7);
    BOOST_TEST(refusals == 1);
    BOOST_TEST(records.size() <= 4u, json(records).dump(1));
}

BOOST_AUTO_TEST_CASE(activation_code_guessing_is_limited_per_address_and_another_address_is_unaffected) {
    SigndServer server;
    add_mobile_signer(server, "guarded-signer", "leader");
    TestDevice device;
    auto issued = server.signctl({"--json", "signer", "activation", "guarded-signer"});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    auto code = json::parse(issued.output.substr(issued.output.find('{'))).at("code").get<std::string>();
    TempDir dir("guesses");
    json guess = {{"activationCode", "ABCD-EFGH-JKLM"}, {"publicKey", device.public_key_base64()}, {"pin", "246810"},
                  {"name", "Điện thoại lạ"}};
    write_text_file((dir / "guess.json").string(), guess.dump());
    auto guesses = curl({"--cacert", server.root_ca_pem(), "-w", status_line, "-H",
                         "Content-Type: application/json", "--data-binary", "@" + (dir / "guess.json").string(),
                         server.https_url() + "/api/v1/devices?try=[1-300]"});
    BOOST_TEST_REQUIRE(guesses.exit_code == 0, guesses.output.substr(0, 2000));
    auto answered = statuses(guesses.output);
    BOOST_TEST_REQUIRE(answered.size() == 300u);
    auto limited = std::count(answered.begin(), answered.end(), 429);
    BOOST_TEST(limited >= 290, guesses.output.substr(0, 200));
    BOOST_TEST(std::count(answered.begin(), answered.end(), 201) == 0);

    // The guesser's own address is refused with the problem and when to come back.
    auto again = curl({"--cacert", server.root_ca_pem(), "-i", "-H", "Content-Type: application/json", "--data-binary",
                       "@" + (dir / "guess.json").string(), server.https_url() + "/api/v1/devices"});
    BOOST_TEST(again.output.find(" 429") != std::string::npos, again.output);
    BOOST_TEST(again.output.find("\"code\":\"rate_limited\"") != std::string::npos, again.output);
    BOOST_TEST((again.output.find("Retry-After:") != std::string::npos), again.output);

    // The signer's phone on another loopback address enrols with the real code at once.
    json honest = {{"activationCode", code}, {"publicKey", device.public_key_base64()}, {"pin", "246810"},
                   {"name", "Điện thoại của người ký"}};
    write_text_file((dir / "honest.json").string(), honest.dump());
    auto enrolled = curl({"--interface", "127.0.0.2", "--cacert", server.root_ca_pem(), "-w", "\\n%{http_code}", "-H",
                          "Content-Type: application/json", "--data-binary", "@" + (dir / "honest.json").string(),
                          server.https_url() + "/api/v1/devices"});
    BOOST_TEST(enrolled.output.substr(enrolled.output.size() - 3) == "201", enrolled.output);
}

BOOST_AUTO_TEST_CASE(failed_client_authentication_is_answered_429_until_the_wait_is_over) {
    TempDir dir("rate-limits");
    std::string config = config_file(dir, "[rate_limits]\n"
                                          "client_authentication = { burst = 3, per_minute = 60 }\n");
    SigndServer server{"--config", config};
    const auto& clients = api_clients(server);
    std::string wrong = "dms." + std::string(43, 'A');
    for (int i = 0; i < 3; ++i) {
        auto refused = https(server, "GET", "/api/v1/seals", bearer(wrong));
        BOOST_TEST(refused.status == 401, refused.body);
    }
    auto limited = https(server, "GET", "/api/v1/seals", bearer(wrong));
    BOOST_TEST_REQUIRE(limited.status == 429, limited.body);
    BOOST_TEST(limited.content_type == "application/problem+json");
    BOOST_TEST(limited.json().value("code", "") == "rate_limited");
    BOOST_TEST_REQUIRE(limited.headers.count("retry-after") == 1u);
    int retry_after = std::stoi(limited.headers.at("retry-after"));
    BOOST_TEST(retry_after >= 1);
    BOOST_TEST(retry_after <= 2);
    // Its right key waits too: the address and the claimed client have both spent their tries.
    BOOST_TEST(https(server, "GET", "/api/v1/seals", bearer(clients.dms)).status == 429);
    // CSC answers in its own format, with the same Retry-After.
    auto csc = https(server, "POST", "/csc/v2/credentials/list", bearer(wrong), "{}", "application/json");
    BOOST_TEST(csc.status == 429, csc.body);
    BOOST_TEST(csc.json().value("error_description", "").rfind("rate_limited:", 0) == 0u, csc.body);
    BOOST_TEST(csc.headers.count("retry-after") == 1u);
    // Another client from the same address is held back by the address's bucket.
    BOOST_TEST(https(server, "GET", "/api/v1/seals", bearer(clients.portal)).status == 429);

    std::this_thread::sleep_for(std::chrono::seconds(retry_after) + std::chrono::milliseconds(200));
    auto allowed = https(server, "GET", "/api/v1/seals", bearer(clients.dms));
    BOOST_TEST(allowed.status == 200, allowed.body);
}

BOOST_AUTO_TEST_CASE(rate_limit_settings_are_checked_at_start) {
    TempDir dir("bad-limits");
    std::string config = config_file(dir, "[rate_limits]\nclient_authentication = { burst = 0, per_minute = 5 }\n");
    auto refused = run_command({SIGND_PATH, "--data", dir.path().string(), "--config", config});
    BOOST_TEST(refused.exit_code != 0);
    BOOST_TEST(refused.output.find("burst") != std::string::npos, refused.output);
    config = config_file(dir, "[rate_limits]\nactivation_codes = { burst = 5, per_minute = 5 }\n");
    refused = run_command({SIGND_PATH, "--data", dir.path().string(), "--config", config});
    BOOST_TEST(refused.exit_code != 0);
    BOOST_TEST(refused.output.find("activation_codes") != std::string::npos, refused.output);
}

BOOST_AUTO_TEST_SUITE_END()
