// The server in-process, with routes made for the test: errors thrown by
// handlers, a TLS-only route, a handler that waits, and the rejection hook.
// TLS uses the test PKI's tls-server certificate and its key on the token.

#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <cpprest/http_client.h>
#include <nlohmann/json.hpp>

#include "app/tls_material.h"
#include "http/server.h"
#include "sign/error.h"
#include "signd_process.h"
#include "signd_tools.h"
#include "temp_dir.h"

using namespace sign::test;
using namespace sign::signd;

namespace {

// A gate a handler waits at until the test opens it.
class Gate {
public:
    void wait() {
        std::unique_lock lock(mutex_);
        ++waiting_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
    }
    void wait_for_waiter() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return waiting_ > 0; });
    }
    void open() {
        std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int waiting_ = 0;
    bool open_ = false;
};

struct InProcessServer {
    SigndServer signd;  // only for its data folder: its token holds the TLS key
    sign::data_folder::DataFolder data{signd.data_dir()};
    Metrics metrics;
    Router router;
    Gate gate;
    std::mutex rejections_mutex;
    std::vector<std::string> rejections;
    /// Run by the rejection hook after recording the code: lets a test make the hook fail.
    std::function<void()> rejection_fault;
    std::unique_ptr<Server> server;
    std::thread thread;

