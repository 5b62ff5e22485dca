#pragma once
// Bearer secrets of the stores (API keys, SADs): 256 random bits as base64url
// text, and the SHA-256 that is all the database keeps of them.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sign::store {

/// 32 random bytes as 43 base64url characters without padding.
std::string new_secret_token();
/// SHA-256 of the text.
std::vector<uint8_t> sha256_of(const std::string& text);
/// Compares in time independent of where the bytes differ.
bool equal_in_constant_time(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);
/// True for [a-z0-9-]{1,64}, the form of client and signer ids.
bool valid_id(const std::string& id);
/// Microseconds since 1970 UTC, the precision of times the stores compare.
int64_t to_microseconds(std::chrono::system_clock::time_point time);
std::chrono::system_clock::time_point from_microseconds(int64_t microseconds);

}  // namespace sign::store
