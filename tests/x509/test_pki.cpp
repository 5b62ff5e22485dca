#include "test_pki.h"

#include <cstdlib>
#include <fstream>

#include <botan/certstor.h>

#include "sign/distinguished_name.h"

namespace sign::test {
namespace {

Certificate make_root(const ProfileCatalog& profiles, const SoftwareKey& key) {
    return CertificateAuthority::create_root(DistinguishedName::parse(subjects::root), key, profiles.get("root"), std::nullopt,
                                             "sha256", std::chrono::system_clock::now() - std::chrono::hours(1));
}

}  // namespace

std::filesystem::path source_profiles_path() {
    const char* source = std::getenv("SIGN_SOURCE_DIR");
    return std::filesystem::path(source ? source : ".") / "config" / "profiles.toml";
}

TestPki& TestPki::shared() {
    static TestPki pki;
    return pki;
}

TestPki::TestPki()
    : profiles(ProfileCatalog::load(source_profiles_path().string())),
      root_key(SoftwareKey::generate("rsa-3072")),
      sub_key(SoftwareKey::generate("ec-p384")),
      root(make_root(profiles, root_key)),
      sub(root.copy()) {
    CaEndpoints root_endpoints{"http://pki.danang.gov.vn/crl/root.crl", "", "http://pki.danang.gov.vn/certs/root.cer"};
    root_ca = std::make_unique<CertificateAuthority>(root.copy(), root_key, root_endpoints, root_registry, profiles);
    IssuanceRequest request;
    request.profile = "sub-ca";
    request.subject = DistinguishedName::parse(subjects::sub_ca);
    request.public_key = sub_key.public_key();
    sub = root_ca->issue(request, std::chrono::system_clock::now() - std::chrono::minutes(30));
    root_registry.add(sub.serial_hex());
    sub_ca = std::make_unique<CertificateAuthority>(sub.copy(), sub_key, test_endpoints, registry, profiles);

    leaves.emplace("agency", issue("agency", subjects::agency, "rsa-3072"));
    leaves.emplace("leader", issue("leader", subjects::leader, "rsa-2048"));
    leaves.emplace("citizen", issue("citizen", subjects::citizen, "ec-p256"));
    leaves.emplace("tsa", issue("tsa", subjects::tsa, "rsa-2048"));
    leaves.emplace("ocsp", issue("ocsp", subjects::ocsp, "ec-p256"));
    leaves.emplace("tls-server", issue("tls-server", subjects::tls_server, "ec-p256",
                                       {"dichvucong.danang.gov.vn", "www.dichvucong.danang.gov.vn"}));
}

IssuedLeaf TestPki::issue(const std::string& profile, const std::string& subject, const std::string& key_algorithm,
                          std::vector<std::string> dns_names, bool record) {
    auto key = std::make_unique<SoftwareKey>(SoftwareKey::generate(key_algorithm));
    IssuanceRequest request;
    request.profile = profile;
    request.subject = DistinguishedName::parse(subject);
    request.public_key = key->public_key();
    request.dns_names = std::move(dns_names);
    Certificate certificate = sub_ca->issue(request, std::chrono::system_clock::now() - std::chrono::minutes(5));
    if (record) registry.add(certificate.serial_hex());
    return IssuedLeaf{profile, std::move(key), std::move(certificate)};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

Botan::X509_Certificate to_botan(const Certificate& certificate) { return Botan::X509_Certificate(certificate.to_der()); }

Botan::Path_Validation_Result botan_validate(const Certificate& leaf, const Certificate& sub, const Certificate& root,
                                            Botan::Usage_Type usage, const std::string& hostname) {
    Botan::Certificate_Store_In_Memory trusted;
    trusted.add_certificate(to_botan(root));
    std::vector<Botan::X509_Certificate> chain{to_botan(leaf), to_botan(sub)};
    return Botan::x509_path_validate(chain, Botan::Path_Validation_Restrictions(), trusted, hostname, usage);
}

std::string certificate_text(const Certificate& certificate) {
    BIO* bio = BIO_new(BIO_s_mem());
    X509_print_ex(bio, certificate.native(), XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, 0);
    char* data = nullptr;
    long length = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<size_t>(length));
    BIO_free(bio);
    return text;
}

}  // namespace sign::test
