#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "../audit_trail.h"
#include "../commands.h"
#include "../output.h"
#include "sign/data_folder/hidden_input.h"
#include "sign/error.h"
#include "sign/utc_time.h"

namespace sign::signctl {

namespace {

struct SignerArguments {
    std::string id;
    std::string name;
    std::string certificate;
    std::optional<std::string> pin_file;
};

// Remote signers sign as persons; seals, CAs and service certificates never do.
const std::vector<std::string> signer_profiles = {"leader", "citizen"};

nlohmann::json to_json(const store::SignerRecord& signer) {
    return {
        {"id", signer.id},
        {"name", signer.display_name},
        {"certificate", signer.certificate_serial},
        {"key_uri", signer.key_uri},
        {"failed_pins", signer.failed_pins},
        {"status", signer.locked() ? "locked" : "active"},
        {"locked_at", signer.locked_at ? nlohmann::json(format_utc(*signer.locked_at)) : nlohmann::json()},
        {"created_at", format_utc(signer.created_at)},
    };
}

void print_signer(const store::SignerRecord& signer, bool json) {
    if (json) {
        std::cout << to_json(signer).dump(2) << "\n";
        return;
    }
    Table table({"FIELD", "VALUE"});
    table.add_row({"id", signer.id});
    table.add_row({"name", signer.display_name});
    table.add_row({"certificate", signer.certificate_serial});
    table.add_row({"key_uri", signer.key_uri});
    table.add_row({"failed_pins", std::to_string(signer.failed_pins)});
    table.add_row({"status", signer.locked() ? "locked since " + format_utc(*signer.locked_at) : "active"});
    table.print(std::cout);
}

std::string read_pin_file(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw Error(ErrorKind::not_found, "pin_file_not_found", "cannot read the PIN file " + file);
    std::string pin;
    std::getline(in, pin);
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    return pin;
}

std::string signer_pin(const SignerArguments& args) {
    if (args.pin_file) return read_pin_file(*args.pin_file);
    if (!isatty(STDIN_FILENO))
        throw Error(ErrorKind::invalid_input, "pin_required",
                    "the signer's PIN is needed: give --pin-file or run on a terminal to be asked for it");
    std::string pin = data_folder::read_hidden_line("PIN for signer '" + args.id + "': ");
    if (data_folder::read_hidden_line("The same PIN again: ") != pin)
        throw Error(ErrorKind::invalid_input, "pins_differ", "the two PINs differ; nothing was added");
    return pin;
}

// The signer's certificate: ours, a person's, valid now, its key on the token. Returns its key URI.
std::string signer_key(DataFolder& data, const std::string& serial) {
    auto record = data.store().find(serial);
    if (!record) throw Error(ErrorKind::not_found, "unknown_certificate", "no certificate with serial " + serial);
    if (std::find(signer_profiles.begin(), signer_profiles.end(), record->profile) == signer_profiles.end())
        throw Error(ErrorKind::policy, "not_a_signer_certificate",
                    "certificate " + record->serial_hex + " has profile '" + record->profile +
                        "'; remote signers need a leader or citizen certificate");
    if (record->key_uri.empty())
        throw Error(ErrorKind::policy, "key_not_on_token",
                    "certificate " + record->serial_hex + " was issued for a CSR: its key is not on the token");
    if (record->revoked())
        throw Error(ErrorKind::policy, "certificate_revoked", "certificate " + record->serial_hex + " is revoked");
    auto now = std::chrono::system_clock::now();
    if (record->not_after <= now || record->not_before > now)
        throw Error(ErrorKind::policy, "certificate_expired",
                    "certificate " + record->serial_hex + " is not valid now (valid " + format_utc(record->not_before) +
                        " to " + format_utc(record->not_after) + ")");
    data.token().private_key(record->key_uri);  // throws when the key is gone from the token
    return record->key_uri;
}

void add_signer_add(CLI::App& signer, Cli& cli) {
    auto* add = signer.add_subcommand("add", "Add a remote signer: a leader or citizen certificate and the signer's PIN");
    auto args = std::make_shared<SignerArguments>();
    add->add_option("id", args->id, "Signer id (its CSC credential id): 1 to 64 of a-z, 0-9, '-'")->required();
    add->add_option("--name", args->name, "The signer's name as lists show it")->required();
    add->add_option("--cert", args->certificate, "Serial of the signer's certificate in this CA")->required();
    add->add_option("--pin-file", args->pin_file,
                    "File holding the signer's PIN (4 to 64 characters); without it, asked twice on the terminal");
    add->callback([&cli, args] {
        DataFolder& data = cli.data();
        store::SignerRecord added;
        audited(cli, "signer.add", args->id, [&] {
            std::string key_uri = signer_key(data, args->certificate);
            std::string pin = signer_pin(*args);
            added = data.signers().add(args->id, args->name, args->certificate, key_uri, pin, std::chrono::system_clock::now());
            return std::string();
        });
        print_signer(added, cli.json);
    });
}

}  // namespace

void add_signer_commands(CLI::App& app, Cli& cli) {
    auto* signer = app.add_subcommand("signer", "Manage the remote signers (CSC credentials) of the signing service");
    signer->require_subcommand(1);
    add_signer_add(*signer, cli);

    signer->add_subcommand("list", "List the signers, with their wrong-PIN count and lock")->callback([&cli] {
        auto signers = cli.data().signers().list();
        if (cli.json) {
            auto list = nlohmann::json::array();
            for (const auto& record : signers) list.push_back(to_json(record));
            std::cout << list.dump(2) << "\n";
            return;
        }
        Table table({"ID", "STATUS", "FAILED PINS", "CERTIFICATE", "NAME"});
        for (const auto& record : signers)
            table.add_row({record.id, record.locked() ? "locked" : "active", std::to_string(record.failed_pins),
                           record.certificate_serial, record.display_name});
        table.print(std::cout);
    });

    auto* unlock = signer->add_subcommand("unlock", "Clear a signer's lock and wrong-PIN count");
    auto id = std::make_shared<std::string>();
    unlock->add_option("id", *id, "Signer id")->required();
    unlock->callback([&cli, id] {
        audited(cli, "signer.unlock", *id, [&] {
            cli.data().signers().unlock(*id);
            return std::string();
        });
        print_signer(*cli.data().signers().find(*id), cli.json);
    });
}

}  // namespace sign::signctl
