#pragma once
// Times as a person reads them: in the user's zone, not UTC. The server sends UTC
// ("2026-12-07T07:05:00Z"); --json passes that on unchanged for scripts.

#include <string>

namespace signmobile::cli {

/// The zone times are shown in: `option` (--tz) when given, else $TZ when set and not empty,
/// else Asia/Ho_Chi_Minh (the city's zone). Throws CliError (usage) for a zone this system
/// does not know, naming where it came from.
std::string display_zone(const std::string& option);

/// Makes `zone` the zone every later display_time() uses.
void use_display_zone(const std::string& zone);

/// "2026-12-07 14:05:00 +07:00" for "2026-12-07T07:05:00Z" at +07:00; a text that is not such a
/// time is returned as it is, so a surprise from the server is still shown.
std::string display_time(const std::string& utc);

}  // namespace signmobile::cli
