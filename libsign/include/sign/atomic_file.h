#pragma once
// Writes a file so that readers see either the old content or the whole new
// content, never a half-written file, even if the process dies mid-way.

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace sign {

/// Writes `content` to a temporary file beside `path`, syncs it, and renames it over `path`.
void write_file_atomically(const std::string& path, const std::string& content, mode_t mode = 0644);

/// The whole content of a file; throws sign::Error(not_found) when it cannot be read.
std::vector<uint8_t> read_file(const std::string& path);

}  // namespace sign
