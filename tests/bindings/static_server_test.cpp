// The client against a real TLS server that says what the test wants it to say:
// `openssl s_server -WWW` serving files. A request whose approvalChallenge was
// altered is refused, and a certificate from another CA stops every call.

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "command.h"
#include "sdk_buffers.h"
#include "signmobile.h"
#include "temp_dir.h"

using namespace sign::test;

namespace {

unsigned short free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

bool accepts(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

// A self-signed P-256 certificate for localhost, its own CA.
void make_certificate(const std::filesystem::path& dir, const std::string& name) {
    auto made = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                             "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext",
                             "subjectAltName=DNS:localhost", "-keyout", (dir / (name + "-key.pem")).string(), "-out",
                             (dir / (name + ".pem")).string()});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
}

// openssl s_server -WWW in `root`, on a free loopback port, killed at the end.
class StaticTlsServer {
public:
    StaticTlsServer(const std::filesystem::path& root, const std::filesystem::path& cert, const std::filesystem::path& key)
        : port_(free_port()) {
        pid_ = ::fork();
        BOOST_TEST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            if (::chdir(root.c_str()) != 0) _exit(126);
            std::string accept = "127.0.0.1:" + std::to_string(port_);
            ::execlp("openssl", "openssl", "s_server", "-quiet", "-WWW", "-accept", accept.c_str(), "-cert",
                     cert.c_str(), "-key", key.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int attempt = 0; attempt < 200 && !accepts(port_); ++attempt)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        BOOST_TEST_REQUIRE(accepts(port_), "openssl s_server did not start");
    }
    ~StaticTlsServer() {
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    std::string url() const { return "https://localhost:" + std::to_string(port_); }

private:
    unsigned short port_;
    pid_t pid_ = -1;
};

const char* const request_id = "Zb3xQ9mK2pL7vN4tR8sW1a";

nlohmann::json device_request() {
    return nlohmann::json::parse(R"({
      "id": "Zb3xQ9mK2pL7vN4tR8sW1a", "state": "pending", "signer": "leader-an",
      "displayText": "Ký Quyết định", "createdAt": "2026-11-27T09:00:00Z", "expiresAt": "2026-11-27T09:05:00Z",
      "completedAt": null, "error": null, "clientName": "DMS",
      "nonce": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
      "documents": [{"index": 0, "title": "Quyết định.pdf", "type": "pdf",
        "sha256": "c3edd3c1ec98511a37eb7c14349e94ba0584af31d80156b634f7387d65b62c14",
        "digestAlgorithm": "sha256", "digest": "7d4da201bbf5aca70982113ecb7a572a8089bc35a1aa64959adfb4b6f3a14b7e"}]})");
}

std::string approve_challenge(const nlohmann::json& request) {
    char* text = nullptr;
    BOOST_TEST_REQUIRE(sm_approval_challenge(request.dump().c_str(), "approve", &text) == SM_OK, sm_last_error());
    SmText owned(text);
    return text;
}

void serve(const std::filesystem::path& root, const std::string& id, const nlohmann::json& body) {
    auto folder = root / "api/v1/device/signature-requests";
    std::filesystem::create_directories(folder);
    std::ofstream(folder / id) << body.dump();
}

