#include <iostream>

#include <nlohmann/json.hpp>

#include "../commands.h"
#include "../output.h"

namespace sign::signctl {

namespace {

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
    return text;
}

}  // namespace

void add_profile_commands(CLI::App& app, Cli& cli) {
    auto* profile = app.add_subcommand("profile", "Inspect certificate profiles (edit <data>/profiles.toml to change them)");
    profile->require_subcommand(1);
    profile->add_subcommand("list", "List the profiles in force")->callback([&cli] {
        const ProfileCatalog& catalog = cli.data().profiles();
        if (cli.json) {
            auto list = nlohmann::json::array();
            for (const auto& name : catalog.names()) {
                const auto& p = catalog.get(name);
                list.push_back({{"name", p.name}, {"description", p.description}, {"ca", p.is_ca},
                                {"key_usage", p.key_usage}, {"extended_key_usage", p.extended_key_usage},
                                {"max_validity_days", p.max_validity_days}, {"default_key", p.default_key_algorithm},
                                {"required_attributes", p.required_attributes}});
            }
            std::cout << list.dump(2) << "\n";
            return;
        }
        Table table({"PROFILE", "KEY", "MAX DAYS", "REQUIRED SUBJECT", "DESCRIPTION"});
        for (const auto& name : catalog.names()) {
            const auto& p = catalog.get(name);
            table.add_row({p.name, p.default_key_algorithm, std::to_string(p.max_validity_days),
                           joined(p.required_attributes), p.description});
        }
        table.print(std::cout);
    });
}

}  // namespace sign::signctl
