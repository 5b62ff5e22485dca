#pragma once
// Times as text: ISO 8601 in UTC ("2026-11-27T02:15:42Z") for storage and
// machine output. The project keeps every time in UTC inside.

#include <chrono>
#include <string>
#include <string_view>

namespace sign {

/// How a time is shown: UTC with "Z" (storage, machine output), or in Vietnam's zone
/// (Asia/Ho_Chi_Minh, UTC+07:00 all year) with its offset, for people.
enum class TimeDisplay { utc, vietnam };

/// "YYYY-MM-DDThh:mm:ssZ", seconds precision; with TimeDisplay::vietnam the same instant as
/// "YYYY-MM-DDThh:mm:ss+07:00".
std::string format_utc(std::chrono::system_clock::time_point time, TimeDisplay display = TimeDisplay::utc);
/// Parses what format_utc() writes; throws sign::Error(invalid_input) otherwise.
std::chrono::system_clock::time_point parse_utc(std::string_view text);

}  // namespace sign
