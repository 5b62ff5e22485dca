#pragma once
// signctl's command groups. Each adds its `verb noun` subcommands to the app;
// they share the global options through Cli.

#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "sign/atomic_file.h"
#include "sign/data_folder/data_folder.h"

namespace sign::signctl {

using data_folder::DataFolder;
using data_folder::InitOptions;

/// The global options and the data folder they select.
struct Cli {
    std::string data_dir;
    std::optional<std::string> pin_file;
    bool json = false;
    /// What main() returns after a command that ran to the end but has a verdict to report
    /// (e.g. `audit verify` on a broken chain).
    int exit_code = 0;

    /// The data folder, created on first use from the options above.
    DataFolder& data() {
        if (!folder) folder = std::make_unique<DataFolder>(data_dir, pin_file);
        return *folder;
    }

private:
    std::unique_ptr<DataFolder> folder;
};

void add_init_command(CLI::App& app, Cli& cli);
void add_token_commands(CLI::App& app, Cli& cli);
void add_ca_commands(CLI::App& app, Cli& cli);
void add_cert_commands(CLI::App& app, Cli& cli);
void add_crl_commands(CLI::App& app, Cli& cli);
void add_ocsp_commands(CLI::App& app, Cli& cli);
void add_profile_commands(CLI::App& app, Cli& cli);
void add_sign_commands(CLI::App& app, Cli& cli);
void add_pdf_commands(CLI::App& app, Cli& cli);
void add_demo_commands(CLI::App& app, Cli& cli);
void add_client_commands(CLI::App& app, Cli& cli);
void add_signer_commands(CLI::App& app, Cli& cli);
void add_audit_commands(CLI::App& app, Cli& cli);
void add_verify_commands(CLI::App& app, Cli& cli);
void add_trust_commands(CLI::App& app, Cli& cli);
void add_extend_command(CLI::App& app, Cli& cli);
void add_db_commands(CLI::App& app, Cli& cli);

}  // namespace sign::signctl
