#include <iostream>

#include <nlohmann/json.hpp>

#include "sign/data_folder/demo_pki.h"
#include "../commands.h"

namespace sign::signctl {

void add_demo_commands(CLI::App& app, Cli& cli) {
    auto* demo = app.add_subcommand("demo", "The demo PKI of the README and the tests");
    demo->require_subcommand(1);
    auto* init = demo->add_subcommand("init", "Create whatever of the demo PKI is missing in the data folder "
                                              "(CA, agency seal, leader, citizen, TSA, OCSP, TLS server)");
    auto options = std::make_shared<data_folder::DemoPkiOptions>();
    init->add_option("--base-url", options->base_url,
                     "Public address of the signing service, for CRL and AIA URLs (used only when the folder is new)")
        ->capture_default_str();
    init->add_option("--ca-key-type", options->ca_key_type, "rsa-2048|rsa-3072|rsa-4096|ec-p256|ec-p384")
        ->capture_default_str();
    init->callback([&cli, options] {
        auto steps = nlohmann::json::array();
        data_folder::ensure_demo_pki(cli.data(), *options, [&](const std::string& step) {
            if (cli.json) steps.push_back(step);
            else std::cout << "  " << step << "\n";
        });
        if (cli.json) std::cout << nlohmann::json{{"data", cli.data().root()}, {"steps", steps}}.dump(2) << "\n";
    });
}

}  // namespace sign::signctl
