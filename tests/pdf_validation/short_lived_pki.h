#pragma once
// A fresh PKI for long-term signatures, shared by the tests of every format: root -> issuing CA ->
// end entities, the leader valid for one day, the TSA (RSA-4096) for two, so that validation 400
// days on happens after both expired.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "command.h"
#include "sign/certificate.h"
#include "sign/validate/cms_validator.h"
#include "signctl_folder.h"
#include "temp_dir.h"

namespace sign::test {

inline constexpr const char* leader_subject =
    "CN=Nguyễn Văn An,title=Phó Giám đốc,O=Sở Thông tin và Truyền thông thành phố Đà Nẵng,L=Đà Nẵng,C=VN,"
    "UID=CCCD:048090001234";

// root -> issuing CA -> end entities; the leader for one day, the TSA (RSA-4096) for two.
class ShortLivedPki {
public:
    static ShortLivedPki& shared() {
        static ShortLivedPki pki;
        return pki;
    }

    CommandResult signctl(const std::vector<std::string>& args) const { return folder_.signctl(args); }
    std::string path(const std::string& relative) const { return folder_.path(relative); }
    Certificate certificate(const std::string& name) const { return Certificate::load(path(name)); }
    const std::filesystem::path& work() const { return work_.path(); }

    /// A new leader certificate and key labelled `label`; returns the PEM file.
    std::string issue_leader(const std::string& label, int days = 1) const {
        std::string out = path(label + ".pem");
        auto issued = signctl({"cert", "issue", "--profile", "leader", "--subject", leader_subject, "--days",
                               std::to_string(days), "--key-type", "ec-p256", "--label", label, "--out", out});
        BOOST_REQUIRE_MESSAGE(issued.exit_code == 0, issued.output);
        // A leader's key signs only with its owner: the signer is registered while the certificate
        // is good, as it would be in practice.
        key_owner_arguments(path(""), label, out);
        return out;
    }

    /// Both CRLs again, as `signctl crl generate` publishes them.
    void publish_crls() const {
        for (const char* ca : {"root-ca", "issuing-ca"}) {
            auto generated = signctl({"crl", "generate", "--ca", ca});
            BOOST_REQUIRE_MESSAGE(generated.exit_code == 0, generated.output);
        }
    }

    /// `signctl sign <format> IN --key <label> --level <level> --tsa local --out OUT` as the key's owner.
    CommandResult sign_file(const std::string& format, const std::filesystem::path& in, const std::filesystem::path& out,
                            const std::string& label, const std::string& level, const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> argv = {"sign", format, in.string(), "--key", "pkcs11:object=" + label + ";type=private",
                                         "--cert", path(label + ".pem"), "--level", level, "--tsa", "local", "--out", out.string()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto owner = key_owner_arguments(path(""), label, path(label + ".pem"));
        argv.insert(argv.end(), owner.begin(), owner.end());
        return signctl(argv);
    }

    CommandResult sign(const std::filesystem::path& in, const std::filesystem::path& out, const std::string& label,
                       const std::string& level) const {
        return sign_file("pdf", in, out, label, level);
    }

    /// `signctl` under another environment (say, four_hundred_days_on()).
    CommandResult signctl_with(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) const {
        return folder_.signctl(args, env);
    }

    /// The serial (hex) of a certificate file.
    std::string serial(const std::string& pem) const { return Certificate::load(pem).serial_hex(); }

    /// An NSS database trusting this PKI's root, for pdfsig.
    std::string nss_database() const { return "sql:" + (work_ / "nss").string(); }

    /// Offline validation options trusting this root, at `at`.
    validate::ValidationOptions offline_at(std::chrono::system_clock::time_point at) const {
        validate::ValidationOptions options;
        options.trust.trust_anchors.push_back(certificate("ca/root-ca.pem"));
        options.validation_time = at;
        return options;
    }

private:
    ShortLivedPki() : work_("long-term") {
        folder_.init_ca();
        auto tsa = signctl({"cert", "issue", "--profile", "tsa", "--subject",
                            "CN=Dịch vụ cấp dấu thời gian thử nghiệm,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN", "--days",
                            "2", "--key-type", "rsa-4096", "--label", "tsa", "--out", path("tsa.pem")});
        BOOST_REQUIRE_MESSAGE(tsa.exit_code == 0, tsa.output);
        auto ocsp = signctl({"cert", "issue", "--profile", "ocsp", "--subject",
                             "CN=Dịch vụ OCSP thử nghiệm,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN", "--key-type", "ec-p256",
                             "--label", "ocsp", "--out", path("ocsp.pem")});
        BOOST_REQUIRE_MESSAGE(ocsp.exit_code == 0, ocsp.output);
        issue_leader("leader");
        publish_crls();
        std::filesystem::create_directories(work_ / "nss");
        auto created = run_command({"certutil", "-N", "-d", nss_database(), "--empty-password"});
        BOOST_REQUIRE_MESSAGE(created.exit_code == 0, created.output);
        auto added = run_command({"certutil", "-A", "-d", nss_database(), "-n", "root", "-t", "CT,C,C", "-i",
                                  path("ca/root-ca.pem")});
        BOOST_REQUIRE_MESSAGE(added.exit_code == 0, added.output);
    }

    TempDir work_;
    SignctlFolder folder_;
};

inline std::chrono::system_clock::time_point after_expiry() { return std::chrono::system_clock::now() + std::chrono::hours(24 * 400); }

inline bool has_finding(const validate::SignatureReport& report, const std::string& code) {
    for (const auto& finding : report.findings)
        if (finding.code == code) return true;
    return false;
}

/// The environment under which a program sees the clock 400 days on (libfaketime).
inline std::map<std::string, std::string> four_hundred_days_on() {
    return {{"LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"}, {"FAKETIME", "+400d"}};
}

}  // namespace sign::test
