#pragma once
// What the signd tests share: files, curl, and a raw TCP client for
// requests no well-behaved HTTP client would send.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "command.h"

namespace sign::test {

std::string read_text_file(const std::string& path);
/// The serial of a PEM certificate as openssl reads it, in our canonical lower-case hex.
std::string certificate_serial(const std::string& pem_path);
void write_text_file(const std::string& path, const std::string& content);

/// Runs `curl --silent --show-error args...`.
CommandResult curl(const std::vector<std::string>& args);

/// One plain TCP connection to 127.0.0.1:port with blocking sends and a receive timeout.
class RawConnection {
public:
    /// Connects; fails the test when it cannot.
    explicit RawConnection(unsigned short port, std::chrono::seconds receive_timeout = std::chrono::seconds(30));
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    /// Sends all of `bytes`; false when the peer has closed.
    bool send(const std::string& bytes);
    /// Reads until one complete HTTP response (header and Content-Length body) has arrived, the
    /// peer closes, or the receive timeout passes.
    std::string read_response();
    /// Reads until the peer closes (true) or the receive timeout passes (false); what came is appended to `got`.
    bool wait_for_close(std::string& got);

private:
    int fd_ = -1;
};

/// True when something accepts TCP connections on 127.0.0.1:port.
bool can_connect(unsigned short port);

/// The status code of a raw HTTP response, or 0.
int status_of(const std::string& response);
/// A header's value in a raw HTTP response (name case-insensitive).
std::optional<std::string> header_of(const std::string& response, const std::string& name);
/// The body of a raw HTTP response.
std::string body_of(const std::string& response);

}  // namespace sign::test
