#pragma once
// One throwaway PKI shared by the X.509 tests: root (RSA-3072) -> sub-CA (EC P-384)
// -> one leaf per profile, with keys in memory and an in-memory registry. Built once
// per test run because RSA key generation is the slow part.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <botan/x509cert.h>
#include <botan/x509path.h>

#include "memory_registry.h"
#include "sign/certificate.h"
#include "sign/certificate_authority.h"
#include "sign/certificate_profile.h"
#include "software_key.h"

namespace sign::test {

/// Subjects used throughout the tests, in RFC 4514 form.
namespace subjects {
inline const std::string root = "CN=Đà Nẵng Root CA (TEST),O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN";
inline const std::string sub_ca = "CN=Đà Nẵng Issuing CA 1 (TEST),O=Ủy ban nhân dân thành phố Đà Nẵng,ST=Đà Nẵng,C=VN";
inline const std::string agency =
    "CN=Sở Thông tin và Truyền thông thành phố Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,L=Hải Châu,ST=Đà Nẵng,C=VN,UID=MST:0401234567";
inline const std::string leader =
    "CN=Nguyễn Văn An,title=Phó Giám đốc,O=Sở Thông tin và Truyền thông thành phố Đà Nẵng,L=Đà Nẵng,ST=Đà Nẵng,C=VN,UID=CCCD:048090001234";
inline const std::string citizen = "CN=Trần Thị Bích Ngọc,L=Đà Nẵng,C=VN,UID=CCCD:048195004321";
inline const std::string tsa = "CN=Dịch vụ cấp dấu thời gian Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN";
inline const std::string ocsp = "CN=OCSP Đà Nẵng Issuing CA 1,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN";
inline const std::string tls_server = "CN=dichvucong.danang.gov.vn,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN";
}  // namespace subjects

inline const CaEndpoints test_endpoints{"http://pki.danang.gov.vn/crl/issuing-ca-1.crl", "http://ocsp.danang.gov.vn",
                                        "http://pki.danang.gov.vn/certs/issuing-ca-1.cer"};

struct IssuedLeaf {
    std::string profile;
    std::unique_ptr<SoftwareKey> key;
    Certificate certificate;
};

class TestPki {
public:
    /// The shared instance, built on first use.
    static TestPki& shared();

    ProfileCatalog profiles;
    MemoryRegistry root_registry;  // what the root issued: the sub-CA
    MemoryRegistry registry;       // what the sub-CA issued
    SoftwareKey root_key;
    SoftwareKey sub_key;
    Certificate root;
    Certificate sub;
    std::unique_ptr<CertificateAuthority> root_ca;
    std::unique_ptr<CertificateAuthority> sub_ca;
    std::map<std::string, IssuedLeaf> leaves;  // by profile name

    /// Issues from the sub-CA with a fresh key and records it as good in the registry.
    IssuedLeaf issue(const std::string& profile, const std::string& subject, const std::string& key_algorithm,
                     std::vector<std::string> dns_names = {}, bool record = true);

private:
    TestPki();
};

/// The profiles file shipped in config/.
std::filesystem::path source_profiles_path();

/// Writes text or bytes to a file.
void write_file(const std::filesystem::path& path, const std::string& text);
void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);

/// Botan's view of one of our certificates.
Botan::X509_Certificate to_botan(const Certificate& certificate);

/// Botan path validation of leaf -> sub -> root with default restrictions.
Botan::Path_Validation_Result botan_validate(const Certificate& leaf, const Certificate& sub, const Certificate& root,
                                            Botan::Usage_Type usage = Botan::Usage_Type::UNSPECIFIED,
                                            const std::string& hostname = "");

/// OpenSSL's text dump of a certificate (for "is this extension there" checks).
std::string certificate_text(const Certificate& certificate);

}  // namespace sign::test
