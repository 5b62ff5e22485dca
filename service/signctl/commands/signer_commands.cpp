#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "../audit_trail.h"
#include "../commands.h"
#include "../output.h"
#include "../document_formats.h"
#include "sign/messages.h"
#include "../qr_png.h"
#include "sign/data_folder/hidden_input.h"
#include "sign/error.h"
#include "sign/signature_scheme.h"
#include "sign/signing/sole_control.h"
#include "sign/utc_time.h"

namespace sign::signctl {

namespace {

struct SignerArguments {
    std::string id;
    std::string name;
    std::string certificate;
    std::optional<std::string> pin_file;
    bool no_pin = false;
    std::optional<std::string> image;
    std::optional<std::string> activation_qr;
    std::string activation_valid = "24h";
    std::string scheme;
};

// What --scheme says of a signer's documents.
constexpr const char* scheme_help =
    "Signature scheme of the signer's documents: rsa-pss, rsa-pkcs1 or ecdsa; empty: the key's default "
    "(rsa-pss for RSA, ecdsa for EC). rsa-pkcs1 where viewers in use cannot check RSA-PSS (docs/compatibility.md)";

// `scheme` checked to fit the key at `key_uri`; empty (the key's default) passes as it is.
void check_signer_scheme(DataFolder& data, const std::string& key_uri, const std::string& scheme) {
    if (scheme.empty()) return;
    SignatureScheme parsed = parse_signature_scheme(scheme);
    check_scheme_fits_key(data.token().private_key(key_uri).public_key().get(), parsed);
}

nlohmann::json to_json(const store::SignerRecord& signer) {
    return {
        {"id", signer.id},
        {"name", signer.display_name},
        {"certificate", signer.certificate_serial},
        {"key_uri", signer.key_uri},
        {"has_pin", signer.has_pin},
        {"scheme", signer.scheme.empty() ? nlohmann::json() : nlohmann::json(signer.scheme)},
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
    table.add_row({"csc_pin", signer.has_pin ? "yes" : "no (approves on a phone)"});
    table.add_row({"scheme", signer.scheme.empty() ? "the key's default" : signer.scheme});
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

// The CSC PIN, or nothing for a signer that approves only on a phone (--no-pin).
std::optional<std::string> signer_pin(const SignerArguments& args) {
    if (args.no_pin) return std::nullopt;
    if (args.pin_file) return read_pin_file(*args.pin_file);
    if (!isatty(STDIN_FILENO))
        throw Error(ErrorKind::invalid_input, "pin_required",
                    "the signer's PIN is needed: give --pin-file, --no-pin, or run on a terminal to be asked for it");
    std::string pin = data_folder::read_hidden_line(i18n::format(i18n::tr("PIN for signer '{}': "), {args.id}));
    if (data_folder::read_hidden_line(i18n::tr("The same PIN again: ")) != pin)
        throw Error(ErrorKind::invalid_input, "pins_differ", "the two PINs differ; nothing was added");
    return pin;
}

// The signer's certificate: ours, a person's, valid now, its key on the token. Returns its key URI.
std::string signer_key(DataFolder& data, const std::string& serial) {
    auto record = data.database().certificates().find(serial);
    if (!record) throw Error(ErrorKind::not_found, "unknown_certificate", "no certificate with serial " + serial);
    // Remote signers sign as persons; seals, CAs and service certificates never do.
    if (!signing::is_personal_profile(data.profiles(), record->profile))
        throw Error(ErrorKind::policy, "not_a_signer_certificate",
                    "certificate " + record->serial_hex + " has profile '" + record->profile +
                        "'; remote signers need a certificate of a personal profile (leader, citizen)");
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

// "24h", "30m", "90s": how long an activation code is valid.
std::chrono::seconds parse_duration(const std::string& text) {
    Error invalid(ErrorKind::invalid_input, "invalid_duration",
                  "'" + text + "' is not a duration such as 24h, 30m or 90s");
    if (text.size() < 2 || text.size() > 10) throw invalid;
    std::string digits = text.substr(0, text.size() - 1);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) throw invalid;
    long long count = std::stoll(digits);
    switch (text.back()) {
    case 'h': return std::chrono::hours{count};
    case 'm': return std::chrono::minutes{count};
    case 's': return std::chrono::seconds{count};
    default: throw invalid;
    }
}

// A duration within what an activation code may be valid, checked before anything is stored.
std::chrono::seconds activation_validity(const std::string& text) {
    auto validity = parse_duration(text);
    if (validity < std::chrono::minutes{1} || validity > store::DeviceStore::max_activation_validity)
        throw Error(ErrorKind::invalid_input, "validity_out_of_range", "an activation code is valid for 1 minute to 24 hours");
    return validity;
}

// The signer's signature image, checked to be a PNG before anything is stored.
std::string read_signature_image(const std::string& file) {
    auto bytes = read_file(file);
    static const uint8_t png_signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (bytes.size() < sizeof png_signature || !std::equal(std::begin(png_signature), std::end(png_signature), bytes.begin()))
        throw Error(ErrorKind::invalid_input, "not_a_png", "the signature image " + file + " is not a PNG file");
    return std::string(bytes.begin(), bytes.end());
}

// <data>/images/signers/<id>.png, which signd draws in the signer's PDF signatures.
void store_signature_image(DataFolder& data, const std::string& signer_id, const std::string& png) {
    std::filesystem::path path = data.path("images/signers/" + signer_id + ".png");
    std::filesystem::create_directories(path.parent_path());
    write_file_atomically(path.string(), png);
}

nlohmann::json activation_json(const store::ActivationCode& code, const std::optional<std::string>& qr) {
    return {{"code", code.code},
            {"expires_at", format_utc(code.expires_at)},
            {"qr", qr ? nlohmann::json(*qr) : nlohmann::json()}};
}

void print_activation(const store::ActivationCode& code, const std::optional<std::string>& qr) {
    std::cout << "Activation code for signer '" << code.signer_id << "': " << code.code << "\n"
              << "Valid until " << format_utc(code.expires_at) << "; it works once and is not shown again.\n";
    if (qr) std::cout << "QR code written to " << *qr << "\n";
}

// Issues a code for `signer_id` and writes its QR code to `qr` when given; audited as signer.activation.
store::ActivationCode issue_activation(Cli& cli, const std::string& signer_id, const std::string& valid,
                                       const std::optional<std::string>& qr) {
    store::ActivationCode code;
    audited(cli, "signer.activation", signer_id, [&] {
        auto validity = activation_validity(valid);
        code = cli.data().database().devices().issue_activation(signer_id, validity, std::chrono::system_clock::now());
        if (qr) document_formats().write_qr_png(activation_qr_payload(code.code), *qr);
        return std::string();
    });
    return code;
}

void add_signer_add(CLI::App& signer, Cli& cli) {
    auto* add = signer.add_subcommand("add", "Add a remote signer: a leader or citizen certificate and the signer's PIN");
    auto args = std::make_shared<SignerArguments>();
    add->add_option("id", args->id, "Signer id (its CSC credential id): 1 to 64 of a-z, 0-9, '-'")->required();
    add->add_option("--name", args->name, "The signer's name as lists show it")->required();
    add->add_option("--cert", args->certificate, "Serial of the signer's certificate in this CA")->required();
    auto* pin_file = add->add_option("--pin-file", args->pin_file,
                                     "File holding the signer's CSC PIN (4 to 64 characters); without it or --no-pin, "
                                     "asked twice on the terminal");
    add->add_flag("--no-pin", args->no_pin, "No CSC PIN: the signer approves only on a phone")->excludes(pin_file);
    add->add_option("--image", args->image,
                    "PNG of the signer's handwritten signature, drawn in its PDF signatures");
    auto* qr = add->add_option("--activation-qr", args->activation_qr,
                               "Issue an activation code for the signer's phone and write it as a QR code PNG here");
    add->add_option("--activation-valid", args->activation_valid,
                    "How long the activation code is valid, e.g. 24h or 30m (at most 24h)")
        ->capture_default_str()
        ->needs(qr);
    add->add_option("--scheme", args->scheme, scheme_help);
    add->callback([&cli, args] {
        DataFolder& data = cli.data();
        store::SignerRecord added;
        std::optional<store::ActivationCode> code;
        audited(cli, "signer.add", args->id, [&] {
            // Everything is checked before the signer is stored.
            std::string key_uri = signer_key(data, args->certificate);
            check_signer_scheme(data, key_uri, args->scheme);
            std::optional<std::string> image = args->image ? std::optional(read_signature_image(*args->image)) : std::nullopt;
            if (args->activation_qr) activation_validity(args->activation_valid);
            std::optional<std::string> pin = signer_pin(*args);
            added = data.database().signers().add(args->id, args->name, args->certificate, key_uri, pin, std::chrono::system_clock::now(),
                                       args->scheme);
            if (image) store_signature_image(data, args->id, *image);
            return std::string();
        });
        if (args->activation_qr) code = issue_activation(cli, args->id, args->activation_valid, args->activation_qr);
        if (cli.json) {
            auto json = to_json(added);
            if (code) json["activation"] = activation_json(*code, args->activation_qr);
            std::cout << json.dump(2) << "\n";
            return;
        }
        print_signer(added, false);
        if (code) print_activation(*code, args->activation_qr);
    });
}

void add_signer_activation(CLI::App& signer, Cli& cli) {
    auto* activation = signer.add_subcommand(
        "activation", "Issue a new one-time activation code for a signer's phone (earlier unused codes stay valid)");
    struct Arguments {
        std::string id;
        std::optional<std::string> qr;
        std::string valid = "24h";
    };
    auto args = std::make_shared<Arguments>();
    activation->add_option("id", args->id, "Signer id")->required();
    activation->add_option("--qr", args->qr, "Also write the code as a QR code PNG here");
    activation->add_option("--valid", args->valid, "How long the code is valid, e.g. 24h or 30m (at most 24h)")
        ->capture_default_str();
    activation->callback([&cli, args] {
        auto code = issue_activation(cli, args->id, args->valid, args->qr);
        if (cli.json) {
            auto json = activation_json(code, args->qr);
            json["signer"] = code.signer_id;
            std::cout << json.dump(2) << "\n";
            return;
        }
        print_activation(code, args->qr);
    });
}

nlohmann::json to_json(const store::DeviceRecord& device) {
    return {
        {"id", device.id},
        {"status", device.revoked() ? "revoked" : "active"},
        {"name", device.name},
        {"created_at", format_utc(device.created_at)},
        {"revoked_at", device.revoked_at ? nlohmann::json(format_utc(*device.revoked_at)) : nlohmann::json()},
    };
}

void add_signer_devices(CLI::App& signer, Cli& cli) {
    auto* devices = signer.add_subcommand("devices", "List a signer's phones, revoked ones included, oldest first");
    auto id = std::make_shared<std::string>();
    devices->add_option("id", *id, "Signer id")->required();
    devices->callback([&cli, id] {
        DataFolder& data = cli.data();
        if (!data.database().signers().find(*id)) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + *id + "'");
        auto list = data.database().devices().list(*id);
        if (cli.json) {
            auto array = nlohmann::json::array();
            for (const auto& device : list) array.push_back(to_json(device));
            std::cout << array.dump(2) << "\n";
            return;
        }
        Table table({"ID", "STATUS", "NAME", "CREATED"});
        for (const auto& device : list)
            table.add_row({device.id, device.revoked() ? "revoked" : "active", device.name, format_utc(device.created_at)});
        table.print(std::cout);
    });
}

void add_signer_revoke_device(CLI::App& signer, Cli& cli) {
    auto* revoke = signer.add_subcommand("revoke-device", "Revoke one of a signer's phones; it can do nothing more");
    auto ids = std::make_shared<std::pair<std::string, std::string>>();
    revoke->add_option("id", ids->first, "Signer id")->required();
    revoke->add_option("device-id", ids->second, "Device id, as `signer devices` lists it")->required();
    revoke->callback([&cli, ids] {
        audited(cli, "signer.revoke-device", ids->first + "/" + ids->second, [&] {
            cli.data().database().devices().revoke(ids->first, ids->second, std::chrono::system_clock::now());
            return std::string();
        });
        auto device = cli.data().database().devices().find(ids->second);
        if (cli.json) {
            std::cout << to_json(*device).dump(2) << "\n";
            return;
        }
        std::cout << "Device " << device->id << " (" << device->name << ") of signer '" << ids->first << "' is revoked.\n";
    });
}

}  // namespace

void add_signer_commands(CLI::App& app, Cli& cli) {
    auto* signer = app.add_subcommand("signer", "Manage the remote signers (CSC credentials) of the signing service");
    signer->require_subcommand(1);
    add_signer_add(*signer, cli);
    add_signer_activation(*signer, cli);
    add_signer_devices(*signer, cli);
    add_signer_revoke_device(*signer, cli);

    signer->add_subcommand("list", "List the signers, with their wrong-PIN count and lock")->callback([&cli] {
        auto signers = cli.data().database().signers().list();
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

    auto* set_scheme = signer->add_subcommand("set-scheme", "Choose the signature scheme of a signer's documents");
    auto scheme_args = std::make_shared<std::pair<std::string, std::string>>();
    set_scheme->add_option("id", scheme_args->first, "Signer id")->required();
    set_scheme->add_option("--scheme", scheme_args->second, scheme_help)->required();
    set_scheme->callback([&cli, scheme_args] {
        const auto& [signer_id, scheme] = *scheme_args;
        audited(cli, "signer.scheme", signer_id, [&] {
            auto record = cli.data().database().signers().find(signer_id);
            if (!record) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + signer_id + "'");
            check_signer_scheme(cli.data(), record->key_uri, scheme);
            cli.data().database().signers().set_scheme(signer_id, scheme);
            return std::string();
        });
        print_signer(*cli.data().database().signers().find(signer_id), cli.json);
    });

    auto* unlock = signer->add_subcommand("unlock", "Clear a signer's lock and wrong-PIN count");
    auto id = std::make_shared<std::string>();
    unlock->add_option("id", *id, "Signer id")->required();
    unlock->callback([&cli, id] {
        audited(cli, "signer.unlock", *id, [&] {
            cli.data().database().signers().unlock(*id);
            return std::string();
        });
        print_signer(*cli.data().database().signers().find(*id), cli.json);
    });
}

}  // namespace sign::signctl
