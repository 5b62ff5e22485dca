#pragma once
// Where a program finds the files installed with it: relative to its own location, so the build
// tree and any installation prefix work without configuration.

#include <filesystem>
#include <string_view>

namespace sign::install_paths {

/// The folder of the running program (from /proc/self/exe); empty when it cannot be read.
std::filesystem::path program_dir();

/// `relative` (e.g. "share/locale") under the installation prefix, the parent of the program's
/// folder (<prefix>/bin/signctl).
std::filesystem::path under_prefix(std::string_view relative);

}  // namespace sign::install_paths