struct Fixture {
    TempDir dir{"signmobile-static"};
    SmKey key;
    Fixture() {
        make_certificate(dir.path(), "server");
        make_certificate(dir.path(), "other");
        sm_key* generated = nullptr;
        BOOST_TEST_REQUIRE(sm_key_generate(&generated) == SM_OK);
        key.reset(generated);
    }
    SmClient client(const std::string& url, const std::string& ca) {
        sm_client* made = nullptr;
        BOOST_TEST_REQUIRE(sm_client_new(url.c_str(), ca.c_str(), &made) == SM_OK, sm_last_error());
        SmClient owned(made);
        BOOST_TEST_REQUIRE(sm_client_set_device(made, "dEvIcE_id-0123456789abc", sm_key_signer(key.get())) == SM_OK);
        return owned;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client_against_a_static_tls_server, Fixture)

BOOST_AUTO_TEST_CASE(a_request_whose_challenge_matches_is_returned_as_sent) {
    auto request = device_request();
    request["approvalChallenge"] = approve_challenge(request);
    serve(dir.path() / "www", request_id, request);
    StaticTlsServer server(dir.path() / "www", dir / "server.pem", dir / "server-key.pem");
    auto sdk = client(server.url(), (dir / "server.pem").string());
    char* json = nullptr;
    BOOST_TEST_REQUIRE(sm_request_get(sdk.get(), request_id, &json) == SM_OK, sm_last_error());
    SmText owned(json);
    BOOST_TEST(nlohmann::json::parse(json) == request);
}

BOOST_AUTO_TEST_CASE(an_altered_challenge_is_refused) {
    auto request = device_request();
    // The server's text names another digest than the fields show: the phone would sign something unseen.
    auto altered = approve_challenge(request);
    altered.replace(altered.find("7d4da201"), 8, "00000000");
    request["approvalChallenge"] = altered;
    serve(dir.path() / "www", request_id, request);
    StaticTlsServer server(dir.path() / "www", dir / "server.pem", dir / "server-key.pem");
    auto sdk = client(server.url(), (dir / "server.pem").string());
    char* json = nullptr;
    BOOST_TEST(sm_request_get(sdk.get(), request_id, &json) == SM_ERR_CHALLENGE_MISMATCH);
    BOOST_TEST(json == nullptr);
    // Approving it anyway is refused before anything is sent.
    BOOST_TEST(sm_request_approve(sdk.get(), request.dump().c_str(), "1234", nullptr) == SM_ERR_CHALLENGE_MISMATCH);
    BOOST_TEST(sm_request_reject(sdk.get(), request.dump().c_str(), nullptr) == SM_ERR_CHALLENGE_MISMATCH);
}

BOOST_AUTO_TEST_CASE(another_request_than_asked_is_refused) {
    auto request = device_request();
    request["approvalChallenge"] = approve_challenge(request);
    serve(dir.path() / "www", "AAAAAAAAAAAAAAAAAAAAAA", request);
    StaticTlsServer server(dir.path() / "www", dir / "server.pem", dir / "server-key.pem");
    auto sdk = client(server.url(), (dir / "server.pem").string());
    char* json = nullptr;
    BOOST_TEST(sm_request_get(sdk.get(), "AAAAAAAAAAAAAAAAAAAAAA", &json) == SM_ERR_PROTOCOL);
    BOOST_TEST(json == nullptr);
}

BOOST_AUTO_TEST_CASE(a_certificate_from_another_ca_stops_the_call) {
    auto request = device_request();
    request["approvalChallenge"] = approve_challenge(request);
    serve(dir.path() / "www", request_id, request);
    StaticTlsServer server(dir.path() / "www", dir / "server.pem", dir / "server-key.pem");
    auto sdk = client(server.url(), (dir / "other.pem").string());
    char* json = nullptr;
    BOOST_TEST(sm_request_get(sdk.get(), request_id, &json) == SM_ERR_NETWORK);
    BOOST_TEST(std::string(sm_last_error()).find("certificate") != std::string::npos, sm_last_error());
    BOOST_TEST(json == nullptr);
}

BOOST_AUTO_TEST_CASE(only_https_urls_and_ids_that_are_ids) {
    sm_client* made = nullptr;
    BOOST_TEST(sm_client_new("http://localhost:1", (dir / "server.pem").c_str(), &made) == SM_ERR_INVALID_ARGUMENT);
    BOOST_TEST(made == nullptr);
    BOOST_TEST(sm_client_new("https://localhost:1/?x=1", (dir / "server.pem").c_str(), &made) == SM_ERR_INVALID_ARGUMENT);
    auto sdk = client("https://localhost:1", (dir / "server.pem").string());
    char* json = nullptr;
    BOOST_TEST(sm_request_get(sdk.get(), "../devices", &json) == SM_ERR_INVALID_ARGUMENT);
    BOOST_TEST(sm_requests_list(sdk.get(), 26, &json) == SM_ERR_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(a_closed_port_is_a_network_failure) {
    auto sdk = client("https://localhost:" + std::to_string(free_port()), (dir / "server.pem").string());
    char* json = nullptr;
    BOOST_TEST(sm_requests_list(sdk.get(), 0, &json) == SM_ERR_NETWORK);
    BOOST_TEST(sm_last_http_status() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
