#include <chrono>
#include <iostream>

#include "sign/atomic_file.h"
#include "../commands.h"

namespace sign::signctl {

void add_ocsp_commands(CLI::App& app, Cli& cli) {
    auto* ocsp = app.add_subcommand("ocsp", "Answer OCSP requests (RFC 6960) offline; signd serves the same answers");
    ocsp->require_subcommand(1);
    auto* respond = ocsp->add_subcommand("respond", "Sign the answer to one DER OCSP request");
    auto request_file = std::make_shared<std::string>();
    auto out_file = std::make_shared<std::string>();
    respond->add_option("--request", *request_file, "DER OCSP request (e.g. from `openssl ocsp -reqout`)")
        ->required()
        ->check(CLI::ExistingFile);
    respond->add_option("--out", *out_file, "Where to write the DER response")->required();
    respond->callback([&cli, request_file, out_file] {
        auto response = cli.data().ca().respond_ocsp(read_file(*request_file), std::chrono::system_clock::now());
        write_file_atomically(*out_file, std::string(response.begin(), response.end()));
        if (!cli.json) std::cout << "Wrote " << response.size() << " bytes to " << *out_file << "\n";
        else std::cout << "{\"file\": \"" << *out_file << "\", \"bytes\": " << response.size() << "}\n";
    });
}

}  // namespace sign::signctl
