#include "cms_fixture.h"

#include <fstream>
#include <iterator>

#include <openssl/evp.h>

namespace sign::test {

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const std::filesystem::path& path, const std::string& text) { write_bytes(path, bytes_of(text)); }

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

std::string hex_of(const std::vector<std::uint8_t>& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (std::uint8_t byte : bytes) {
        hex += digits[byte >> 4];
        hex += digits[byte & 0x0f];
    }
    return hex;
}

std::vector<std::uint8_t> sha256_of(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::uint8_t> hash(32);
    EVP_Digest(bytes.data(), bytes.size(), hash.data(), nullptr, EVP_sha256(), nullptr);
    return hash;
}

LocalTsa& LocalTsa::shared() {
    static LocalTsa tsa;
    return tsa;
}

LocalTsa::LocalTsa() {
    auto& pki = TokenPki::shared();
    key = std::make_unique<hsm::PrivateKey>(pki.key("tsa"));
    std::vector<Certificate> chain;
    chain.push_back(pki.certificate("issuing-ca"));
    authority = std::make_unique<TimestampAuthority>(pki.certificate("tsa"), *key, std::move(chain), clock);
}

TimestampClient LocalTsa::client() const {
    auto& pki = TokenPki::shared();
    std::vector<Certificate> intermediates;
    intermediates.push_back(pki.certificate("issuing-ca"));
    return TimestampClient::local(*authority, pki.certificate("root-ca"), std::move(intermediates), clock);
}

}  // namespace sign::test
