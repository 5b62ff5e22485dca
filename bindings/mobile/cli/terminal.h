#pragma once
// Where the CLI gets a PIN: a file (for scripts) or a hidden prompt on the terminal.

#include <optional>
#include <string>

namespace signmobile::cli {

/// The PIN in `path`: its first line, without the line break. Throws CliError when unreadable or empty.
std::string read_pin_file(const std::string& path);

/// Asks on the controlling terminal with echo off; nothing when there is no terminal.
std::optional<std::string> prompt_hidden(const std::string& prompt);

}  // namespace signmobile::cli
