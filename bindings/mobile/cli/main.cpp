// signmobile: the reference phone client, on the C API of the mobile SDK only.
// `signmobile --help` lists the commands; bindings/README.md documents them and the exit codes.

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli_error.h"
#include "display_time.h"
#include "profile.h"
#include "sign/messages.h"
#include "signmobile.h"
#include "terminal.h"

namespace signmobile::cli {
namespace {

using sign::i18n::display_columns;
using sign::i18n::format;
using sign::i18n::tr;

struct ClientDeleter { void operator()(sm_client* client) const { sm_client_free(client); } };
struct KeyDeleter { void operator()(sm_key* key) const { sm_key_free(key); } };
struct BufferDeleter { void operator()(void* buffer) const { sm_free(buffer); } };
using ClientPtr = std::unique_ptr<sm_client, ClientDeleter>;
using KeyPtr = std::unique_ptr<sm_key, KeyDeleter>;
using Text = std::unique_ptr<char, BufferDeleter>;
using Bytes = std::unique_ptr<uint8_t, BufferDeleter>;

struct Options {
    std::string profile_dir = default_profile_dir();
    bool json = false;
    std::string time_zone;
    // enrol
    std::string server, ca, code, name;
    // shared by enrol and approve
    std::string pin_file;
    // requests list
    int wait = 0;
    // request show/approve/reject
    std::string request_id;
    std::string preview;
    std::optional<int> document;
};

// A profile's client, speaking for its device with the key from device-key.pem.
struct Device {
    Profile profile;
    KeyPtr key;
    ClientPtr client;
};

Device open_device(const std::string& dir) {
    Device device;
    device.profile = load_profile(dir);
    sm_key* key = nullptr;
    check(sm_key_load_pem(device.profile.key_file().c_str(), &key), "cannot load the device key");
    device.key.reset(key);
    sm_client* client = nullptr;
    check(sm_client_new(device.profile.server.c_str(), device.profile.ca_file.c_str(), &client),
          "cannot set up the connection");
    device.client.reset(client);
    check(sm_client_set_device(client, device.profile.device_id.c_str(), sm_key_signer(key)),
          "the profile's device id is unusable");
    return device;
}

nlohmann::json parse(const char* text) { return nlohmann::json::parse(text, nullptr, false); }

std::string pin_for(const Options& options, bool confirm) {
    if (!options.pin_file.empty()) return read_pin_file(options.pin_file);
    auto pin = prompt_hidden(tr("PIN: "));
    if (!pin) throw CliError(exit_usage, "no_pin", tr("no terminal to ask for the PIN on: pass --pin-file"));
    if (pin->empty()) throw CliError(exit_usage, "no_pin", tr("no PIN given"));
    if (confirm) {
        auto again = prompt_hidden(tr("PIN again: "));
        if (!again || *again != *pin) throw CliError(exit_usage, "pin_mismatch", tr("the two PINs differ"));
    }
    return *pin;
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "signmobile";
    return std::string("signmobile on ") + name;
}

void enrol(const Options& options) {
    namespace fs = std::filesystem;
    std::string dir = fs::absolute(options.profile_dir).string();
    if (fs::exists(Profile::device_file(dir)))
        throw CliError(exit_conflict, "already_enrolled",
                       dir + " holds an enrolled device already; choose another --profile");
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) throw CliError(exit_invalid_input, "profile_unwritable", "cannot create " + dir + ": " + error.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, error);

