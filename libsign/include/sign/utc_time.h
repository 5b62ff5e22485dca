#pragma once
// Times as text: ISO 8601 in UTC ("2026-11-27T02:15:42Z") for storage and
// machine output. The project keeps every time in UTC inside.

#include <chrono>
#include <string>
#include <string_view>

namespace sign {

/// "YYYY-MM-DDThh:mm:ssZ", seconds precision.
std::string format_utc(std::chrono::system_clock::time_point time);
/// Parses what format_utc() writes; throws sign::Error(invalid_input) otherwise.
std::chrono::system_clock::time_point parse_utc(std::string_view text);

}  // namespace sign
