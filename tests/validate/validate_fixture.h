#pragma once
// What the validation tests share: the in-memory test PKI of tests/x509 (root,
// issuing CA, leaves with software keys), a TSA over it, CRLs and OCSP answers
// made by the project's own CA code, signing with libsign and with the openssl
// command, and files in temp folders.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "sign/cades.h"
#include "sign/clock.h"
#include "sign/crl_builder.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_client.h"
#include "sign/validate/cms_validator.h"
#include "temp_dir.h"
#include "test_pki.h"

namespace sign::test {

using TimePoint = std::chrono::system_clock::time_point;

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);
std::vector<std::uint8_t> bytes_of(const std::string& text);

struct ValidatePki {
    static ValidatePki& shared();

    TestPki& pki;
    SystemClock clock;
    std::unique_ptr<TimestampAuthority> tsa;

    /// A client of the TSA; its clock is `at` (default: now).
    TimestampClient tsa_client(const Clock& at) const;

    /// A fresh leaf from the issuing CA, recorded as good, valid from five minutes ago.
    IssuedLeaf issue(const std::string& subject, const std::string& key_algorithm, std::optional<int> validity_days = {},
                     const std::string& profile = "citizen");
    /// A Signer for `leaf`; with the issuing CA as chain unless `with_chain` is false.
    Signer signer(const IssuedLeaf& leaf, SignatureScheme scheme, const std::string& digest = "sha256", bool with_chain = true) const;

    /// The issuing CA's CRL (DER) listing `revoked`.
    std::vector<std::uint8_t> issuing_crl(const std::vector<RevokedCertificate>& revoked, TimePoint this_update) const;
    /// The root's CRL (DER), empty.
    std::vector<std::uint8_t> root_crl(TimePoint this_update) const;

    /// Options trusting the root, with both CRLs issued `crl_time` (default now) supplied; offline.
    validate::ValidationOptions options(std::optional<TimePoint> crl_time = {},
                                        const std::vector<RevokedCertificate>& revoked = {}) const;

    /// PEM files for the openssl command: key, certificate, root, issuing CA.
    void write_pem_files(const IssuedLeaf& leaf, const std::filesystem::path& folder) const;

private:
    ValidatePki();
};

/// Signs `content` with libsign (detached or enveloping) at level B-B, or B-T with the TSA.
std::vector<std::uint8_t> sign_with_libsign(const Signer& signer, const std::vector<std::uint8_t>& content, bool detached,
                                            bool timestamp = false);

/// `openssl cms -sign -cades` in `folder` (key.pem, cert.pem, chain.pem written by write_pem_files);
/// `extra` adds options such as {"-md", "sha1"} or {"-keyopt", "rsa_padding_mode:pss"}.
std::vector<std::uint8_t> sign_with_openssl(const std::filesystem::path& folder, const std::vector<std::uint8_t>& content,
                                            bool detached, const std::vector<std::string>& extra = {});

/// `openssl cms -verify` of a DER signature against the root, with the issuing CA as intermediate: exit code 0 when it verifies.
int openssl_cms_verify(const std::filesystem::path& folder, const std::vector<std::uint8_t>& signature,
                       const std::vector<std::uint8_t>* detached_content);

/// The one signature's report, after checking there is exactly one.
const validate::SignatureReport& only(const validate::ValidationReport& report);
/// "INDICATION" or "INDICATION/SUB_INDICATION", as the EN names them.
std::string verdict(const validate::SignatureReport& signature);
/// Checks the one signature's verdict, printing the whole report when it differs.
#define CHECK_VERDICT(report, expected)                                                              \
    BOOST_CHECK_MESSAGE(::sign::test::verdict(::sign::test::only(report)) == (expected),             \
                        "got " << ::sign::test::verdict(::sign::test::only(report)) << "\n"         \
                               << (report).to_text(::sign::validate::Language::english))

/// True when one of the signature's findings has `code`.
bool has_finding(const validate::SignatureReport& signature, const std::string& code);
/// The text of the finding with `code` (Vietnamese), empty when absent.
std::string finding_text(const validate::SignatureReport& signature, const std::string& code);

}  // namespace sign::test
