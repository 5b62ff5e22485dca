#include "signd_tools.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "signctl_folder.h"

namespace sign::test {

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string certificate_serial(const std::string& pem_path) {
    auto result = openssl({"x509", "-in", pem_path, "-noout", "-serial"});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    std::string serial = result.output.substr(result.output.find('=') + 1);
    while (!serial.empty() && (serial.back() == '\n' || serial.back() == '\r')) serial.pop_back();
    std::transform(serial.begin(), serial.end(), serial.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return serial;
}

void write_text_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    BOOST_TEST_REQUIRE(out.good(), "cannot write " << path);
}

CommandResult curl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"curl", "--silent", "--show-error", "--max-time", "60"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
}

RawConnection::RawConnection(unsigned short port, std::chrono::seconds receive_timeout) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    BOOST_TEST_REQUIRE(fd_ >= 0);
    timeval timeout{};
    timeout.tv_sec = receive_timeout.count();
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    BOOST_TEST_REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                       "cannot connect to port " << port);
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<size_t>(n);
    }
    return true;
}

std::string RawConnection::read_response() {
    std::string got;
    char chunk[4096];
    while (true) {
        size_t header_end = got.find("\r\n\r\n");
        if (header_end != std::string::npos) {
            auto length = header_of(got, "Content-Length");
            size_t want = header_end + 4 + (length ? std::stoul(*length) : 0);
            if (got.size() >= want) return got;
        }
        ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return got;
        got.append(chunk, static_cast<size_t>(n));
    }
}

bool RawConnection::wait_for_close(std::string& got) {
    char chunk[4096];
    while (true) {
        ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
        if (n == 0) return true;
        if (n < 0) return errno == ECONNRESET;
        got.append(chunk, static_cast<size_t>(n));
    }
}

bool can_connect(unsigned short port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    BOOST_TEST_REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return connected;
}

int status_of(const std::string& response) {
    if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
    return std::stoi(response.substr(9, 3));
}

std::optional<std::string> header_of(const std::string& response, const std::string& name) {
    size_t header_end = response.find("\r\n\r\n");
    std::istringstream lines(response.substr(0, header_end));
    std::string line;
    auto lower = [](std::string text) {
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
        return text;
    };
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        if (lower(line.substr(0, colon)) != lower(name)) continue;
        size_t start = line.find_first_not_of(' ', colon + 1);
        return start == std::string::npos ? "" : line.substr(start);
    }
    return std::nullopt;
}

std::string body_of(const std::string& response) {
    size_t header_end = response.find("\r\n\r\n");
    return header_end == std::string::npos ? "" : response.substr(header_end + 4);
}

}  // namespace sign::test
