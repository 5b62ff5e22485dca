#include "sign/install_paths.h"

#include <system_error>

namespace sign::install_paths {

std::filesystem::path program_dir() {
    std::error_code error;
    auto program = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::filesystem::path() : program.parent_path();
}

std::filesystem::path under_prefix(std::string_view relative) { return program_dir().parent_path() / relative; }

}  // namespace sign::install_paths
