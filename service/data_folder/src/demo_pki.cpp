#include "sign/data_folder/demo_pki.h"

#include <chrono>
#include <filesystem>
#include <vector>

#include "sign/audit/audit_log.h"
#include "sign/crl_builder.h"
#include "sign/atomic_file.h"

namespace sign::data_folder {

namespace {

struct DemoCertificate {
    const char* label;
    const char* profile;
    const char* subject;
    std::vector<std::string> dns_names;
};

// The demo PKI's end entities. Subjects follow the profiles' patterns (config/profiles.toml).
const std::vector<DemoCertificate>& demo_certificates() {
    static const std::vector<DemoCertificate> list{
        {"agency-seal", "agency",
         "CN=Sở Thông tin và Truyền thông thành phố Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,L=Đà Nẵng,"
         "ST=Đà Nẵng,C=VN,UID=MST:0400123456",
         {}},
        {"leader", "leader",
         "CN=Nguyễn Văn An,title=Phó Giám đốc,O=Sở Thông tin và Truyền thông thành phố Đà Nẵng,L=Đà Nẵng,C=VN,"
         "UID=CCCD:048090001234",
         {}},
        {"citizen", "citizen", "CN=Trần Thị Bích Ngọc,L=Đà Nẵng,C=VN,UID=CCCD:048195006789", {}},
        {"tsa", "tsa", "CN=Dịch vụ cấp dấu thời gian thành phố Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN", {}},
        {"ocsp", "ocsp", "CN=Dịch vụ OCSP thành phố Đà Nẵng,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN", {}},
        {"tls-server", "tls-server", "CN=localhost,O=Ủy ban nhân dân thành phố Đà Nẵng,C=VN",
         {"localhost", "signd.danang.local"}},
    };
    return list;
}

bool token_has(DataFolder& data, const std::string& label) {
    for (const auto& object : data.token().objects())
        if (object.label == label) return true;
    return false;
}

// Every certificate issued is in the audit log, the demo's too.
void record_issuance(DataFolder& data, const DemoPkiOptions& options, const std::string& action, const std::string& serials,
                     std::chrono::system_clock::time_point now) {
    data.audit().append(audit::AuditEvent{.action = action, .actor = options.actor, .client_address = "", .subject = serials,
                                          .document_hash = "", .result = "ok"},
                        now);
}

}  // namespace

void ensure_demo_pki(DataFolder& data, const DemoPkiOptions& options,
                     const std::function<void(const std::string&)>& progress) {
    auto say = [&](const std::string& line) {
        if (progress) progress(line);
    };
    if (!data.initialized()) {
        InitOptions init;
        init.base_url = options.base_url;
        data.init(init);
        say("data folder: created");
    }
    auto now = std::chrono::system_clock::now();
    if (!data.ca().initialized()) {
        ca::CaInitOptions init;
        init.root_subject = DistinguishedName::parse(default_root_subject);
        init.issuing_subject = DistinguishedName::parse(default_issuing_subject);
        init.key_type = options.ca_key_type;
        auto [root, issuing] = data.ca().init(init, now);
        record_issuance(data, options, "ca.init", root.serial_hex + "," + issuing.serial_hex, now);
        say("CA hierarchy: created");
    } else {
        say("CA hierarchy: already created");
    }
    std::filesystem::create_directories(data.path("certs"));
    for (const auto& wanted : demo_certificates()) {
        if (token_has(data, wanted.label)) {
            say(std::string(wanted.label) + ": already issued");
            continue;
        }
        ca::IssueOptions issue;
        issue.profile = wanted.profile;
        issue.subject = DistinguishedName::parse(wanted.subject);
        issue.dns_names = wanted.dns_names;
        issue.key_label = wanted.label;
        auto record = data.ca().issue(issue, now);
        record_issuance(data, options, "certificate.issue", record.serial_hex, now);
        write_file_atomically(data.path(std::string("certs/") + wanted.label + ".pem"), record.pem);
        say(std::string(wanted.label) + ": issued");
    }
    std::filesystem::create_directories(data.path("crl"));
    for (std::string ca : {"root-ca", "issuing-ca"}) {
        if (std::filesystem::exists(data.path("crl/" + ca + ".crl"))) continue;
        auto crl = data.ca().generate_crl(ca, now);
        auto der = crl_to_der(crl.get());
        write_file_atomically(data.path("crl/" + ca + ".crl"), std::string(der.begin(), der.end()));
        write_file_atomically(data.path("crl/" + ca + ".pem"), crl_to_pem(crl.get()));
    }
    data.publish_ca_certificates();
    for (const auto& entry : std::filesystem::directory_iterator(data.path("ca")))
        if (entry.path().extension() == ".pem") {
            auto bytes = read_file(entry.path().string());
            write_file_atomically(data.path("certs/" + entry.path().filename().string()),
                                  std::string(bytes.begin(), bytes.end()));
        }
}

}  // namespace sign::data_folder
