// PIN input. The terminal is /dev/tty, not stdin, so `signmobile ... --json | jq` still prompts.

#include "terminal.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "cli_error.h"

namespace signmobile::cli {

std::string read_pin_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw CliError(exit_invalid_input, "pin_file_unreadable", "cannot read the PIN file " + path);
    std::string pin;
    std::getline(file, pin);
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    if (pin.empty()) throw CliError(exit_invalid_input, "pin_file_empty", "the PIN file " + path + " is empty");
    return pin;
}

std::optional<std::string> prompt_hidden(const std::string& prompt) {
    int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY);
    if (tty < 0) return std::nullopt;
    termios saved{};
    if (::tcgetattr(tty, &saved) != 0) {
        ::close(tty);
        return std::nullopt;
    }
    termios hidden = saved;
    hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    hidden.c_lflag |= ECHONL;
    ::tcsetattr(tty, TCSAFLUSH, &hidden);
    (void)!::write(tty, prompt.data(), prompt.size());
    std::string line;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n') line += c;
    ::tcsetattr(tty, TCSAFLUSH, &saved);
    ::close(tty);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace signmobile::cli
