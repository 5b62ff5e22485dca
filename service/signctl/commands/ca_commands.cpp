#include <chrono>
#include <iostream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "sign/data_folder/demo_pki.h"
#include "../audit_trail.h"
#include "../commands.h"
#include "../output.h"

namespace sign::signctl {

namespace {

struct CaInitArguments {
    std::string root_subject = data_folder::default_root_subject;
    std::string issuing_subject = data_folder::default_issuing_subject;
    std::string key_type = "rsa-3072";
    std::optional<int> root_days;
    std::optional<int> issuing_days;
};

}  // namespace

void add_ca_commands(CLI::App& app, Cli& cli) {
    auto* ca = app.add_subcommand("ca", "Create and inspect the CA hierarchy");
    ca->require_subcommand(1);

    auto* init = ca->add_subcommand("init", "Create the root CA and the issuing CA, keys generated on the token");
    auto args = std::make_shared<CaInitArguments>();
    init->add_option("--root-subject", args->root_subject, "Root CA name (RFC 4514)")->capture_default_str();
    init->add_option("--issuing-subject", args->issuing_subject, "Issuing CA name (RFC 4514)")->capture_default_str();
    init->add_option("--key-type", args->key_type, "rsa-2048|rsa-3072|rsa-4096|ec-p256|ec-p384")->capture_default_str();
    init->add_option("--root-days", args->root_days, "Root validity in days (default: the root profile's)");
    init->add_option("--issuing-days", args->issuing_days, "Issuing CA validity in days (default: the sub-ca profile's)");
    init->callback([&cli, args] {
        DataFolder& data = cli.data();
        ca::CaInitOptions options;
        options.root_subject = DistinguishedName::parse(args->root_subject);
        options.issuing_subject = DistinguishedName::parse(args->issuing_subject);
        options.key_type = args->key_type;
        options.root_validity_days = args->root_days;
        options.issuing_validity_days = args->issuing_days;
        store::CertificateRecord root, issuing;
        audited(cli, "ca.init", "root and issuing CA", [&] {
            std::tie(root, issuing) = data.ca().init(options, std::chrono::system_clock::now());
            return root.serial_hex + "," + issuing.serial_hex;
        });
        data.publish_ca_certificates();
        print_certificates(std::cout, {root, issuing}, cli.json);
    });

    ca->add_subcommand("show", "Show the root and the issuing CA")->callback([&cli] {
        DataFolder& data = cli.data();
        print_certificates(std::cout, {data.ca().root(), data.ca().issuing_ca()}, cli.json);
    });
}

}  // namespace sign::signctl