    InProcessServer() {
        router.add("GET", "/api/v1/probe", "probe", Transport::tls_only, [](const HttpRequest& request) {
            return HttpResponse::json(200, {{"secure", request.secure},
                                            {"serial", request.client_certificate_serial.value_or("")}});
        });
        router.add("GET", "/open", "open", Transport::plain_or_tls,
                   [](const HttpRequest& request) { return HttpResponse::json(200, {{"path", request.path}, {"query", request.query}}); });
        router.add("POST", "/open", "open", Transport::plain_or_tls,
                   [](const HttpRequest& request) { return HttpResponse::json(200, {{"bytes", request.body.size()}}); });
        router.add("GET", "/refused", "refused", Transport::plain_or_tls, [](const HttpRequest&) -> HttpResponse {
            throw sign::Error(sign::ErrorKind::policy, "seal_not_allowed", "this client may not apply that seal");
        });
        router.add("GET", "/bug", "bug", Transport::plain_or_tls, [](const HttpRequest&) -> HttpResponse {
            throw std::runtime_error("database handle 0x1234 at /var/lib/secret went away");
        });
        router.add("GET", "/echo-bytes", "echo-bytes", Transport::plain_or_tls, [](const HttpRequest&) {
            // A handler that puts bytes that are not UTF-8 into its JSON answer, as one echoing a
            // header or a stored value could.
            return HttpResponse::json(200, {{"echo", std::string("Đ\xff\xc0\xaf")}});
        });
        router.add("GET", "/slow", "slow", Transport::plain_or_tls, [this](const HttpRequest&) {
            gate.wait();
            return HttpResponse::json(200, {{"slow", true}});
        });
        ServerOptions options;
        options.port = 0;
        options.tls = find_tls_material(data, std::chrono::system_clock::now());
        server = std::make_unique<Server>(options, router, metrics, [this](const HttpRequest&, const std::string& code) {
            std::function<void()> fault;
            {
                std::lock_guard lock(rejections_mutex);
                rejections.push_back(code);
                fault = rejection_fault;
            }
            if (fault) fault();
        });
        thread = std::thread([this] { server->run(); });
    }
    ~InProcessServer() {
        gate.open();
        server->stop();
        thread.join();
    }
    std::string http_url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
    std::string https_url() const { return "https://localhost:" + std::to_string(server->port()); }
    /// True once the hook has seen `code`; waits up to two seconds, because a client may see its
    /// refusal (a failed handshake) before the server's thread has reported it.
    bool rejected(const std::string& code) {
        for (int wait = 0; wait < 200; ++wait) {
            {
                std::lock_guard lock(rejections_mutex);
                if (std::find(rejections.begin(), rejections.end(), code) != rejections.end()) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
};

// Status and body of a curl request; extra curl arguments first.
std::pair<std::string, nlohmann::json> fetch(const std::vector<std::string>& args, TempDir& work) {
    std::string body = (work / "body").string();
    std::vector<std::string> all = {"-o", body, "-w", "%{http_code}"};
    all.insert(all.end(), args.begin(), args.end());
    auto result = curl(all);
    auto text = std::filesystem::exists(body) ? read_text_file(body) : std::string();
    std::filesystem::remove(body);
    return {result.output, nlohmann::json::parse(text, nullptr, false)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(server)

BOOST_AUTO_TEST_CASE(a_tls_only_route_over_plain_http_is_refused_with_https_required) {
    InProcessServer s;
    TempDir work("plain");
    auto [status, problem] = fetch({s.http_url() + "/api/v1/probe"}, work);
    BOOST_TEST(status == "403");
    BOOST_TEST(problem["code"] == "https_required");
    BOOST_TEST(s.rejected("https_required"));

    auto [tls_status, body] = fetch({"--cacert", s.signd.root_ca_pem(), s.https_url() + "/api/v1/probe"}, work);
    BOOST_TEST(tls_status == "200");
    BOOST_TEST(body["secure"] == true);
}

BOOST_AUTO_TEST_CASE(a_refused_client_certificate_reaches_the_rejection_hook) {
    InProcessServer s;
    TempDir work("refused-client");
    std::string key = (work / "self.key").string();
    std::string certificate = (work / "self.pem").string();
    auto made = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                             "-keyout", key, "-out", certificate, "-subj", "/CN=intruder", "-days", "2"});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    auto refused = curl({"--cacert", s.signd.root_ca_pem(), "--cert", certificate, "--key", key, s.https_url() + "/api/v1/probe"});
    BOOST_TEST(refused.exit_code != 0, refused.output);
    BOOST_TEST(s.rejected("client_certificate_refused"));
}

BOOST_AUTO_TEST_CASE(handler_errors_become_problems_without_internal_details) {
    InProcessServer s;
    TempDir work("errors");
    auto [status, problem] = fetch({s.http_url() + "/refused"}, work);
    BOOST_TEST(status == "422");
    BOOST_TEST(problem["code"] == "seal_not_allowed");
    BOOST_TEST(problem["status"] == 422);
    BOOST_TEST(problem["type"] == "https://city-sign.invalid/problems/seal_not_allowed");

    auto [bug_status, bug] = fetch({s.http_url() + "/bug"}, work);
    BOOST_TEST(bug_status == "500");
    BOOST_TEST(bug["code"] == "internal_error");
    BOOST_TEST(bug.dump().find("secret") == std::string::npos, bug.dump());
    BOOST_TEST(bug.dump().find("0x1234") == std::string::npos, bug.dump());
}

BOOST_AUTO_TEST_CASE(unknown_paths_get_404_and_wrong_methods_405_with_allow) {
    InProcessServer s;
    RawConnection connection(s.server->port());
    connection.send("DELETE /open HTTP/1.1\r\nHost: localhost\r\n\r\n");
    auto response = connection.read_response();
    BOOST_TEST(status_of(response) == 405);
    BOOST_TEST(header_of(response, "Allow").value_or("") == "GET, POST");
    BOOST_TEST(nlohmann::json::parse(body_of(response))["code"] == "method_not_allowed");
    BOOST_TEST(header_of(response, "X-Request-Id").has_value());

    connection.send("GET /nothing/here HTTP/1.1\r\nHost: localhost\r\n\r\n");
    response = connection.read_response();
    BOOST_TEST(status_of(response) == 404);
    BOOST_TEST(nlohmann::json::parse(body_of(response))["code"] == "not_found");
}

BOOST_AUTO_TEST_CASE(paths_with_dot_dot_segments_are_refused_also_when_percent_encoded) {
    InProcessServer s;
    for (std::string path : {"/open/../api/v1/probe", "/open/%2e%2e/api/v1/probe", "/open/%2E%2E", "/..", "/open/..%5cx"}) {
        RawConnection connection(s.server->port());
        connection.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        auto response = connection.read_response();
        BOOST_TEST(status_of(response) == 400, path);
        BOOST_TEST(nlohmann::json::parse(body_of(response), nullptr, false).value("code", "") == "path_traversal", path);
    }
    BOOST_TEST(s.rejected("path_traversal"));
    // Dots that are not a whole segment are ordinary characters.
    RawConnection connection(s.server->port());
    connection.send("GET /open?file=a..b HTTP/1.1\r\nHost: localhost\r\n\r\n");
    BOOST_TEST(status_of(connection.read_response()) == 200);
}

BOOST_AUTO_TEST_CASE(connection_close_is_honoured_after_a_body_was_read) {
    InProcessServer s;
    RawConnection connection(s.server->port());
    connection.send("POST /open HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello");
    auto response = connection.read_response();
    BOOST_TEST(status_of(response) == 200);
    BOOST_TEST(nlohmann::json::parse(body_of(response))["bytes"] == 5);
    BOOST_TEST(header_of(response, "Connection").value_or("") == "close");
    std::string rest;
    BOOST_TEST(connection.wait_for_close(rest));
}

BOOST_AUTO_TEST_CASE(an_oversized_body_is_refused_and_reported_to_the_rejection_hook) {
    InProcessServer s;
    RawConnection connection(s.server->port());
    connection.send("POST /open HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n");
    BOOST_TEST(status_of(connection.read_response()) == 413);
    BOOST_TEST(s.rejected("body_too_large"));
}

BOOST_AUTO_TEST_CASE(malformed_requests_get_400) {
    InProcessServer s;
    for (std::string request : {"GARBAGE\r\n\r\n", "GET /open%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                                "GET /open HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"}) {
        RawConnection connection(s.server->port());
        connection.send(request);
        auto response = connection.read_response();
        BOOST_TEST(status_of(response) == 400, request);
        BOOST_TEST(nlohmann::json::parse(body_of(response), nullptr, false).value("code", "") == "malformed_request");
    }
}

BOOST_AUTO_TEST_CASE(a_handler_answer_holding_invalid_utf8_is_sent_with_replacement_characters) {
    InProcessServer s;
    RawConnection connection(s.server->port());
    connection.send("GET /echo-bytes HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = connection.read_response();
    BOOST_TEST(status_of(response) == 200);
    BOOST_TEST(nlohmann::json::parse(body_of(response))["echo"] == "Đ\ufffd\ufffd\ufffd");
}

BOOST_AUTO_TEST_CASE(a_failing_rejection_hook_ends_one_request_not_the_server) {
    InProcessServer s;
    // An audit failure whose message quotes the client's bytes, and a hook that throws what no
    // handler expects: each may cost its own request, never the process.
    for (std::function<void()> fault : std::vector<std::function<void()>>{
             [] { throw std::runtime_error("cannot record GET /\xff\xfe"); }, [] { throw 42; }}) {
        {
            std::lock_guard lock(s.rejections_mutex);
            s.rejection_fault = fault;
        }
        for (int i = 0; i < 3; ++i) {
            RawConnection connection(s.server->port());
            connection.send("GET /open%zz HTTP/1.1\r\nHost: x\r\n\r\n");
            connection.read_response();
        }
        {
            std::lock_guard lock(s.rejections_mutex);
            s.rejection_fault = nullptr;
        }
        // Still serving, with every slot free.
        for (int i = 0; i < 3; ++i) {
            RawConnection connection(s.server->port());
            connection.send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
            BOOST_TEST(status_of(connection.read_response()) == 200);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_slow_handler_does_not_stop_other_requests) {
    InProcessServer s;
    auto slow = std::async(std::launch::async, [&] { return curl({"-w", "%{http_code}", "-o", "/dev/null", s.http_url() + "/slow"}); });
    s.gate.wait_for_waiter();
    // The slow handler holds a worker; accepting, parsing and other handlers go on.
    TempDir work("slow");
    for (int i = 0; i < 3; ++i) {
        auto [status, body] = fetch({s.http_url() + "/open"}, work);
        BOOST_TEST(status == "200");
    }
    s.gate.open();
    BOOST_TEST(slow.get().output == "200");
}

BOOST_AUTO_TEST_CASE(cpprestsdk_client_over_https_gets_json_and_a_request_id) {
    InProcessServer s;
    web::http::client::http_client_config config;
    std::string root = s.signd.root_ca_pem();
    config.set_ssl_context_callback([root](boost::asio::ssl::context& context) { context.load_verify_file(root); });
    web::http::client::http_client client(U(s.https_url()), config);
    auto response = client.request(web::http::methods::GET, U("/open?name=%C4%90%C3%A0+N%E1%BA%B5ng")).get();
    BOOST_TEST(response.status_code() == 200);
    BOOST_TEST(response.headers().has(U("X-Request-Id")));
    auto body = nlohmann::json::parse(response.extract_utf8string(true).get());
    BOOST_TEST(body["query"]["name"] == "Đà Nẵng");
}

BOOST_AUTO_TEST_SUITE_END()
