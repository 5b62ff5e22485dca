#include "mobile_support.h"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include <openssl/ec.h>
#include <openssl/x509.h>

#include "signd_tools.h"
#include "temp_dir.h"
#include "sign/utc_time.h"

namespace sign::test {

namespace {

std::string base64url(const std::string& bytes) {
    std::string text = base64(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (auto& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return text;
}

std::string base64url_decode(std::string text) {
    for (auto& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (text.size() % 4) text += '=';
    return unbase64(text);
}

}  // namespace

std::string base64(const std::string& bytes) {
    std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                 reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(length));
    return text;
}

std::string unbase64(const std::string& text) {
    std::string bytes(text.size() / 4 * 3 + 3, '\0');
    int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                 reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    BOOST_TEST_REQUIRE(length >= 0, "not base64: " << text);
    std::size_t padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : !text.empty() && text.back() == '=' ? 1 : 0;
    bytes.resize(static_cast<std::size_t>(length) - padding);
    return bytes;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

TestDevice::TestDevice() : key_(EVP_EC_gen("P-256")) { BOOST_TEST_REQUIRE(key_ != nullptr); }

TestDevice::~TestDevice() { EVP_PKEY_free(key_); }

std::string TestDevice::public_key_base64() const {
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(key_, &der);
    BOOST_TEST_REQUIRE(length > 0);
    std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return base64(bytes);
}

std::string TestDevice::sign(const std::string& text) const {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    std::size_t length = 0;
    BOOST_TEST_REQUIRE(EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key_) == 1);
    BOOST_TEST_REQUIRE(EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1);
    std::vector<unsigned char> der(length);
    BOOST_TEST_REQUIRE(EVP_DigestSign(context, der.data(), &length, reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1);
    EVP_MD_CTX_free(context);
    const unsigned char* cursor = der.data();
    ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(length));
    BOOST_TEST_REQUIRE(signature != nullptr);
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(signature), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(signature), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(signature);
    return base64url(raw);
}

std::map<std::string, std::string> TestDevice::auth(const std::string& method, const std::string& target) const {
    auto millis = std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    std::string text = "signd-device-auth-v1\n" + id + "\n" + millis + "\n" + method + "\n" + target + "\n";
    return {{"Authorization", "Device " + id + "." + millis + "." + sign(text)}};
}

void add_mobile_signer(const SigndServer& server, const std::string& id, const std::string& label) {
    auto added = server.signctl({"signer", "add", id, "--name", "Người ký " + id, "--cert", certificate_serial(server.certificate(label)),
                                 "--no-pin", "--image", server.data_dir() + "/images/leader-signature.png"});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
}

void enrol(const SigndServer& server, const std::string& signer_id, TestDevice& device, const std::string& pin) {
    auto issued = server.signctl({"--json", "signer", "activation", signer_id});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    auto code = nlohmann::json::parse(issued.output.substr(issued.output.find('{'))).at("code").get<std::string>();
    nlohmann::json body = {{"activationCode", code}, {"publicKey", device.public_key_base64()}, {"pin", pin}, {"name", "Điện thoại thử"}};
    auto enrolled = https(server, "POST", "/api/v1/devices", {}, body.dump(), "application/json");
    BOOST_TEST_REQUIRE(enrolled.status == 201, enrolled.body);
    device.id = enrolled.json().at("deviceId").get<std::string>();
    BOOST_TEST(enrolled.json().at("signer").at("id") == signer_id);
}

Reply device_call(const SigndServer& server, const TestDevice& device, const std::string& method, const std::string& target,
                  const nlohmann::json& body) {
    if (body.is_null()) return https(server, method, target, device.auth(method, target));
    return https(server, method, target, device.auth(method, target), body.dump(), "application/json");
}

store::SignatureRequest request_from_json(const nlohmann::json& details) {
    store::SignatureRequest request;
    request.id = details.at("id");
    request.signer_id = details.at("signer");
    request.expires_at = parse_utc(details.at("expiresAt").get<std::string>());
    std::string nonce = base64url_decode(details.at("nonce"));
    request.nonce.assign(nonce.begin(), nonce.end());
    for (const auto& document : details.at("documents")) {
        store::RequestDocument rebuilt;
        rebuilt.index = document.at("index");
        rebuilt.digest_algorithm = document.at("digestAlgorithm");
        rebuilt.digest = from_hex(document.at("digest"));
        rebuilt.sha256 = from_hex(document.at("sha256"));
        request.documents.push_back(rebuilt);
    }
    return request;
}

nlohmann::json decision_body(const TestDevice& device, const nlohmann::json& details, mobile::Decision decision,
                             const std::string& pin) {
    nlohmann::json body = {{"signature", device.sign(mobile::approval_challenge(request_from_json(details), decision))}};
    if (decision == mobile::Decision::approve) body["pin"] = pin;
    return body;
}

CallbackReceiver::CallbackReceiver(std::vector<int> statuses, unsigned short port) : statuses_(std::move(statuses)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_TEST_REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    BOOST_TEST_REQUIRE(listen(listener_, 16) == 0);
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
}

CallbackReceiver::~CallbackReceiver() {
    stopping_ = true;
    shutdown(listener_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    close(listener_);
}

void CallbackReceiver::serve() {
    while (!stopping_) {
        pollfd waiting{listener_, POLLIN, 0};
        if (poll(&waiting, 1, 100) <= 0) continue;
        int connection = accept(listener_, nullptr, nullptr);
        if (connection < 0) continue;
        timeval timeout{10, 0};
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        std::string data;
        char buffer[8192];
        std::size_t header_end = std::string::npos, body_length = 0;
        while (true) {
            ssize_t got = recv(connection, buffer, sizeof buffer, 0);
            if (got <= 0) break;
            data.append(buffer, static_cast<std::size_t>(got));
            if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
                std::string lower = data.substr(0, header_end);
                for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                auto at = lower.find("content-length:");
                if (at != std::string::npos) body_length = std::stoul(lower.substr(at + 15));
            }
            if (header_end != std::string::npos && data.size() >= header_end + 4 + body_length) break;
        }
        Received received;
        if (header_end != std::string::npos) {
            std::string head = data.substr(0, header_end);
            std::size_t line_start = head.find("\r\n");
            while (line_start != std::string::npos) {
                std::size_t next = head.find("\r\n", line_start + 2);
                std::string line = head.substr(line_start + 2, next == std::string::npos ? std::string::npos : next - line_start - 2);
                auto colon = line.find(':');
                if (colon != std::string::npos) {
                    std::string name = line.substr(0, colon);
                    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    std::string value = line.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                    received.headers[name] = value;
                }
                line_start = next;
            }
            received.body = data.substr(header_end + 4, body_length);
        }
        {
            std::lock_guard lock(mutex_);
            std::size_t answered = received_.size();
            received.answered = answered < statuses_.size() ? statuses_[answered] : 200;
            received_.push_back(received);
        }
        std::string answer = "HTTP/1.1 " + std::to_string(received.answered) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
        close(connection);
    }
}

std::vector<CallbackReceiver::Received> CallbackReceiver::wait_for_delivered(std::size_t count, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        {
            std::lock_guard lock(mutex_);
            std::size_t delivered = static_cast<std::size_t>(
                std::count_if(received_.begin(), received_.end(), [](const Received& r) { return r.answered / 100 == 2; }));
            if (delivered >= count || std::chrono::steady_clock::now() > deadline) return received_;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

void require_valid_callback_signature(const SigndServer& server, const CallbackReceiver::Received& callback) {
    TempDir dir("callback-check");
    auto certificate = https(server, "GET", "/api/v1/callback-certificate");
    BOOST_TEST_REQUIRE(certificate.status == 200, certificate.body);
    write_text_file((dir / "cert.pem").string(), certificate.body);
    auto serial = certificate_serial((dir / "cert.pem").string());
    BOOST_TEST(callback.headers.at("signd-certificate-serial") == serial);
    auto key = run_command({"openssl", "x509", "-in", (dir / "cert.pem").string(), "-pubkey", "-noout", "-out", (dir / "pub.pem").string()});
    BOOST_TEST_REQUIRE(key.exit_code == 0, key.output);
    write_text_file((dir / "body.json").string(), callback.body);
    write_text_file((dir / "signature.bin").string(), unbase64(callback.headers.at("signd-signature")));
    std::vector<std::string> command = {"openssl", "dgst", "-sha256", "-verify", (dir / "pub.pem").string(), "-signature",
                                        (dir / "signature.bin").string()};
    std::string algorithm = callback.headers.at("signd-signature-algorithm");
    if (algorithm == "rsa-pss-sha256")
        command.insert(command.end(), {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"});
    else
        BOOST_TEST(algorithm == "ecdsa-sha256");
    command.push_back((dir / "body.json").string());
    auto verified = run_command(command);
    BOOST_TEST(verified.exit_code == 0, verified.output);
    // And the certificate chains to the test root.
    auto chained = run_command({"openssl", "verify", "-CAfile", server.root_ca_pem(), "-untrusted", server.issuing_ca_pem(),
                                (dir / "cert.pem").string()});
    BOOST_TEST(chained.exit_code == 0, chained.output);
}

}  // namespace sign::test
