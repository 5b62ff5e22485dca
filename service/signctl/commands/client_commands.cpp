#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "../audit_trail.h"
#include "../commands.h"
#include "../output.h"
#include "sign/error.h"
#include "sign/hsm/uri.h"
#include "sign/utc_time.h"

namespace sign::signctl {

namespace {

struct ClientArguments {
    std::string id;
    std::string name;
    std::vector<std::string> seals;
    std::vector<std::string> signers;
    bool verify_only = false;
    std::optional<std::string> certificate;
    std::vector<std::string> callback_urls;
};

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
    return text.empty() ? "-" : text;
}

nlohmann::json to_json(const store::ClientRecord& client) {
    return {
        {"id", client.id},
        {"name", client.name},
        {"seals", client.scopes.seals},
        {"signers", client.scopes.signers},
        {"verify_only", client.scopes.verify_only},
        {"callback_urls", client.scopes.callback_urls},
        {"certificate", client.certificate_serial ? nlohmann::json(*client.certificate_serial) : nlohmann::json()},
        {"created_at", format_utc(client.created_at)},
        {"status", client.revoked() ? "revoked" : "active"},
        {"revoked_at", client.revoked_at ? nlohmann::json(format_utc(*client.revoked_at)) : nlohmann::json()},
    };
}

void print_client(const store::ClientRecord& client) {
    Table table({"FIELD", "VALUE"});
    table.add_row({"id", client.id});
    table.add_row({"name", client.name});
    table.add_row({"seals", joined(client.scopes.seals)});
    table.add_row({"signers", joined(client.scopes.signers)});
    table.add_row({"verify_only", client.scopes.verify_only ? "yes" : "no"});
    table.add_row({"callback_urls", joined(client.scopes.callback_urls)});
    if (client.certificate_serial) table.add_row({"certificate", *client.certificate_serial});
    table.add_row({"status", client.revoked() ? "revoked " + format_utc(*client.revoked_at) : "active"});
    table.print(std::cout);
}

// An mTLS certificate must be one of ours and usable now.
void check_client_certificate(DataFolder& data, const std::string& serial) {
    auto record = data.database().certificates().find(serial);
    if (!record) throw Error(ErrorKind::not_found, "unknown_certificate", "no certificate with serial " + serial);
    if (record->revoked())
        throw Error(ErrorKind::policy, "certificate_revoked", "certificate " + record->serial_hex + " is revoked");
    if (record->not_after <= std::chrono::system_clock::now())
        throw Error(ErrorKind::policy, "certificate_expired", "certificate " + record->serial_hex + " has expired");
}

// A seal is the token label of an agency certificate's key that is still valid.
void check_seal(DataFolder& data, const std::string& label) {
    if (label == "*") return;
    for (const auto& record : data.database().certificates().list(std::string("agency"), false))
        if (!record.key_uri.empty() && hsm::Uri::parse(record.key_uri).object == label &&
            record.not_after > std::chrono::system_clock::now())
            return;
    throw Error(ErrorKind::not_found, "unknown_seal",
                "no valid agency certificate has its key labelled '" + label + "' on the token");
}

void check_signer(DataFolder& data, const std::string& id) {
    if (id == "*") return;
    if (!data.database().signers().find(id))
        throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + id + "' (see `signctl signer list`)");
}

void add_client_add(CLI::App& client, Cli& cli) {
    auto* add = client.add_subcommand("add", "Add an API client and print its key (shown only once)");
    auto args = std::make_shared<ClientArguments>();
    add->add_option("id", args->id, "Client id: 1 to 64 of a-z, 0-9, '-'")->required();
    add->add_option("--name", args->name, "What the client is, e.g. the document system's name")->required();
    add->add_option("--seal", args->seals, "Token label of an agency seal it may apply (repeatable; * for all)");
    add->add_option("--signer", args->signers, "Signer id it may ask to sign (repeatable; * for all)");
    add->add_flag("--verify-only", args->verify_only, "It may only verify, never sign");
    add->add_option("--cert", args->certificate, "Serial of its mTLS client certificate from this CA");
    add->add_option("--callback-url", args->callback_urls,
                    "Where its signature requests' callbacks may go (repeatable): that URL, or every URL below one "
                    "ending in '/'; without it the client may not ask for callbacks");
    add->callback([&cli, args] {
        DataFolder& data = cli.data();
        store::NewClient added;
        audited(cli, "client.add", args->id, [&] {
            for (const auto& seal : args->seals) check_seal(data, seal);
            for (const auto& signer : args->signers) check_signer(data, signer);
            if (args->certificate) check_client_certificate(data, *args->certificate);
            store::ClientScopes scopes{args->seals, args->signers, args->verify_only, args->callback_urls};
            added = data.database().clients().add(args->id, args->name, scopes, args->certificate, std::chrono::system_clock::now());
            return std::string();
        });
        if (cli.json) {
            auto json = to_json(added.record);
            json["api_key"] = added.api_key;
            std::cout << json.dump(2) << "\n";
            return;
        }
        print_client(added.record);
        std::cout << "\nAPI key (shown only once; it cannot be recovered, store it now):\n" << added.api_key << "\n";
    });
}

}  // namespace

void add_client_commands(CLI::App& app, Cli& cli) {
    auto* client = app.add_subcommand("client", "Manage the API clients of the signing service");
    client->require_subcommand(1);
    add_client_add(*client, cli);

    client->add_subcommand("list", "List the clients")->callback([&cli] {
        auto clients = cli.data().database().clients().list();
        if (cli.json) {
            auto list = nlohmann::json::array();
            for (const auto& record : clients) list.push_back(to_json(record));
            std::cout << list.dump(2) << "\n";
            return;
        }
        Table table({"ID", "STATUS", "SEALS", "SIGNERS", "VERIFY ONLY", "CERTIFICATE", "NAME"});
        for (const auto& record : clients)
            table.add_row({record.id, record.revoked() ? "revoked" : "active", joined(record.scopes.seals),
                           joined(record.scopes.signers), record.scopes.verify_only ? "yes" : "no",
                           record.certificate_serial.value_or("-"), record.name});
        table.print(std::cout);
    });

    auto* revoke = client->add_subcommand("revoke", "Revoke a client: its key and certificate stop working at once");
    auto id = std::make_shared<std::string>();
    revoke->add_option("id", *id, "Client id")->required();
    revoke->callback([&cli, id] {
        store::ClientRecord revoked;
        audited(cli, "client.revoke", *id, [&] {
            revoked = cli.data().database().clients().revoke(*id, std::chrono::system_clock::now());
            return std::string();
        });
        if (cli.json)
            std::cout << to_json(revoked).dump(2) << "\n";
        else
            print_client(revoked);
    });
}

}  // namespace sign::signctl