    std::ifstream ca_in(options.ca, std::ios::binary);
    if (!ca_in) throw CliError(exit_invalid_input, "ca_unreadable", "cannot read the CA file " + options.ca);
    std::string ca_pem{std::istreambuf_iterator<char>(ca_in), std::istreambuf_iterator<char>()};
    if (ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        throw CliError(exit_invalid_input, "ca_not_pem", options.ca + " holds no PEM certificate");

    std::string pin = pin_for(options, true);

    Profile profile;
    profile.dir = dir;
    profile.server = options.server;
    profile.ca_file = dir + "/ca.pem";
    write_file_atomically(profile.ca_file, ca_pem, 0644);

    sm_key* raw_key = nullptr;
    check(sm_key_generate(&raw_key), "cannot generate the device key");
    KeyPtr key(raw_key);
    // The key is on disk before the server knows it, so an enrolled device never lacks its key.
    check(sm_key_save_pem(key.get(), profile.key_file().c_str()), "cannot save the device key");
    uint8_t* der = nullptr;
    size_t der_len = 0;
    check(sm_key_public_der(key.get(), &der, &der_len), "cannot export the public key");
    Bytes public_key(der);

    sm_client* raw_client = nullptr;
    check(sm_client_new(options.server.c_str(), profile.ca_file.c_str(), &raw_client), "cannot set up the connection");
    ClientPtr client(raw_client);
    char* device_id = nullptr;
    char* answer = nullptr;
    std::string name = options.name.empty() ? host_name() : options.name;
    sm_status status = sm_enrol(client.get(), options.code.c_str(), pin.c_str(), name.c_str(), public_key.get(),
                                der_len, &device_id, &answer);
    std::fill(pin.begin(), pin.end(), '\0');
    if (status != SM_OK) {
        // Nothing was enrolled: leave no key behind that looks like a device's.
        std::filesystem::remove(profile.key_file(), error);
        throw_sdk_failure(status, "enrolment failed");
    }
    Text id(device_id);
    Text body(answer);
    auto json = parse(body.get());
    profile.device_id = id.get();
    profile.signer = json.is_object() && json.contains("signer") ? json["signer"] : nlohmann::json::object();
    save_profile(profile);

    if (options.json) {
        std::cout << nlohmann::json{{"deviceId", profile.device_id}, {"signer", profile.signer}, {"profile", dir}}.dump(2)
                  << "\n";
    } else {
        std::cout << format(tr("Enrolled device {} for {} ({}).\nProfile: {}"),
                            {profile.device_id, profile.signer.value("name", "?"), profile.signer.value("id", "?"), dir})
                  << "\n";
    }
}

void list_requests(const Options& options) {
    auto device = open_device(options.profile_dir);
    char* text = nullptr;
    check(sm_requests_list(device.client.get(), options.wait, &text), "cannot list the requests");
    Text owned(text);
    if (options.json) {
        std::cout << text << "\n";
        return;
    }
    auto requests = parse(text)["requests"];
    if (requests.empty()) {
        std::cout << tr("No pending requests.") << "\n";
        return;
    }
    for (const auto& request : requests) {
        std::cout << format(tr("{}  expires {}  {} document(s)  {}"),
                            {request.value("id", ""), display_time(request.value("expiresAt", "")),
                             std::to_string(request.value("documents", nlohmann::json::array()).size()),
                             request.value("displayText", "")})
                  << "\n";
    }
}

// The request as the server sent it, its challenge already checked by the SDK.
std::string fetch_request(sm_client* client, const std::string& id) {
    char* text = nullptr;
    check(sm_request_get(client, id.c_str(), &text), "cannot get request " + id);
    Text owned(text);
    return text;
}

void print_request(std::ostream& out, const nlohmann::json& request) {
    const std::pair<std::string, std::string> fields[] = {
        {tr("Request"), request.value("id", "")},           {tr("From"), request.value("clientName", "")},
        {tr("Signer"), request.value("signer", "")},        {tr("Text"), request.value("displayText", "")},
        {tr("Created"), display_time(request.value("createdAt", ""))},
        {tr("Expires"), display_time(request.value("expiresAt", ""))},
        {tr("State"), request.value("state", "")},
        {tr("Documents"), std::to_string(request["documents"].size())},
    };
    size_t width = 0;
    for (const auto& [label, value] : fields) width = std::max(width, display_columns(label));
    for (const auto& [label, value] : fields) out << label << std::string(width + 2 - display_columns(label), ' ') << value << "\n";
    for (const auto& document : request["documents"]) {
        out << "  [" << document.value("index", -1) << "] " << document.value("type", "") << "  "
            << document.value("title", "") << "\n"
            << "      sha256 " << document.value("sha256", "") << "\n"
            << "      signs  " << document.value("digestAlgorithm", "") << " " << document.value("digest", "") << "\n";
    }
}

void show_request(const Options& options) {
    auto device = open_device(options.profile_dir);
    auto text = fetch_request(device.client.get(), options.request_id);
    auto request = parse(text.c_str());
    std::optional<int> preview_index = options.document;
    if (!options.preview.empty() && !preview_index) {
        for (const auto& document : request["documents"]) {
            if (document.value("type", "") == "pdf") {
                preview_index = document.value("index", 0);
                break;
            }
        }
        if (!preview_index)
            throw CliError(exit_not_found, "no_preview", "request " + options.request_id + " has no PDF to preview");
    }
    if (!options.preview.empty()) {
        uint8_t* png = nullptr;
        size_t png_len = 0;
        check(sm_request_preview(device.client.get(), options.request_id.c_str(), *preview_index, &png, &png_len),
              "cannot get the preview");
        Bytes owned(png);
        write_file_atomically(options.preview, std::string(reinterpret_cast<char*>(png), png_len), 0644);
    }
    if (options.json) {
        std::cout << request.dump(2) << "\n";
        return;
    }
    print_request(std::cout, request);
    std::cout << tr("The approval signs exactly these digests (challenge checked).") << "\n";
    if (!options.preview.empty())
        std::cout << format(tr("Preview of document {} written to {}"), {std::to_string(*preview_index), options.preview})
                  << "\n";
}

void report_decision(const Options& options, const char* result, const char* done_message) {
    auto request = parse(result);
    if (options.json) std::cout << request.dump(2) << "\n";
    auto state = request.value("state", "");
    if (state == "failed") {
        auto error = request.value("error", nlohmann::json::object());
        std::string detail = error.is_object() ? error.value("code", "") + ": " + error.value("detail", "") : "";
        throw CliError(exit_server, "signing_failed",
                       "request " + options.request_id + " was approved but signing failed: " + detail);
    }
    if (!options.json) std::cout << format(tr(done_message), {options.request_id, state}) << "\n";
}

void approve_request(const Options& options) {
    auto device = open_device(options.profile_dir);
    auto text = fetch_request(device.client.get(), options.request_id);
    // What is approved is what is shown: the same JSON goes into the approval.
    if (!options.json) print_request(std::cerr, parse(text.c_str()));
    std::string pin = pin_for(options, false);
    char* result = nullptr;
    sm_status status = sm_request_approve(device.client.get(), text.c_str(), pin.c_str(), &result);
    std::fill(pin.begin(), pin.end(), '\0');
    check(status, "cannot approve request " + options.request_id);
    Text owned(result);
    report_decision(options, result, N_("Request {} approved (state {})."));
}

void reject_request(const Options& options) {
    auto device = open_device(options.profile_dir);
    auto text = fetch_request(device.client.get(), options.request_id);
    char* result = nullptr;
    check(sm_request_reject(device.client.get(), text.c_str(), &result), "cannot reject request " + options.request_id);
    Text owned(result);
    report_decision(options, result, N_("Request {} rejected (state {})."));
}

}  // namespace
}  // namespace signmobile::cli

