#pragma once
// Small helpers shared by the harnesses.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

namespace sign::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// A file holding the input, for parsers that read files (PDF, TOML); removed when it goes.
class InputFile {
public:
    InputFile(const std::uint8_t* data, std::size_t size, const std::string& extension)
        : path_(std::filesystem::temp_directory_path() /
                ("sign-fuzz-" + std::to_string(::getpid()) + extension)) {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    ~InputFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace sign::fuzz
