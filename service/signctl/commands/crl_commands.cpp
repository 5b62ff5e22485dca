#include <chrono>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "sign/atomic_file.h"
#include "../commands.h"
#include "sign/crl_builder.h"
#include "sign/utc_time.h"

namespace sign::signctl {

namespace {

struct CrlArguments {
    std::string ca = "issuing-ca";
    int hours = 24 * 7;
    std::optional<std::string> out_file;
};

}  // namespace

void add_crl_commands(CLI::App& app, Cli& cli) {
    auto* crl = app.add_subcommand("crl", "Publish certificate revocation lists");
    crl->require_subcommand(1);
    auto* generate = crl->add_subcommand("generate", "Sign a new CRL with the next CRL number");
    auto args = std::make_shared<CrlArguments>();
    generate->add_option("--ca", args->ca, "issuing-ca or root-ca")->capture_default_str();
    generate->add_option("--hours", args->hours, "Hours until nextUpdate")->capture_default_str()->check(CLI::Range(1, 24 * 366));
    generate->add_option("--out", args->out_file, "PEM file to write (default: <data>/crl/<ca>.pem and .crl)");
    generate->callback([&cli, args] {
        DataFolder& data = cli.data();
        auto now = std::chrono::system_clock::now();
        auto list = data.ca().generate_crl(args->ca, now, std::chrono::hours(args->hours));
        std::string pem = crl_to_pem(list.get());
        std::vector<std::string> written;
        if (args->out_file) {
            write_file_atomically(*args->out_file, pem);
            written.push_back(*args->out_file);
        } else {
            std::filesystem::create_directories(data.path("crl"));
            auto der = crl_to_der(list.get());
            write_file_atomically(data.path("crl/" + args->ca + ".crl"), std::string(der.begin(), der.end()));
            write_file_atomically(data.path("crl/" + args->ca + ".pem"), pem);
            written = {data.path("crl/" + args->ca + ".crl"), data.path("crl/" + args->ca + ".pem")};
        }
        Asn1IntegerPtr crl_number(
            static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(list.get(), NID_crl_number, nullptr, nullptr)));
        long number = crl_number ? ASN1_INTEGER_get(crl_number.get()) : 0;
        int entries = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(list.get()));
        if (cli.json) {
            std::cout << nlohmann::json{{"ca", args->ca}, {"crl_number", number}, {"entries", entries},
                                        {"this_update", format_utc(now)},
                                        {"next_update", format_utc(now + std::chrono::hours(args->hours))},
                                        {"files", written}}
                             .dump(2)
                      << "\n";
        } else {
            std::cout << "CRL number " << number << " of " << args->ca << ": " << entries << " revoked, next update "
                      << format_utc(now + std::chrono::hours(args->hours)) << "\n";
            for (const auto& file : written) std::cout << "  " << file << "\n";
        }
    });
}

}  // namespace sign::signctl
