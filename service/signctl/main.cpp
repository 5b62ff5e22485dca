// signctl: the administrators' command line for the city's certificate authority.
// `signctl --help` lists the commands; docs/signctl.md documents them and the exit codes.

#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "sign/messages.h"

using namespace sign::signctl;
using sign::i18n::tr;

int main(int argc, char** argv) {
    sign::i18n::init();
    CLI::App app{tr("signctl: run the certificate authority of the signing service.\n"
                    "Keys live on a PKCS#11 token; certificates in the database of the data folder.")};
    sign::i18n::translate_help(app);
    app.require_subcommand(1);
    // Global options may also follow the subcommand: `signctl cert list --json`.
    app.fallthrough();
    Cli cli;
    const char* data_env = std::getenv("SIGN_DATA_DIR");
    cli.data_dir = data_env ? data_env : "var";
    app.add_option("--data", cli.data_dir, tr("Data folder (default: $SIGN_DATA_DIR or ./var)"));
    app.add_option("--pin-file", cli.pin_file, tr("File holding the token's user PIN (overrides signctl.toml)"));
    app.add_flag("--json", cli.json, tr("Print JSON for scripts instead of tables"));
    app.footer(tr("Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid input, 4 refused by policy,\n"
                  "5 not found, 6 already exists, 7 wrong or locked PIN, 8 token failure, 9 audit log broken,\n"
                  "10 keys that may do more than sign, 11 signature invalid, 12 signature indeterminate,\n"
                  "13 a personal key without its owner's PIN."));

    add_init_command(app, cli);
    add_token_commands(app, cli);
    add_ca_commands(app, cli);
    add_cert_commands(app, cli);
    add_crl_commands(app, cli);
    add_ocsp_commands(app, cli);
    add_profile_commands(app, cli);
    add_sign_commands(app, cli);
    add_pdf_commands(app, cli);
    add_demo_commands(app, cli);
    add_client_commands(app, cli);
    add_signer_commands(app, cli);
    add_audit_commands(app, cli);
    add_verify_commands(app, cli);
    add_trust_commands(app, cli);
    add_db_commands(app, cli);
    add_extend_command(app, cli);

    try {
        app.parse(argc, argv);
        return cli.exit_code;
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? exit_ok : exit_usage;
    } catch (const sign::Error& error) {
        if (cli.json) {
            std::cout << nlohmann::json{{"error", {{"code", error.code()}, {"message", error.what()}}}}.dump(2) << "\n";
        }
        std::cerr << "signctl: " << sign::i18n::translate_message(error.what()) << "\n";
        return exit_code_for(error);
    } catch (const std::exception& error) {
        std::cerr << "signctl: " << tr("unexpected failure: ") << error.what() << "\n";
        return exit_internal;
    }
}
