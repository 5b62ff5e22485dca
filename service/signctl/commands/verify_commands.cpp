#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include <nlohmann/json.hpp>

#include "../audit_trail.h"
#include "../commands.h"
#include "../document_formats.h"
#include "../exit_codes.h"
#include "../output.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/messages.h"
#include "sign/utc_time.h"
#include "sign/verification/trust_anchors.h"

namespace sign::signctl {

using i18n::tr;
namespace fs = std::filesystem;

namespace {

// The renderings `--report` offers; a new one is one more line here.
struct ReportRendering {
    std::string name;
    std::function<std::string(const validate::ValidationReport&, const validate::CheckedFile&)> render;
    bool binary = false;  ///< written to --output only, never to a terminal
};

const std::vector<ReportRendering>& report_renderings() {
    using validate::CheckedFile;
    using validate::ValidationReport;
    auto in_module = [](const char* format) {
        return [format](const ValidationReport& report, const CheckedFile& file) {
            return document_formats().render_report(report, format, file);
        };
    };
    static const std::vector<ReportRendering> renderings{
        {"vi", [](const ValidationReport& report, const CheckedFile&) { return report.to_text(validate::Language::vietnamese); }},
        {"en", [](const ValidationReport& report, const CheckedFile&) { return report.to_text(validate::Language::english); }},
        {"json", [](const ValidationReport& report, const CheckedFile&) { return report.to_json().dump(2) + "\n"; }},
        {"etsi", in_module("etsi")},
        {"pdf", in_module("pdf"), true},
        {"pdf-en", in_module("pdf-en"), true},
    };
    return renderings;
}

std::vector<std::string> rendering_names() {
    std::vector<std::string> names;
    for (const auto& rendering : report_renderings()) names.push_back(rendering.name);
    return names;
}

const ReportRendering& rendering_named(const std::string& name) {
    for (const auto& rendering : report_renderings())
        if (rendering.name == name) return rendering;
    throw Error(ErrorKind::invalid_input, "unknown_report_format", "no report format '" + name + "'");
}

struct VerifyArguments {
    std::string file;
    std::optional<std::string> detached;
    std::optional<std::string> digest;
    std::string report = "vi";
    std::optional<std::string> output;
    std::optional<std::string> policy;
    bool offline = false;
    std::optional<std::string> at;
};

// The PDF reader's own bound; a larger file is refused before it is read into memory.
constexpr std::uintmax_t max_signed_file = validate::PdfLimits{}.max_file_size;

std::vector<std::uint8_t> read_input(const std::string& path) {
    std::error_code error;
    auto size = fs::file_size(path, error);
    if (error) throw Error(ErrorKind::not_found, "file_not_found", "cannot read " + path);
    if (size > max_signed_file)
        throw Error(ErrorKind::invalid_input, "file_too_large", path + " is larger than the 1 GiB a signed file may be");
    return read_file(path);
}

validate::DocumentDigest parse_digest(const std::string& text) {
    auto colon = text.find(':');
    std::optional<std::vector<std::uint8_t>> value;
    if (colon != std::string::npos && colon > 0) value = from_hex(std::string_view(text).substr(colon + 1));
    if (!value || value->empty())
        throw Error(ErrorKind::invalid_input, "invalid_digest", "--digest takes ALGORITHM:HEX, e.g. sha256:9f86d0...");
    return {text.substr(0, colon), std::move(*value)};
}

int exit_code_for(validate::MainIndication indication) {
    switch (indication) {
        case validate::MainIndication::total_passed: return exit_ok;
        case validate::MainIndication::total_failed: return exit_signature_invalid;
        case validate::MainIndication::indeterminate: return exit_signature_indeterminate;
    }
    return exit_internal;
}

void run_verify(Cli& cli, const VerifyArguments& args) {
    const auto& rendering = rendering_named(cli.json ? "json" : args.report);
    if (rendering.binary && !args.output)
        throw Error(ErrorKind::invalid_input, "output_required",
                    "the '" + rendering.name + "' report is a PDF: name the file to write with --output");
    verification::VerificationRequest request;
    request.signed_file = read_input(args.file);
    if (args.detached) request.document = read_input(*args.detached);
    if (args.digest) request.document_digest = parse_digest(*args.digest);
    request.offline = args.offline;
    if (args.at) request.at = parse_utc(*args.at);
    if (args.policy) request.policy = validate::ValidationPolicy::load(*args.policy);
    auto outcome = document_formats().verify(cli.data().root(), request);
    std::string text = rendering.render(outcome.report, validate::CheckedFile::of(fs::path(args.file).filename().string(),
                                                                                 request.signed_file));
    if (args.output) write_file_atomically(*args.output, text);
    else std::cout << text;
    cli.exit_code = exit_code_for(outcome.report.overall());
}

nlohmann::json to_json(const verification::TrustAnchor& anchor) {
    return {{"id", anchor.id},
            {"name", anchor.name},
            {"subject", anchor.subject},
            {"fingerprint_sha256", anchor.fingerprint_sha256},
            {"not_before", format_utc(anchor.not_before)},
            {"not_after", format_utc(anchor.not_after)},
            {"built_in", anchor.built_in},
            {"added_at", anchor.added_at.empty() ? nlohmann::json() : nlohmann::json(anchor.added_at)}};
}

}  // namespace

void add_verify_commands(CLI::App& app, Cli& cli) {
    auto* verify = app.add_subcommand("verify", "Validate the signatures of a PDF, a CMS/CAdES signature (.p7s, .p7m) or an "
                                                "XML document and print the report (exit 0 valid, 11 invalid, 12 indeterminate)");
    auto args = std::make_shared<VerifyArguments>();
    verify->add_option("FILE", args->file, "The signed file")->required()->check(CLI::ExistingFile);
    auto* detached = verify->add_option("--detached", args->detached, "The document a detached .p7s signs")->check(CLI::ExistingFile);
    verify->add_option("--digest", args->digest, "Or only its digest, ALGORITHM:HEX (hash-only validation)")->excludes(detached);
    verify->add_option("--report", args->report, "Report format: vi (default), en, json, etsi (TS 119 102-2 XML), pdf or pdf-en (printable; needs --output)")
        ->check(CLI::IsMember(rendering_names()));
    verify->add_option("--output", args->output, "Write the report to this file instead of the standard output");
    verify->add_option("--policy", args->policy, "Validation policy file (default: the built-in policy)")->check(CLI::ExistingFile);
    verify->add_flag("--offline", args->offline, "Fetch nothing: revocation data and issuers only from the file and the data folder");
    verify->add_option("--at", args->at, "Validate as of this UTC time, e.g. 2030-01-01T00:00:00Z (default: now)");
    verify->callback([&cli, args] { run_verify(cli, *args); });
}

void add_trust_commands(CLI::App& app, Cli& cli) {
    auto* trust = app.add_subcommand("trust", "The trust anchors that verification accepts (the data folder's root is always one)");
    trust->require_subcommand(1);

    auto* add = trust->add_subcommand("add", "Trust a root CA certificate (PEM or DER), e.g. the national root CA");
    auto file = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    add->add_option("FILE", *file, "The CA certificate")->required()->check(CLI::ExistingFile);
    add->add_option("--name", *name, "A name to list it by (default: its common name)");
    add->callback([&cli, file, name] {
        verification::TrustAnchorFolder anchors(cli.data().root());
        verification::TrustAnchor added;
        audited(cli, "trust.add", *file, [&] {
            added = anchors.add(read_file(*file), *name, std::chrono::system_clock::now());
            return added.id;
        });
        if (cli.json) std::cout << to_json(added).dump(2) << "\n";
        else std::cout << tr("trusted: ") << added.id << "  " << added.name << "\n";
    });

    auto* list = trust->add_subcommand("list", "List the trust anchors");
    list->callback([&cli] {
        auto anchors = verification::TrustAnchorFolder(cli.data().root()).list();
        if (cli.json) {
            nlohmann::json items = nlohmann::json::array();
            for (const auto& anchor : anchors) items.push_back(to_json(anchor));
            std::cout << items.dump(2) << "\n";
            return;
        }
        Table table({"ID", "NAME", "NOT_AFTER", "SOURCE"});
        for (const auto& anchor : anchors)
            table.add_row({anchor.id, anchor.name, format_utc(anchor.not_after), anchor.built_in ? "data-folder" : "added"});
        table.print(std::cout);
    });

    auto* remove = trust->add_subcommand("remove", "Stop trusting an anchor that was added");
    auto id = std::make_shared<std::string>();
    remove->add_option("ID", *id, "Its id, as `trust list` shows it")->required();
    remove->callback([&cli, id] {
        audited(cli, "trust.remove", *id, [&] {
            verification::TrustAnchorFolder(cli.data().root()).remove(*id);
            return *id;
        });
        if (!cli.json) std::cout << tr("removed: ") << *id << "\n";
        else std::cout << nlohmann::json{{"removed", *id}}.dump(2) << "\n";
    });
}

}  // namespace sign::signctl
