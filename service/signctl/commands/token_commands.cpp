#include <iostream>

#include <nlohmann/json.hpp>

#include "../audit_trail.h"
#include "../commands.h"
#include "../exit_codes.h"
#include "../output.h"
#include "sign/hex.h"
#include "sign/messages.h"

namespace sign::signctl {

namespace {

const char* type_name(hsm::ObjectType type) {
    switch (type) {
    case hsm::ObjectType::private_key: return "private key";
    case hsm::ObjectType::public_key: return "public key";
    case hsm::ObjectType::certificate: return "certificate";
    case hsm::ObjectType::secret_key: return "secret key";
    }
    return "object";
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "-" : text;
}

// A key still permitting more than its job after this run (never asked to fix, or refused).
bool still_permissive(const hsm::KeyUsageFinding& finding) {
    return finding.corrected.size() < finding.excess.size();
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

    auto* check = token->add_subcommand(
        "check", "Report keys that may do more than sign (private) or verify (public), and a missing PIN verifier "
                 "key; --fix corrects them");
    auto fix = std::make_shared<bool>(false);
    check->add_flag("--fix", *fix, "Set the excess attributes to false on the token and make the PIN verifier key");
    check->callback([&cli, fix] {
        DataFolder& data = cli.data();
        bool pin_key = data.has_pin_verifier_key();
        bool pin_key_made = false;
        if (!pin_key && *fix) {
            audited(cli, "token.pin-verifier-key", DataFolder::pin_verifier_key_label, [&] {
                data.pin_verifier_key();
                return std::string();
            });
            pin_key = pin_key_made = true;
        }
        auto findings = data.token().check_key_usage(*fix);
        bool remaining = !pin_key;
        for (const auto& finding : findings) remaining = remaining || still_permissive(finding);
        if (remaining) cli.exit_code = exit_key_usage;
        if (cli.json) {
            auto list = nlohmann::json::array();
            for (const auto& finding : findings)
                list.push_back({{"type", type_name(finding.key.type)}, {"label", finding.key.label},
                                {"id", to_hex(finding.key.id)}, {"key_type", finding.key.key_type},
                                {"uri", finding.key.uri}, {"excess", finding.excess},
                                {"corrected", finding.corrected}, {"refused", finding.refused}});
            std::cout << nlohmann::json{{"keys", list},
                                        {"pin_verifier_key", {{"label", DataFolder::pin_verifier_key_label},
                                                              {"present", pin_key},
                                                              {"made", pin_key_made}}},
                                        {"clean", !remaining}}
                             .dump(2)
                      << "\n";
            return;
        }
        if (pin_key_made)
            std::cout << i18n::tr("Made the PIN verifier key on the token; PIN verifiers made the old way are replaced "
                                  "as each PIN is next given.")
                      << "\n";
        else if (!pin_key)
            std::cout << i18n::tr("The token has no PIN verifier key: run `signctl token check --fix` before signd "
                                  "replicas share this token.")
                      << "\n";
        if (findings.empty()) {
            std::cout << i18n::tr("Every key on the token is limited to signing or verifying.") << "\n";
            return;
        }
        Table table({"TYPE", "LABEL", "PERMITS", "CORRECTED", "REFUSED"});
        for (const auto& finding : findings)
            table.add_row({type_name(finding.key.type), finding.key.label, joined(finding.excess),
                           joined(finding.corrected), joined(finding.refused)});
        table.print(std::cout);
        if (!*fix)
            std::cout << i18n::tr("Run `signctl token check --fix` to limit these keys to their job.") << "\n";
        else if (remaining)
            std::cout << i18n::tr("The token refused some changes; replace those keys with new ones.") << "\n";
    });
}

}  // namespace sign::signctl
