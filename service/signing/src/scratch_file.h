#pragma once
// A uniquely named file in the system's temporary folder, removed when it goes
// out of scope: PAdES works on files, the service on bytes in memory.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace sign::signing {

class ScratchFile {
public:
    /// Creates an empty file, private to this user, named "<prefix>-XXXXXX<suffix>".
    ScratchFile(const std::string& prefix, const std::string& suffix);
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    /// Replaces the content.
    void write(std::span<const uint8_t> bytes) const;
    /// The whole content.
    std::vector<uint8_t> read() const;

private:
    std::filesystem::path path_;
};

}  // namespace sign::signing
