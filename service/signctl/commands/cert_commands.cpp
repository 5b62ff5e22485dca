#include <chrono>
#include <iostream>

#include "sign/atomic_file.h"
#include "../audit_trail.h"
#include "../commands.h"
#include "../output.h"
#include "sign/error.h"
#include "sign/revocation_reason.h"

namespace sign::signctl {

namespace {

struct IssueArguments {
    std::string profile;
    std::optional<std::string> subject;
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    std::optional<int> days;
    std::optional<std::string> key_type;
    std::optional<std::string> label;
    std::optional<std::string> csr_file;
    std::optional<std::string> out_file;
};

store::CertificateRecord find_certificate(DataFolder& data, const std::string& serial) {
    auto record = data.database().certificates().find(serial);
    if (!record) throw Error(ErrorKind::not_found, "unknown_certificate", "no certificate with serial " + serial);
    return *record;
}

void add_issue(CLI::App& cert, Cli& cli) {
    auto* issue = cert.add_subcommand("issue", "Issue a certificate by profile, with a new key on the token or from a CSR");
    auto args = std::make_shared<IssueArguments>();
    issue->add_option("--profile", args->profile, "Profile name (see `signctl profile list`)")->required();
    issue->add_option("--subject", args->subject,
                      "Subject in RFC 4514 form, e.g. \"CN=Nguyễn Văn An,UID=CCCD:048090001234,C=VN\" "
                      "(default with --csr: the CSR's)");
    issue->add_option("--dns", args->dns_names, "DNS name for the subjectAltName (repeatable; tls-server)");
    issue->add_option("--ip", args->ip_addresses, "IPv4 or IPv6 address for the subjectAltName (repeatable; tls-server)");
    issue->add_option("--days", args->days, "Validity in days (default: the profile's)");
    issue->add_option("--key-type", args->key_type, "Key to generate: rsa-2048|rsa-3072|rsa-4096|ec-p256|ec-p384");
    issue->add_option("--label", args->label, "Token label for the new key and certificate");
    issue->add_option("--csr", args->csr_file, "PKCS#10 request (PEM or DER); its key stays with the requester")
        ->check(CLI::ExistingFile);
    issue->add_option("--out", args->out_file, "Also write the certificate (PEM) to this file");
    issue->get_option("--csr")->excludes("--key-type")->excludes("--label");
    issue->callback([&cli, args] {
        DataFolder& data = cli.data();
        store::CertificateRecord record;
        std::string requested = "profile " + args->profile + ": " + args->subject.value_or("subject of the CSR");
        audited(cli, "certificate.issue", requested, [&] {
            ca::IssueOptions options;
            options.profile = args->profile;
            if (args->subject) options.subject = DistinguishedName::parse(*args->subject);
            options.dns_names = args->dns_names;
            options.ip_addresses = args->ip_addresses;
            options.validity_days = args->days;
            options.key_type = args->key_type;
            options.key_label = args->label;
            if (args->csr_file) options.csr = read_file(*args->csr_file);
            record = data.ca().issue(options, std::chrono::system_clock::now());
            return record.serial_hex;
        });
        if (args->out_file) write_file_atomically(*args->out_file, record.pem);
        print_certificate(std::cout, record, cli.json, false);
    });
}

}  // namespace

void add_cert_commands(CLI::App& app, Cli& cli) {
    auto* cert = app.add_subcommand("cert", "Issue, list, show and revoke certificates");
    cert->require_subcommand(1);
    add_issue(*cert, cli);

    auto* list = cert->add_subcommand("list", "List certificates in the database");
    auto profile = std::make_shared<std::optional<std::string>>();
    auto only_revoked = std::make_shared<bool>(false);
    auto only_valid = std::make_shared<bool>(false);
    list->add_option("--profile", *profile, "Only this profile");
    auto* revoked_flag = list->add_flag("--revoked", *only_revoked, "Only revoked certificates");
    list->add_flag("--good", *only_valid, "Only certificates not revoked")->excludes(revoked_flag);
    list->callback([&cli, profile, only_revoked, only_valid] {
        std::optional<bool> revoked;
        if (*only_revoked) revoked = true;
        if (*only_valid) revoked = false;
        print_certificates(std::cout, cli.data().database().certificates().list(*profile, revoked), cli.json);
    });

    auto* show = cert->add_subcommand("show", "Show one certificate");
    auto serial = std::make_shared<std::string>();
    auto with_pem = std::make_shared<bool>(false);
    show->add_option("serial", *serial, "Serial number (hex)")->required();
    show->add_flag("--pem", *with_pem, "Include the PEM certificate");
    show->callback([&cli, serial, with_pem] {
        print_certificate(std::cout, find_certificate(cli.data(), *serial), cli.json, *with_pem);
    });

    auto* revoke = cert->add_subcommand("revoke", "Revoke a certificate (it appears in the next CRL and in OCSP at once)");
    auto revoke_serial = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>("unspecified");
    revoke->add_option("serial", *revoke_serial, "Serial number (hex)")->required();
    revoke->add_option("--reason", *reason,
                       "unspecified|keyCompromise|caCompromise|affiliationChanged|superseded|"
                       "cessationOfOperation|certificateHold|privilegeWithdrawn")
        ->capture_default_str();
    revoke->callback([&cli, revoke_serial, reason] {
        store::CertificateRecord record;
        audited(cli, "certificate.revoke", *revoke_serial, [&] {
            auto parsed_reason = parse_revocation_reason(*reason);
            record = cli.data().ca().revoke(*revoke_serial, parsed_reason, std::chrono::system_clock::now());
            return record.serial_hex;
        });
        print_certificate(std::cout, record, cli.json, false);
    });
}

}  // namespace sign::signctl
