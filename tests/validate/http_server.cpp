#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace sign::test {

HttpServer::HttpServer() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener_, 16) != 0)
        throw std::runtime_error("cannot listen on a loopback port");
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
}

HttpServer::~HttpServer() {
    stopping_ = true;
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    if (thread_.joinable()) thread_.join();
    for (auto& worker : workers_)
        if (worker.joinable()) worker.join();
}

void HttpServer::route(const std::string& path, Handler handler) {
    std::lock_guard lock(mutex_);
    routes_[path] = std::move(handler);
}

std::string HttpServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

int HttpServer::hits(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto found = hits_.find(path);
    return found == hits_.end() ? 0 : found->second;
}

void HttpServer::serve() {
    while (!stopping_) {
        int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) continue;
        // One thread per connection, so a deliberately slow answer does not hold up the others.
        std::lock_guard lock(mutex_);
        workers_.emplace_back([this, connection] {
            answer(connection);
            close(connection);
        });
    }
}

void HttpServer::answer(int connection) {
    std::string request;
    char buffer[8192];
    std::size_t header_end = std::string::npos;
    std::size_t content_length = 0;
    while (true) {
        pollfd ready{connection, POLLIN, 0};
        if (poll(&ready, 1, 5000) <= 0) return;
        ssize_t received = recv(connection, buffer, sizeof buffer, 0);
        if (received <= 0) return;
        request.append(buffer, static_cast<std::size_t>(received));
        if (header_end == std::string::npos) {
            header_end = request.find("\r\n\r\n");
            if (header_end != std::string::npos) {
                std::string headers = request.substr(0, header_end);
                for (auto& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                auto at = headers.find("content-length:");
                if (at != std::string::npos) content_length = std::stoul(headers.substr(at + 15));
            }
        }
        if (header_end != std::string::npos && request.size() >= header_end + 4 + content_length) break;
    }
    std::string method = request.substr(0, request.find(' '));
    std::size_t path_start = request.find(' ') + 1;
    std::string path = request.substr(path_start, request.find(' ', path_start) - path_start);
    path = path.substr(0, path.find('?'));
    std::vector<std::uint8_t> body(request.begin() + static_cast<std::ptrdiff_t>(header_end + 4), request.end());
    Handler handler;
    {
        std::lock_guard lock(mutex_);
        ++hits_[path];
        auto found = routes_.find(path);
        if (found != routes_.end()) handler = found->second;
    }
    Response response = handler ? handler(method, body) : Response{404, {}, {}};
    // Waits in small steps so the server's destructor is not held up by a long delay.
    for (auto waited = std::chrono::milliseconds(0); waited < response.delay && !stopping_; waited += std::chrono::milliseconds(20))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + (response.status == 200 ? " OK" : " Error") +
                       "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n";
    std::string out = head + std::string(response.body.begin(), response.body.end());
    std::size_t sent = 0;
    while (sent < out.size()) {
        ssize_t n = send(connection, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace sign::test
