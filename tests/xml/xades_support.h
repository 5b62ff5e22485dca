#pragma once
// Shared by the XAdES tests: the sample documents, files in and out, and the independent check,
// `xmlsec1 --verify` trusting the test PKI's root.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "sign/clock.h"
#include "sign/hsm/token.h"
#include "sign/signer.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_client.h"

namespace sign::test {

std::vector<uint8_t> read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> bytes_of(const std::string& text);
std::string text_of(const std::vector<uint8_t>& bytes);

/// tests/xml/samples/<name>.
std::vector<uint8_t> sample(const std::string& name);

/// A signing time inside the validity of every signer certificate of the test PKI, the same for the whole run.
FixedClock signing_clock();

/// `xmlsec1 --verify` of `signature_file` against the test PKI (root trusted, issuing CA untrusted),
/// with the XAdES Id attributes registered. For a detached signature, `detached_uri` is mapped to
/// `detached_file`.
CommandResult xmlsec_verify(const std::filesystem::path& signature_file, const std::string& detached_uri = {},
                            const std::filesystem::path& detached_file = {});

/// The test PKI's TSA (key on the token) in-process, and a verifying client of it.
class LocalTsa {
public:
    static LocalTsa& shared();
    TimestampClient client() const;

private:
    LocalTsa();
    SystemClock clock_;
    std::unique_ptr<hsm::PrivateKey> key_;
    std::unique_ptr<TimestampAuthority> authority_;
};

/// True when xmlsec1 printed OK and exited 0.
bool verified(const CommandResult& result);

/// `text` with the first occurrence of `from` replaced by `to` (which must occur).
std::string replaced(std::string text, const std::string& from, const std::string& to);

}  // namespace sign::test