using namespace signmobile::cli;

int main(int argc, char** argv) {
    sign::i18n::init();
    Options options;
    CLI::App app{N_("signmobile: approve signature requests from this device.\n"
                    "Enrol once with the activation code your administrator gave you, then list, show,\n"
                    "approve (with your PIN) or reject the requests waiting for your signature.")};
    sign::i18n::translate_help(app);
    app.require_subcommand(1);
    app.fallthrough();
    app.add_option("--profile", options.profile_dir,
                   "Device profile folder (default: $SIGNMOBILE_PROFILE or ~/.config/signmobile)");
    app.add_flag("--json", options.json,
                 "Print JSON for scripts (errors too, as {\"error\": {...}}); times stay UTC ISO 8601 there");
    app.add_option("--tz", options.time_zone,
                   "Time zone for the times shown (default: $TZ, else Asia/Ho_Chi_Minh), e.g. Europe/Paris");
    app.footer("Examples:\n"
               "  signmobile --profile ~/an enrol --server https://sign.city.example --ca root.pem --code K7QD-2M9X-...\n"
               "  signmobile --profile ~/an requests list --wait 25\n"
               "  signmobile --profile ~/an request show <id> --preview page1.png\n"
               "  signmobile --profile ~/an request approve <id>\n\n"
               "Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid input or refused by the server,\n"
               "4 server unreachable or untrusted TLS, 5 not found, 6 not pending / expired / already enrolled,\n"
               "7 wrong PIN or signer locked, 8 device unknown or revoked, 9 server answer breaks the contract,\n"
               "10 server failure or signing failed.");

    std::function<void(const Options&)> command;

    auto* enrol_cmd = app.add_subcommand("enrol", "Enrol this device with an activation code");
    enrol_cmd->add_option("--server", options.server, "The signing service, e.g. https://sign.city.example")->required();
    enrol_cmd->add_option("--ca", options.ca, "PEM file of the service's root certificate")->required()->check(CLI::ExistingFile);
    enrol_cmd->add_option("--code", options.code, "The activation code, or the QR code's text signd-activation:<code> (dashes, spaces and case do not matter)")->required();
    enrol_cmd->add_option("--pin-file", options.pin_file, "File holding the PIN to choose (asked twice on the terminal otherwise)");
    enrol_cmd->add_option("--name", options.name, "A name for this device (default: signmobile on <host name>)");
    enrol_cmd->callback([&] { command = enrol; });

    auto* requests_cmd = app.add_subcommand("requests", "The requests waiting for your signature");
    requests_cmd->require_subcommand(1);
    auto* list_cmd = requests_cmd->add_subcommand("list", "List pending requests, newest first");
    list_cmd->add_option("--wait", options.wait, "When none is pending, wait up to this many seconds for one (1-25)")
        ->check(CLI::Range(0, 25));
    list_cmd->callback([&] { command = list_requests; });

    auto* request_cmd = app.add_subcommand("request", "One request: show, approve or reject it");
    request_cmd->require_subcommand(1);
    auto* show_cmd = request_cmd->add_subcommand("show", "Show a request and what its approval signs");
    show_cmd->add_option("id", options.request_id, "The request id")->required();
    show_cmd->add_option("--preview", options.preview, "Write a PNG of the first page of a PDF document here");
    show_cmd->add_option("--document", options.document, "Which document to preview (default: the first PDF)");
    show_cmd->callback([&] { command = show_request; });
    auto* approve_cmd = request_cmd->add_subcommand("approve", "Approve a request: sign with this device and your PIN");
    approve_cmd->add_option("id", options.request_id, "The request id")->required();
    approve_cmd->add_option("--pin-file", options.pin_file, "File holding the PIN (asked on the terminal otherwise)");
    approve_cmd->callback([&] { command = approve_request; });
    auto* reject_cmd = request_cmd->add_subcommand("reject", "Reject a request (no PIN needed)");
    reject_cmd->add_option("id", options.request_id, "The request id")->required();
    reject_cmd->callback([&] { command = reject_request; });

    try {
        // signd's ids never start with '-'; "--" still ends the options for any other id.
        app.parse(argc, argv);
        use_display_zone(display_zone(options.time_zone));
        if (command) command(options);
        return exit_ok;
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? exit_ok : exit_usage;
    } catch (const CliError& error) {
        if (options.json)
            std::cout << nlohmann::json{{"error", {{"code", error.code()}, {"message", error.what()}}}}.dump(2) << "\n";
        std::cerr << "signmobile: " << sign::i18n::translate_message(error.what()) << "\n";
        return error.exit_code();
    } catch (const std::exception& error) {
        std::cerr << "signmobile: " << sign::i18n::tr("unexpected failure: ") << error.what() << "\n";
        return exit_internal;
    }
}
