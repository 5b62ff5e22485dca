#include <iostream>

#include <nlohmann/json.hpp>

#include "../commands.h"
#include "../output.h"
#include "sign/hex.h"

namespace sign::signctl {

namespace {

const char* type_name(hsm::ObjectType type) {
    switch (type) {
    case hsm::ObjectType::private_key: return "private key";
    case hsm::ObjectType::public_key: return "public key";
    case hsm::ObjectType::certificate: return "certificate";
    }
    return "object";
}

}  // namespace

void add_token_commands(CLI::App& app, Cli& cli) {
    auto* token = app.add_subcommand("token", "Inspect the PKCS#11 token");
    token->require_subcommand(1);

    token->add_subcommand("slots", "List the module's slots and tokens")->callback([&cli] {
        auto slots = cli.data().module().slots();
        if (cli.json) {
            auto list = nlohmann::json::array();
            for (const auto& slot : slots)
                list.push_back({{"slot", slot.id}, {"description", slot.description}, {"token", slot.token_label},
                                {"serial", slot.token_serial}, {"initialized", slot.token_initialized},
                                {"pin_locked", slot.user_pin_locked}});
            std::cout << list.dump(2) << "\n";
            return;
        }
        Table table({"SLOT", "TOKEN", "SERIAL", "STATE"});
        for (const auto& slot : slots)
            table.add_row({std::to_string(slot.id), slot.token_label, slot.token_serial,
                           !slot.token_present ? "empty" : slot.user_pin_locked ? "PIN locked"
                                                       : slot.token_initialized ? "ready" : "uninitialised"});
        table.print(std::cout);
    });

    token->add_subcommand("objects", "List the keys and certificates on the token")->callback([&cli] {
        auto objects = cli.data().token().objects();
        if (cli.json) {
            auto list = nlohmann::json::array();
            for (const auto& object : objects)
                list.push_back({{"type", type_name(object.type)}, {"label", object.label}, {"id", to_hex(object.id)},
                                {"key_type", object.key_type}, {"uri", object.uri}});
            std::cout << list.dump(2) << "\n";
            return;
        }
        Table table({"TYPE", "LABEL", "KEY", "URI"});
        for (const auto& object : objects) table.add_row({type_name(object.type), object.label, object.key_type, object.uri});
        table.print(std::cout);
    });
}

}  // namespace sign::signctl
