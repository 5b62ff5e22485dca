#pragma once
// Times as text: ISO 8601 in UTC ("2026-11-27T02:15:42Z") for storage and
// machine output. The project keeps every time in UTC inside.

#include <chrono>
#include <string>
#include <string_view>

namespace sign {

/// The text forms of a time. Times are UTC inside; `vietnam` is for people (Asia/Ho_Chi_Minh is
/// UTC+07:00 all year).
enum class UtcFormat {
    iso8601,           ///< "2026-11-27T02:15:42Z"
    vietnam,           ///< the same instant as "2026-11-27T09:15:42+07:00" (Decree 30 display)
    generalized_time,  ///< "20261127021542Z", as X.509 and the CSC API write it
    pdf_date,          ///< "D:20261127021542Z", a PDF date string (ISO 32000 7.9.4)
};

/// `time` in `format`, seconds precision.
std::string format_utc(std::chrono::system_clock::time_point time, UtcFormat format = UtcFormat::iso8601);
/// Parses what format_utc() writes; throws sign::Error(invalid_input) otherwise.
std::chrono::system_clock::time_point parse_utc(std::string_view text);

}  // namespace sign
