// Bytes no honest client sends, against the real signd: every kind of invalid UTF-8 in the
// request target, the query, headers and JSON bodies, over plain HTTP and HTTPS; framing that
// smuggles a second request; a missing Host. Each gets its own clear answer, and signd stays up:
// the fixture's destructor requires that SIGTERM still ends it with status 0.

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "signd_process.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

// Ill-formed UTF-8 of every kind RFC 3629 rules out, each as raw bytes.
const std::vector<std::string> ill_formed = {
    "\xff",              // never valid
    "\xfe\xfe",          // never valid
    "\xc0\xaf",          // overlong '/'
    "\xe0\x80\xaf",      // overlong '/' in three bytes
    "\xf0\x80\x80\xaf",  // overlong '/' in four bytes
    "\x80",              // a lone continuation byte
    "\xbf\xbf",          // continuation bytes without a lead
    "\xc3",              // a lead byte with its continuation missing
    "\xe1\x80",          // a three-byte sequence cut short
    "\xed\xa0\x80",      // a UTF-16 surrogate (U+D800)
    "\xed\xbf\xbf",      // a UTF-16 surrogate (U+DFFF)
    "\xf4\x90\x80\x80",  // above U+10FFFF
    "\xf8\x88\x80\x80\x80",  // a five-byte form
};

std::string percent_encoded(const std::string& bytes) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        out += '%';
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string problem_code(const std::string& response) {
    auto problem = nlohmann::json::parse(body_of(response), nullptr, false);
    return problem.is_object() ? problem.value("code", "") : "";
}

// One request on its own plain connection; the raw response.
std::string plain_exchange(unsigned short port, const std::string& request) {
    RawConnection connection(port);
    connection.send(request);
    return connection.read_response();
}

void require_alive(const SigndServer& server) {
    auto response = plain_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    BOOST_TEST_REQUIRE(status_of(response) == 200, "signd stopped answering; its output:\n" + server.stderr_text());
}

// The status and body of an HTTPS request sent with curl, the target sent exactly as given.
std::pair<std::string, std::string> https_exchange(const SigndServer& server, TempDir& work, const std::string& method,
                                                   const std::string& target, const std::vector<std::string>& extra) {
    std::string body = (work / "body").string();
    std::vector<std::string> args = {"--cacert", server.root_ca_pem(), "-o", body, "-w", "%{http_code}", "-X", method,
                                     "--path-as-is", "--request-target", target};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(server.https_url() + "/");
    auto result = curl(args);
    std::string text = std::filesystem::exists(body) ? read_text_file(body) : std::string();
    std::filesystem::remove(body);
    return {result.output, text};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_input)

