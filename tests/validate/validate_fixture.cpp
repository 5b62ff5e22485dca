#include "validate_fixture.h"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

#include <openssl/pem.h>

#include "sign/distinguished_name.h"

namespace sign::test {

using namespace std::chrono_literals;

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

ValidatePki& ValidatePki::shared() {
    static ValidatePki instance;
    return instance;
}

ValidatePki::ValidatePki() : pki(TestPki::shared()) {
    const IssuedLeaf& leaf = pki.leaves.at("tsa");
    std::vector<Certificate> chain;
    chain.push_back(pki.sub.copy());
    tsa = std::make_unique<TimestampAuthority>(leaf.certificate.copy(), *leaf.key, std::move(chain), clock);
}

TimestampClient ValidatePki::tsa_client(const Clock& at) const {
    std::vector<Certificate> intermediates;
    intermediates.push_back(pki.sub.copy());
    return TimestampClient::local(*tsa, pki.root.copy(), std::move(intermediates), at);
}

IssuedLeaf ValidatePki::issue(const std::string& subject, const std::string& key_algorithm, std::optional<int> validity_days,
                              const std::string& profile) {
    auto key = std::make_unique<SoftwareKey>(SoftwareKey::generate(key_algorithm));
    IssuanceRequest request;
    request.profile = profile;
    request.subject = DistinguishedName::parse(subject);
    request.public_key = key->public_key();
    request.validity_days = validity_days;
    Certificate certificate = pki.sub_ca->issue(request, std::chrono::system_clock::now() - 5min);
    pki.registry.add(certificate.serial_hex());
    return IssuedLeaf{profile, std::move(key), std::move(certificate)};
}

Signer ValidatePki::signer(const IssuedLeaf& leaf, SignatureScheme scheme, const std::string& digest, bool with_chain) const {
    std::vector<Certificate> chain;
    if (with_chain) chain.push_back(pki.sub.copy());
    return Signer{*leaf.key, leaf.certificate.copy(), std::move(chain), scheme, digest};
}

std::vector<std::uint8_t> ValidatePki::issuing_crl(const std::vector<RevokedCertificate>& revoked, TimePoint this_update) const {
    static std::uint64_t number = 1;
    X509CrlPtr crl = build_crl(pki.sub, pki.sub_key, revoked, number++, this_update, this_update + std::chrono::hours(24 * 7));
    return crl_to_der(crl.get());
}

std::vector<std::uint8_t> ValidatePki::root_crl(TimePoint this_update) const {
    static std::uint64_t number = 1;
    X509CrlPtr crl = build_crl(pki.root, pki.root_key, {}, number++, this_update, this_update + std::chrono::hours(24 * 30));
    return crl_to_der(crl.get());
}

validate::ValidationOptions ValidatePki::options(std::optional<TimePoint> crl_time, const std::vector<RevokedCertificate>& revoked) const {
    validate::ValidationOptions options;
    options.trust.trust_anchors.push_back(pki.root.copy());
    TimePoint at = crl_time.value_or(std::chrono::system_clock::now());
    options.extra.crls.push_back(issuing_crl(revoked, at));
    options.extra.crls.push_back(root_crl(at));
    return options;
}

void ValidatePki::write_pem_files(const IssuedLeaf& leaf, const std::filesystem::path& folder) const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), leaf.key->native(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    write_bytes(folder / "key.pem", std::vector<std::uint8_t>(data, data + length));
    write_bytes(folder / "cert.pem", bytes_of(leaf.certificate.to_pem()));
    write_bytes(folder / "chain.pem", bytes_of(pki.sub.to_pem()));
    write_bytes(folder / "root.pem", bytes_of(pki.root.to_pem()));
}

std::vector<std::uint8_t> sign_with_libsign(const Signer& signer, const std::vector<std::uint8_t>& content, bool detached, bool timestamp) {
    auto& fixture = ValidatePki::shared();
    CadesOptions options;
    options.detached = detached;
    options.level = timestamp ? SignatureLevel::b_t : SignatureLevel::b_b;
    TimestampClient client = fixture.tsa_client(fixture.clock);
    return sign_cades(signer, content, options, fixture.clock, timestamp ? &client : nullptr);
}

std::vector<std::uint8_t> sign_with_openssl(const std::filesystem::path& folder, const std::vector<std::uint8_t>& content,
                                            bool detached, const std::vector<std::string>& extra) {
    write_bytes(folder / "content.bin", content);
    std::vector<std::string> argv{"openssl", "cms", "-sign", "-cades", "-binary", "-in", (folder / "content.bin").string(),
                                  "-signer", (folder / "cert.pem").string(), "-inkey", (folder / "key.pem").string(),
                                  "-certfile", (folder / "chain.pem").string(), "-outform", "DER",
                                  "-out", (folder / "signature.der").string()};
    if (!detached) argv.push_back("-nodetach");
    argv.insert(argv.end(), extra.begin(), extra.end());
    CommandResult result = run_command(argv);
    BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "openssl cms -sign failed: " << result.output);
    return read_bytes(folder / "signature.der");
}

int openssl_cms_verify(const std::filesystem::path& folder, const std::vector<std::uint8_t>& signature,
                       const std::vector<std::uint8_t>* detached_content) {
    write_bytes(folder / "verify.der", signature);
    std::vector<std::string> argv{"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", (folder / "verify.der").string(),
                                  "-CAfile", (folder / "root.pem").string(), "-certfile", (folder / "chain.pem").string(),
                                  "-purpose", "any", "-out", (folder / "verified.bin").string()};
    if (detached_content) {
        write_bytes(folder / "verify-content.bin", *detached_content);
        argv.insert(argv.end(), {"-content", (folder / "verify-content.bin").string()});
    }
    return run_command(argv).exit_code;
}

const validate::SignatureReport& only(const validate::ValidationReport& report) {
    BOOST_REQUIRE_EQUAL(report.signatures.size(), 1u);
    return report.signatures.front();
}

std::string verdict(const validate::SignatureReport& signature) {
    std::string out = validate::to_string(signature.indication);
    if (signature.sub_indication) out += "/" + validate::to_string(*signature.sub_indication);
    return out;
}

bool has_finding(const validate::SignatureReport& signature, const std::string& code) {
    for (const auto& item : signature.findings)
        if (item.code == code) return true;
    return false;
}

std::string finding_text(const validate::SignatureReport& signature, const std::string& code) {
    for (const auto& item : signature.findings)
        if (item.code == code) return item.vi;
    return {};
}

}  // namespace sign::test
