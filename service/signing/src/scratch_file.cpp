#include "scratch_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "sign/error.h"

namespace sign::signing {

ScratchFile::ScratchFile(const std::string& prefix, const std::string& suffix) {
    std::string name = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX" + suffix)).string();
    int fd = mkstemps(name.data(), static_cast<int>(suffix.size()));
    if (fd < 0)
        throw Error(ErrorKind::internal, "scratch_file_failed", "cannot create a temporary file: " + std::string(std::strerror(errno)));
    close(fd);
    path_ = name;
}

ScratchFile::~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

void ScratchFile::write(std::span<const uint8_t> bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw Error(ErrorKind::internal, "scratch_file_failed", "cannot write " + path_.string());
}

std::vector<uint8_t> ScratchFile::read() const {
    std::ifstream in(path_, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(ErrorKind::internal, "scratch_file_failed", "cannot read " + path_.string());
    return bytes;
}

}  // namespace sign::signing
