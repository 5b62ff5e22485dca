#pragma once
// Bearer secrets of the stores (API keys, SADs): 256 random bits as base64url
// text, and the SHA-256 that is all the database keeps of them.

#include <cstdint>
#include <string>
#include <vector>

namespace sign::store {

/// 32 random bytes as 43 base64url characters without padding.
std::string new_secret_token();
/// `bytes` random bytes (at most 64) as base64url without padding: 16 give the 22-character ids.
std::string random_base64url(size_t bytes);
/// SHA-256 of the text.
std::vector<uint8_t> sha256_of(const std::string& text);
/// Compares in time independent of where the bytes differ.
bool equal_in_constant_time(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

}  // namespace sign::store
