#pragma once
// PINs typed at a terminal: asked on stderr, read from stdin with echo off, so
// that neither the screen nor a scroll-back buffer keeps them.

#include <string>

namespace sign::data_folder {

/// Prints `question` on stderr and reads one line from stdin without echo. The caller checks
/// first that stdin is a terminal.
std::string read_hidden_line(const std::string& question);

}  // namespace sign::data_folder
