// Profile files, written so a crash leaves the old file or the new one, never half of either.

#include "profile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_error.h"

namespace signmobile::cli {

std::string default_profile_dir() {
    if (const char* env = std::getenv("SIGNMOBILE_PROFILE"); env && *env) return env;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.config/signmobile";
}

Profile load_profile(const std::string& dir) {
    auto path = Profile::device_file(dir);
    std::ifstream file(path);
    if (!file)
        throw CliError(exit_invalid_input, "not_enrolled",
                       "no device profile at " + dir + " (run `signmobile enrol` first, or pass --profile)");
    std::stringstream text;
    text << file.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    auto string_at = [&](const char* key) -> std::string {
        if (!json.is_object() || !json.contains(key) || !json[key].is_string())
            throw CliError(exit_invalid_input, "profile_broken", path + " has no \"" + key + "\" string");
        return json[key].get<std::string>();
    };
    Profile profile;
    profile.dir = std::filesystem::absolute(dir).string();
    profile.server = string_at("server");
    auto ca = std::filesystem::path(string_at("ca"));
    profile.ca_file = (ca.is_absolute() ? ca : std::filesystem::path(profile.dir) / ca).string();
    profile.device_id = string_at("deviceId");
    profile.signer = json.value("signer", nlohmann::json::object());
    return profile;
}

void save_profile(const Profile& profile) {
    nlohmann::json json{{"server", profile.server},
                        {"ca", std::filesystem::relative(profile.ca_file, profile.dir).string()},
                        {"deviceId", profile.device_id},
                        {"signer", profile.signer}};
    write_file_atomically(Profile::device_file(profile.dir), json.dump(2) + "\n", 0600);
}

void write_file_atomically(const std::string& path, const std::string& bytes, unsigned mode) {
    std::string temporary = path + ".tmp-XXXXXX";
    int fd = ::mkstemp(temporary.data());
    auto fail = [&](const std::string& what) {
        std::string reason = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        ::unlink(temporary.c_str());
        throw CliError(exit_invalid_input, "write_failed", "cannot " + what + " " + path + ": " + reason);
    };
    if (fd < 0) throw CliError(exit_invalid_input, "write_failed", "cannot create a file next to " + path + ": " + std::strerror(errno));
    if (::fchmod(fd, mode) != 0) fail("set the mode of");
    size_t written = 0;
    while (written < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("write");
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) fail("sync");
    if (::close(fd) != 0) {
        fd = -1;
        fail("close");
    }
    fd = -1;
    if (::rename(temporary.c_str(), path.c_str()) != 0) fail("rename into place");
}

}  // namespace signmobile::cli