BOOST_AUTO_TEST_CASE(invalid_utf8_in_the_target_gets_400_over_plain_http_and_signd_stays_up) {
    SigndServer server;
    std::vector<std::string> targets = {"/%FF", "/%ff", "/app/..%c0%af..%c0%afetc/passwd", "/api/v1/seals/%ff/pdf",
                                        "/healthz?x=%FF", "/healthz?%C0%AF=1"};
    for (const auto& bytes : ill_formed) {
        targets.push_back("/" + percent_encoded(bytes));
        targets.push_back("/api/v1/seals/" + percent_encoded(bytes) + "/pdf");
        targets.push_back("/healthz?name=" + percent_encoded(bytes));
        targets.push_back("/" + bytes);           // raw in the path
        targets.push_back("/healthz?q=" + bytes);  // raw in the query
    }
    for (const auto& target : targets) {
        for (std::string method : {"GET", "POST"}) {
            auto response = plain_exchange(server.port(), method + " " + target +
                                                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
            // Beast itself refuses some raw bytes in a request line; either way it is our 400.
            BOOST_TEST(status_of(response) == 400, percent_encoded(target));
            BOOST_TEST(problem_code(response) == "malformed_request", percent_encoded(target));
        }
    }
    require_alive(server);
    // Every request log line is JSON, so whatever reads the log can read all of it.
    for (const auto& line : server.request_log()) BOOST_TEST(line.is_object());
    BOOST_TEST(server.stderr_text().find("terminate") == std::string::npos, server.stderr_text());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_over_https_in_target_headers_and_json_bodies_is_refused_cleanly) {
    // Dozens of refused credentials and enrolments from one address: without the rate limits, so
    // that each one reaches the parsing this test is about.
    TempDir work("hostile-https");
    write_text_file((work / "signd.toml").string(), "[rate_limits]\nenabled = false\n");
    SigndServer server{"--config", (work / "signd.toml").string()};
    for (const auto& bytes : ill_formed) {
        for (const auto& target : {"/" + bytes, "/" + percent_encoded(bytes), "/api/v1/seals/" + percent_encoded(bytes) + "/pdf",
                                   "/app/" + percent_encoded(bytes)}) {
            auto [status, body] = https_exchange(server, work, "GET", target, {});
            BOOST_TEST(status == "400", percent_encoded(target));
            auto problem = nlohmann::json::parse(body, nullptr, false);
            BOOST_TEST((problem.is_object() && problem.value("code", "") == "malformed_request"), body);
        }
        // In headers: credentials and content types that are not text.
        auto [seal_status, seal_body] =
            https_exchange(server, work, "POST", "/api/v1/seals/agency-seal/pdf",
                           {"-H", "Authorization: Bearer " + bytes, "-H", "Content-Type: application/pdf" + bytes,
                            "-H", "X-Note: " + bytes, "--data-binary", "%PDF-1.7"});
        BOOST_TEST(seal_status == "401", percent_encoded(bytes));
        BOOST_TEST(nlohmann::json::parse(seal_body, nullptr, false).is_object(), seal_body);
        auto [csc_status, csc_body] = https_exchange(server, work, "POST", "/csc/v2/credentials/list",
                                                     {"-H", "Authorization: Basic " + bytes, "-H",
                                                      "Content-Type: application/json", "--data-binary", "{}"});
        BOOST_TEST(csc_status == "401", percent_encoded(bytes));
        BOOST_TEST(nlohmann::json::parse(csc_body, nullptr, false).is_object(), csc_body);
        // In JSON bodies: refused as not JSON (RFC 8259 section 8.1 requires UTF-8).
        for (const auto& route : {"/api/v1/devices", "/csc/v2/info"}) {
            auto [status, body] =
                https_exchange(server, work, "POST", route,
                               {"-H", "Content-Type: application/json", "--data-binary",
                                "{\"activationCode\":\"" + bytes + "\",\"lang\":\"vi" + bytes + "\"}"});
            BOOST_TEST(status == "400", std::string(route) + " " + percent_encoded(bytes));
            BOOST_TEST(nlohmann::json::parse(body, nullptr, false).is_object(), body);
        }
    }
    require_alive(server);
    BOOST_TEST(server.stderr_text().find("terminate") == std::string::npos, server.stderr_text());
}

BOOST_AUTO_TEST_CASE(transfer_encoding_in_http_1_0_is_refused_and_no_smuggled_request_is_answered) {
    SigndServer server;
    for (std::string encoding : {"chunked", "gzip, chunked", "identity", "chunked\r\nContent-Length: 5"}) {
        RawConnection connection(server.port());
        connection.send("POST /tsa HTTP/1.0\r\nConnection: keep-alive\r\nContent-Type: application/timestamp-query\r\n"
                        "Transfer-Encoding: " + encoding + "\r\n\r\n"
                        "0\r\n\r\nGET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        auto first = connection.read_response();
        BOOST_TEST(status_of(first) == 400, encoding);
        BOOST_TEST(problem_code(first) == "malformed_request", encoding);
        std::string rest;
        BOOST_TEST(connection.wait_for_close(rest), encoding);
        BOOST_TEST(rest.find("HTTP/1.") == std::string::npos, "a second response was sent: " + rest);
    }
    // HTTP/1.0 with a Content-Length is ordinary and still kept alive when asked.
    RawConnection connection(server.port());
    connection.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    BOOST_TEST(status_of(connection.read_response()) == 200);
    connection.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    BOOST_TEST(status_of(connection.read_response()) == 200);
}

BOOST_AUTO_TEST_CASE(an_http_1_1_request_needs_exactly_one_host) {
    SigndServer server;
    auto missing = plain_exchange(server.port(), "GET /healthz HTTP/1.1\r\n\r\n");
    BOOST_TEST(status_of(missing) == 400);
    BOOST_TEST(problem_code(missing) == "malformed_request");
    auto twice = plain_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    BOOST_TEST(status_of(twice) == 400);
    auto twice_in_1_0 = plain_exchange(server.port(), "GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n");
    BOOST_TEST(status_of(twice_in_1_0) == 400);
    // HTTP/1.0 did not have Host; one is fine in either.
    BOOST_TEST(status_of(plain_exchange(server.port(), "GET /healthz HTTP/1.0\r\n\r\n")) == 200);
    BOOST_TEST(status_of(plain_exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) == 200);
}

BOOST_AUTO_TEST_SUITE_END()
