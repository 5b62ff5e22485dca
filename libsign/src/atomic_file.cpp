#include "sign/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "sign/error.h"

namespace sign {

namespace {

[[noreturn]] void fail(const std::string& action, const std::string& path) {
    throw Error(ErrorKind::invalid_input, "file_not_writable", action + " " + path + ": " + std::strerror(errno));
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content, mode_t mode) {
    std::filesystem::path target(path);
    std::string temporary = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    if (target.parent_path().empty()) temporary = "." + target.filename().string() + ".XXXXXX";
    int fd = mkstemp(temporary.data());
    if (fd < 0) fail("cannot create a temporary file for", path);
    fchmod(fd, mode);
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = write(fd, content.data() + written, content.size() - written);
        if (n <= 0) {
            close(fd);
            unlink(temporary.c_str());
            fail("cannot write", path);
        }
        written += static_cast<size_t>(n);
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(temporary.c_str());
        fail("cannot flush", path);
    }
    if (rename(temporary.c_str(), path.c_str()) != 0) {
        unlink(temporary.c_str());
        fail("cannot rename into", path);
    }
    // Make the rename itself durable.
    std::string directory = target.parent_path().empty() ? "." : target.parent_path().string();
    int dir_fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir_fd >= 0) {
        fsync(dir_fd);
        close(dir_fd);
    }
}

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::not_found, "file_not_found", "cannot read " + path);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace sign
