#include "sign/data_folder/hidden_input.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace sign::data_folder {

std::string read_hidden_line(const std::string& question) {
    std::cerr << question << std::flush;
    termios old_mode{};
    tcgetattr(STDIN_FILENO, &old_mode);
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
    std::cerr << "\n";
    return line;
}

}  // namespace sign::data_folder
