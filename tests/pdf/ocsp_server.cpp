#include "ocsp_server.h"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "token_pki.h"

namespace sign::test {

namespace {

constexpr int kPort = 8443;  // from the certificates' authorityInfoAccess

std::vector<std::uint8_t> url_base64_decode(const std::string& encoded) {
    std::string text;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%' && i + 2 < encoded.size()) {
            text.push_back(static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            text.push_back(encoded[i]);
        }
    }
    std::vector<std::uint8_t> out(text.size());
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return {};
    while (!text.empty() && text.back() == '=') text.pop_back(), --n;
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace

OcspServer& OcspServer::shared() {
    static OcspServer server;
    return server;
}

OcspServer::OcspServer() {
    auto& pki = TokenPki::shared();
    store_ = std::make_unique<store::CertificateStore>(pki.path("sign.db"));
    keys_.push_back(std::make_unique<hsm::PrivateKey>(pki.key("ocsp")));
    responders_.push_back(std::make_unique<OcspResponder>(pki.certificate("issuing-ca"), pki.certificate("ocsp"),
                                                          *keys_.back(), *store_));

    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(kPort);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE_MESSAGE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                          "cannot listen on 127.0.0.1:" << kPort << " for the test PKI's OCSP responder");
    BOOST_REQUIRE(listen(listener_, 8) == 0);
    thread_ = std::thread([this] { serve(); });
}

OcspServer::~OcspServer() {
    stopping_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    if (thread_.joinable()) thread_.join();
}

std::vector<std::uint8_t> OcspServer::answer(const std::vector<std::uint8_t>& request) const {
    // One responder, for the issuing CA; it answers "unknown" for certificates of other issuers.
    return responders_.front()->respond(request, std::chrono::system_clock::now());
}

void OcspServer::serve() {
    while (!stopping_) {
        int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (stopping_) return;
            continue;
        }
        std::string data;
        char buffer[8192];
        std::size_t header_end = std::string::npos;
        std::size_t content_length = 0;
        while (true) {
            ssize_t n = recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            data.append(buffer, static_cast<std::size_t>(n));
            if (header_end == std::string::npos) {
                header_end = data.find("\r\n\r\n");
                if (header_end != std::string::npos) {
                    auto at = data.find("Content-Length:");
                    if (at == std::string::npos) at = data.find("content-length:");
                    if (at != std::string::npos && at < header_end) content_length = std::stoul(data.substr(at + 15));
                }
            }
            if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
        }
        std::vector<std::uint8_t> request;
        if (data.rfind("POST", 0) == 0 && header_end != std::string::npos) {
            request.assign(data.begin() + static_cast<long>(header_end + 4), data.end());
        } else if (data.rfind("GET /ocsp/", 0) == 0) {
            auto end = data.find(' ', 10);
            request = url_base64_decode(data.substr(10, end - 10));
        }
        std::vector<std::uint8_t> response;
        try {
            response = answer(request);
        } catch (...) {
        }
        std::string head = "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: " +
                           std::to_string(response.size()) + "\r\nConnection: close\r\n\r\n";
        send(client, head.data(), head.size(), MSG_NOSIGNAL);
        send(client, response.data(), response.size(), MSG_NOSIGNAL);
        close(client);
    }
}

}  // namespace sign::test
