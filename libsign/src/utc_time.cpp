#include "sign/utc_time.h"

#include <cstdio>
#include <ctime>

#include "sign/error.h"

namespace sign {

std::string format_utc(std::chrono::system_clock::time_point time, UtcFormat format) {
    // Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact.
    std::chrono::seconds offset(format == UtcFormat::vietnam ? 7 * 3600 : 0);
    std::time_t seconds = (std::chrono::floor<std::chrono::seconds>(time) + offset).time_since_epoch().count();
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    const char* pattern = "%Y-%m-%dT%H:%M:%SZ";
    if (format == UtcFormat::vietnam) pattern = "%Y-%m-%dT%H:%M:%S+07:00";
    if (format == UtcFormat::generalized_time) pattern = "%Y%m%d%H%M%SZ";
    if (format == UtcFormat::pdf_date) pattern = "D:%Y%m%d%H%M%SZ";
    char buffer[40];
    std::strftime(buffer, sizeof buffer, pattern, &parts);
    return buffer;
}

std::chrono::system_clock::time_point parse_utc(std::string_view text) {
    std::tm parts{};
    std::string copy(text);
    const char* end = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts);
    if (end == nullptr || *end != '\0')
        throw Error(ErrorKind::invalid_input, "invalid_time", "'" + copy + "' is not a UTC time like 2026-11-27T02:15:42Z");
    return std::chrono::system_clock::from_time_t(timegm(&parts));
}

}  // namespace sign
