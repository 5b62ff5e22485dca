// Bounds on every request, against the real signd: body and header limits,
// slow clients, capacity, and the drain on SIGTERM.

#include <boost/test/unit_test.hpp>

#include <memory>

#include <signal.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "signd_process.h"
#include "signctl_folder.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

std::string problem_code(const std::string& response) {
    return nlohmann::json::parse(body_of(response), nullptr, false).value("code", "");
}

// A real RFC 3161 query, so that a request completing after a wait gets a granted reply.
std::string timestamp_query(TempDir& work) {
    std::string data = (work / "data.txt").string();
    write_text_file(data, "Công văn số 45/UBND-VP\n");
    std::string query = (work / "query.tsq").string();
    auto made = openssl({"ts", "-query", "-data", data, "-sha256", "-cert", "-out", query});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    return read_text_file(query);
}

// GET /healthz on a new connection until it is not 503 `overloaded`: a slot is released just
// after its connection closes or its response is written, so a client can be a moment early.
int healthz_once_a_slot_is_free(unsigned short port) {
    int status = 0;
    for (int attempt = 0; attempt < 200; ++attempt) {
        RawConnection connection(port);
        connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        status = status_of(connection.read_response());
        if (status != 503) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status;
}

std::string tsa_header(size_t length) {
    return "POST /tsa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/timestamp-query\r\nContent-Length: " +
           std::to_string(length) + "\r\n\r\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(a_huge_content_length_gets_413_without_the_body_being_sent) {
    SigndServer server;
    RawConnection connection(server.port());
    // No body follows: the answer must come from the header alone, or this read times out.
    connection.send(tsa_header(100'000'000'000));
    auto response = connection.read_response();
    BOOST_TEST(status_of(response) == 413, response);
    BOOST_TEST(problem_code(response) == "body_too_large");
    std::string rest;
    BOOST_TEST(connection.wait_for_close(rest));
}

BOOST_AUTO_TEST_CASE(a_chunked_body_crossing_the_limit_gets_413) {
    SigndServer server{"--body-limit", "1000"};
    RawConnection connection(server.port());
    connection.send("POST /tsa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/timestamp-query\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n");
    std::string chunk(600, 'x');
    connection.send("258\r\n" + chunk + "\r\n");
    connection.send("258\r\n" + chunk + "\r\n");
    auto response = connection.read_response();
    BOOST_TEST(status_of(response) == 413, response);
    BOOST_TEST(problem_code(response) == "body_too_large");

    // curl uploading a large body, with and without Expect: 100-continue, over HTTP and HTTPS,
    // reads the 413 while it is still sending.
    TempDir work("small");
    std::string large = (work / "large.bin").string();
    write_text_file(large, std::string(4 << 20, 'x'));
    for (const std::string& url : {server.http_url() + "/tsa", server.https_url() + "/tsa"})
        for (std::string expect : {"Expect:", "Expect: 100-continue"}) {
            auto uploaded = curl({"-o", "/dev/null", "-w", "%{http_code}", "--cacert", server.root_ca_pem(), "-H", expect,
                                  "-H", "Content-Type: application/timestamp-query", "--data-binary", "@" + large, url});
            BOOST_TEST(uploaded.output == "413", url << " " << expect << ": " << uploaded.output);
        }

    // Within the limit, the same server answers.
    auto query = timestamp_query(work);
    RawConnection small(server.port());
    small.send(tsa_header(query.size()) + query);
    BOOST_TEST(status_of(small.read_response()) == 200);
}

BOOST_AUTO_TEST_CASE(a_header_over_the_limit_gets_431) {
    SigndServer server;
    RawConnection connection(server.port());
    connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(20'000, 'a') + "\r\n\r\n");
    auto response = connection.read_response();
    BOOST_TEST(status_of(response) == 431, response.substr(0, 200));
}

BOOST_AUTO_TEST_CASE(a_client_sending_its_header_slowly_is_disconnected) {
    SigndServer server{"--header-timeout-ms", "500"};
    RawConnection connection(server.port());
    connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    // The header never ends; the server closes well before the 30 s receive timeout.
    std::string got;
    BOOST_TEST(connection.wait_for_close(got));
    BOOST_TEST(got.empty(), got);
}

BOOST_AUTO_TEST_CASE(a_body_that_stops_arriving_is_cut_off_and_its_slot_freed) {
    SigndServer server{"--body-timeout-ms", "500", "--max-concurrent", "1"};
    RawConnection stalled(server.port());
    stalled.send(tsa_header(100) + "0123456789");
    std::string got;
    BOOST_TEST(stalled.wait_for_close(got));
    BOOST_TEST(got.empty(), got);
    // The only slot is free again.
    BOOST_TEST(healthz_once_a_slot_is_free(server.port()) == 200);
}

BOOST_AUTO_TEST_CASE(an_idle_kept_alive_connection_is_closed) {
    SigndServer server{"--idle-timeout-ms", "500"};
    RawConnection connection(server.port());
    connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    BOOST_TEST(status_of(connection.read_response()) == 200);
    std::string got;
    BOOST_TEST(connection.wait_for_close(got));
    BOOST_TEST(got.empty(), got);
}

BOOST_AUTO_TEST_CASE(requests_beyond_capacity_get_503_with_retry_after) {
    SigndServer server{"--max-concurrent", "1"};
    TempDir work("capacity");
    auto query = timestamp_query(work);
    // One request in progress: header sent, body only half. The holder's header may reach the
    // server after a probe, which then still fits: probe until the server has taken the holder in.
    // A probe that held the only slot at the moment the holder's header arrived got the holder
    // refused instead; then start again with a new holder.
    std::unique_ptr<RawConnection> holder;
    std::string response;
    for (int round = 0; round < 20 && status_of(response) != 503; ++round) {
        holder = std::make_unique<RawConnection>(server.port());
        holder->send(tsa_header(query.size()) + query.substr(0, 10));
        for (int probe = 0; probe < 20 && status_of(response) != 503; ++probe) {
            RawConnection other(server.port());
            other.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            response = other.read_response();
        }
    }
    BOOST_TEST(status_of(response) == 503, response);
    BOOST_TEST(header_of(response, "Retry-After").value_or("") == "1");
    BOOST_TEST(problem_code(response) == "overloaded");

    // The held request still completes, and capacity comes back.
    holder->send(query.substr(10));
    BOOST_TEST(status_of(holder->read_response()) == 200);
    BOOST_TEST(healthz_once_a_slot_is_free(server.port()) == 200);
}

BOOST_AUTO_TEST_CASE(sigterm_lets_the_request_in_flight_finish_and_signd_exits_0) {
    SigndServer server;
    TempDir work("drain");
    auto query = timestamp_query(work);
    RawConnection in_flight(server.port());
    in_flight.send(tsa_header(query.size()) + query.substr(0, 10));
    RawConnection kept_alive(server.port());
    kept_alive.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    BOOST_TEST_REQUIRE(status_of(kept_alive.read_response()) == 200);
    // The in-flight request's header has been read once the server reports one request in flight.
    for (int attempt = 0; attempt < 200; ++attempt) {
        RawConnection probe(server.port());
        probe.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        if (body_of(probe.read_response()).find("signd_requests_in_flight 2") != std::string::npos) break;
    }

    server.terminate();
    // Draining has begun once the listening socket is closed.
    for (int attempt = 0; attempt < 1000 && can_connect(server.port()); ++attempt)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    BOOST_TEST_REQUIRE(!can_connect(server.port()));
    // A new request on a kept-alive connection is refused, and that connection is closed.
    kept_alive.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto refused = kept_alive.read_response();
    BOOST_TEST(status_of(refused) == 503, refused);
    BOOST_TEST(problem_code(refused) == "shutting_down");
    BOOST_TEST(header_of(refused, "Connection").value_or("") == "close");

    // The request in flight completes with a granted time-stamp.
    in_flight.send(query.substr(10));
    auto done = in_flight.read_response();
    BOOST_TEST(status_of(done) == 200, done.substr(0, 300));
    BOOST_TEST(header_of(done, "Content-Type").value_or("") == "application/timestamp-reply");
    write_text_file((work / "reply.tsr").string(), body_of(done));
    auto verified = openssl({"ts", "-verify", "-in", (work / "reply.tsr").string(), "-queryfile",
                             (work / "query.tsq").string(), "-CAfile", server.root_ca_pem(), "-untrusted",
                             server.issuing_ca_pem()});
    BOOST_TEST(verified.output.find("Verification: OK") != std::string::npos, verified.output);

    BOOST_TEST(server.wait_for_exit(std::chrono::seconds(60)) == 0, server.stderr_text());
}

BOOST_AUTO_TEST_SUITE_END()
