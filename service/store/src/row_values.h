#pragma once
// How the stores write ids and times into rows: ids in one checked form, times
// as integer microseconds so that comparisons (SAD expiry) are exact.

#include <chrono>
#include <cstdint>
#include <string>

namespace sign::store {

/// True for [a-z0-9-]{1,64}, the form of client and signer ids.
bool valid_id(const std::string& id);
/// Microseconds since 1970 UTC, the precision of times the stores compare.
int64_t to_microseconds(std::chrono::system_clock::time_point time);
std::chrono::system_clock::time_point from_microseconds(int64_t microseconds);

}  // namespace sign::store
