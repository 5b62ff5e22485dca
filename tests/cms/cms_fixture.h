#pragma once
// What the CMS and time-stamp tests share: files in and out of temp folders, and
// the test PKI's TSA (certificate "tsa", key on the token) behind a local client.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sign/clock.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_client.h"
#include "token_pki.h"

namespace sign::test {

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
void write_text(const std::filesystem::path& path, const std::string& text);
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);
std::vector<std::uint8_t> bytes_of(const std::string& text);
std::string hex_of(const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> sha256_of(const std::vector<std::uint8_t>& bytes);

/// The test PKI's TSA and its key, kept alive for the whole program.
struct LocalTsa {
    static LocalTsa& shared();
    /// A client of the TSA that trusts only the test root.
    TimestampClient client() const;

    LocalTsa(const LocalTsa&) = delete;
    LocalTsa& operator=(const LocalTsa&) = delete;

    SystemClock clock;
    std::unique_ptr<hsm::PrivateKey> key;
    std::unique_ptr<TimestampAuthority> authority;

private:
    LocalTsa();
};

}  // namespace sign::test
