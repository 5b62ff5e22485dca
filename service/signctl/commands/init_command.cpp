#include <iostream>

#include <nlohmann/json.hpp>

#include "../commands.h"

namespace sign::signctl {

void add_init_command(CLI::App& app, Cli& cli) {
    auto* command = app.add_subcommand("init", "Create the data folder: an embedded SoftHSM2 token with random PINs "
                                               "(or an existing token given by --module), profiles and configuration");
    auto options = std::make_shared<InitOptions>();
    command->add_option("--token-label", options->token_label, "Label of the token")->capture_default_str();
    command->add_option("--base-url", options->base_url,
                        "Public address of the signing service, written into CRL and AIA URLs")->capture_default_str();
    command->add_option("--module", options->module, "PKCS#11 module of an existing token (a real HSM)");
    command->add_option("--token-pin-file", options->pin_file, "User PIN file of that existing token");
    command->callback([&cli, options] {
        DataFolder& data = cli.data();
        data.init(*options);
        if (cli.json) {
            std::cout << nlohmann::json{{"data", data.root()}, {"token", options->token_label}}.dump(2) << "\n";
        } else {
            std::cout << "Initialised " << data.root() << " with token '" << options->token_label << "'.\n"
                      << "Next: signctl ca init\n";
        }
    });
}

}  // namespace sign::signctl
