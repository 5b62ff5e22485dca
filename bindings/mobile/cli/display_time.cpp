#include "display_time.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <regex>

#include "cli_error.h"

namespace signmobile::cli {

namespace {

const char* const city_zone = "Asia/Ho_Chi_Minh";
// Vietnam's rule (no daylight saving since 1975) in POSIX form, for systems without tzdata.
const char* const city_zone_rule = "<+07>-7";

std::filesystem::path zoneinfo_dir() {
    const char* dir = std::getenv("TZDIR");
    return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

// glibc reads any TZ it cannot find as UTC without a word, so a misspelt zone would show UTC
// times labelled as the user's: the zone must be a tzdata file or a POSIX rule with an offset.
bool known_zone(std::string zone) {
    if (!zone.empty() && zone.front() == ':') zone.erase(0, 1);
    if (zone.empty()) return false;
    static const std::regex posix_rule(R"(^([A-Za-z]{3,}|<[A-Za-z0-9+-]{1,}>)[+-]?\d{1,2}(:\d{2}){0,2}([A-Za-z<].*)?$)");
    if (std::regex_match(zone, posix_rule)) return true;
    if (zone.find("..") != std::string::npos) return false;
    std::filesystem::path file = zone.front() == '/' ? std::filesystem::path(zone) : zoneinfo_dir() / zone;
    std::error_code error;
    return std::filesystem::is_regular_file(file, error);
}

}  // namespace

std::string display_zone(const std::string& option) {
    if (!option.empty()) {
        if (!known_zone(option))
            throw CliError(exit_usage, "unknown_time_zone",
                           "--tz " + option + " is not a time zone this system knows (e.g. Asia/Ho_Chi_Minh, UTC)");
        return option;
    }
    const char* from_environment = std::getenv("TZ");
    if (from_environment != nullptr && *from_environment != '\0') {
        if (!known_zone(from_environment))
            throw CliError(exit_usage, "unknown_time_zone",
                           std::string("TZ=") + from_environment +
                               " is not a time zone this system knows; set TZ to e.g. Asia/Ho_Chi_Minh or pass --tz");
        return from_environment;
    }
    return known_zone(city_zone) ? city_zone : city_zone_rule;
}

void use_display_zone(const std::string& zone) {
    ::setenv("TZ", zone.c_str(), 1);
    ::tzset();
}

std::string display_time(const std::string& utc) {
    std::tm parsed{};
    char zulu = 0;
    char rest = 0;
    if (std::sscanf(utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &parsed.tm_year, &parsed.tm_mon, &parsed.tm_mday,
                    &parsed.tm_hour, &parsed.tm_min, &parsed.tm_sec, &zulu, &rest) != 7 ||
        zulu != 'Z')
        return utc;
    parsed.tm_year -= 1900;
    parsed.tm_mon -= 1;
    std::time_t instant = ::timegm(&parsed);
    std::tm local{};
    if (instant == static_cast<std::time_t>(-1) || ::localtime_r(&instant, &local) == nullptr) return utc;
    char text[32] = {};
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    long offset_minutes = local.tm_gmtoff / 60;
    char offset[32] = {};
    std::snprintf(offset, sizeof offset, "%c%02ld:%02ld", offset_minutes < 0 ? '-' : '+',
                  std::labs(offset_minutes) / 60, std::labs(offset_minutes) % 60);
    return std::string(text) + " " + offset;
}

}  // namespace signmobile::cli
