#include "xades_support.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "token_pki.h"

namespace sign::test {

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::vector<uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }
std::string text_of(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

std::vector<uint8_t> sample(const std::string& name) { return read_bytes(std::filesystem::path(XML_SAMPLES) / name); }

FixedClock signing_clock() {
    // make-test-pki issues one certificate after another, seconds apart: a second after the last
    // signer's certificate begins is inside every signer certificate's validity.
    auto& pki = TokenPki::shared();
    auto latest = pki.certificate("leader").not_before();
    for (const char* label : {"citizen", "agency-seal"}) latest = std::max(latest, pki.certificate(label).not_before());
    return FixedClock(std::chrono::time_point_cast<std::chrono::seconds>(latest + std::chrono::seconds(1)));
}

CommandResult xmlsec_verify(const std::filesystem::path& signature_file, const std::string& detached_uri,
                            const std::filesystem::path& detached_file) {
    auto& pki = TokenPki::shared();
    std::vector<std::string> argv = {"xmlsec1", "--verify",
                                     "--trusted-pem", pki.path("certs/root-ca.pem"),
                                     "--untrusted-pem", pki.path("certs/issuing-ca.pem"),
                                     "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties"};
    if (detached_uri.empty()) {
        argv.insert(argv.end(), {"--enabled-reference-uris", "empty,same-doc"});
    } else {
        argv.insert(argv.end(), {"--enabled-reference-uris", "same-doc,remote", "--url-map:" + detached_uri, detached_file.string()});
    }
    argv.push_back(signature_file.string());
    return run_command(argv);
}

LocalTsa& LocalTsa::shared() {
    static LocalTsa tsa;
    return tsa;
}

LocalTsa::LocalTsa() {
    auto& pki = TokenPki::shared();
    key_ = std::make_unique<hsm::PrivateKey>(pki.key("tsa"));
    std::vector<Certificate> chain;
    chain.push_back(pki.certificate("issuing-ca"));
    authority_ = std::make_unique<TimestampAuthority>(pki.certificate("tsa"), *key_, std::move(chain), clock_);
}

TimestampClient LocalTsa::client() const {
    auto& pki = TokenPki::shared();
    std::vector<Certificate> intermediates;
    intermediates.push_back(pki.certificate("issuing-ca"));
    return TimestampClient::local(*authority_, pki.certificate("root-ca"), std::move(intermediates), clock_);
}

bool verified(const CommandResult& result) {
    return result.exit_code == 0 && result.output.find("OK") != std::string::npos &&
           result.output.find("FAIL") == std::string::npos;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("'" + from + "' not found");
    return text.replace(at, from.size(), to);
}

}  // namespace sign::test
