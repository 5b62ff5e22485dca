// `signctl extend`: brings signatures, ours or anyone's, to B-LT or B-LTA: one PDF, CAdES (.p7s,
// .p7m) or XAdES (.xml) file, or a folder of PDFs (the archive job that renews document
// time-stamps before their TSA expires).

#include <algorithm>
#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "../commands.h"
#include "../document_formats.h"
#include "../signing_setup.h"
#include "sign/atomic_file.h"
#include "sign/data_folder/local_timestamps.h"
#include "sign/error.h"
#include "sign/messages.h"
#include "sign/utc_time.h"

namespace sign::signctl {

namespace fs = std::filesystem;

namespace {

struct ExtendArguments {
    std::optional<std::string> file;
    std::optional<std::string> folder;
    std::string level = "b-lta";
    std::optional<std::string> output;
    std::optional<std::string> detached_document;
    int skip_days = 30;
    bool offline = false;
};

// Whether a folder's file was extended recently enough to leave it alone this run.
bool extended_recently(const PadesLongTermState& state, SignatureLevel level, std::chrono::system_clock::time_point now,
                       int skip_days) {
    if (level == SignatureLevel::b_lt) return state.validation_data_after_last_signature;
    return state.last_document_timestamp && *state.last_document_timestamp + std::chrono::hours(24) * skip_days > now;
}

nlohmann::json describe(const fs::path& input, const fs::path& output, const CadesExtension& done) {
    return {{"input", input.string()},          {"file", output.string()}, {"certificates", done.certificates},
            {"ocsp_responses", done.ocsp_responses}, {"crls", done.crls},     {"archive_timestamps", done.archive_timestamps}};
}

bool is_cms_signature(const fs::path& file) { return file.extension() == ".p7s" || file.extension() == ".p7m"; }

nlohmann::json describe(const fs::path& input, const fs::path& output, const XadesExtension& done) {
    return {{"input", input.string()},          {"file", output.string()}, {"certificates", done.certificates},
            {"ocsp_responses", done.ocsp_responses}, {"crls", done.crls},     {"archive_timestamps", done.archive_timestamps}};
}

nlohmann::json describe(const fs::path& input, const fs::path& output, const PadesExtension& done) {
    return {{"input", input.string()},          {"file", output.string()},       {"certificates", done.certificates},
            {"ocsp_responses", done.ocsp_responses}, {"crls", done.crls},       {"dss_updated", done.dss_updated},
            {"document_timestamp", done.document_timestamp}};
}

}  // namespace

void add_extend_command(CLI::App& app, Cli& cli) {
    auto* extend = app.add_subcommand(
        "extend",
        "Add validation data (and an archive time-stamp) to signatures: PDF, CAdES (.p7s, .p7m) or XAdES (.xml); "
        "B-LT or B-LTA, in place by default");
    auto args = std::make_shared<ExtendArguments>();
    auto* file = extend->add_option("FILE", args->file, "The signed file to extend: .pdf, .p7s, .p7m or .xml")
                     ->check(CLI::ExistingFile);
    auto* folder = extend->add_option("--folder", args->folder, "Extend every PDF of this folder, skipping recent ones")
                       ->check(CLI::ExistingDirectory);
    file->excludes(folder);
    extend->add_option("--level", args->level, "b-lt (validation data) or b-lta (and a document time-stamp)")
        ->check(CLI::IsMember({"b-lt", "b-lta"}))
        ->capture_default_str();
    extend->add_option("--output", args->output, "Write the result here instead of replacing FILE")->excludes(folder);
    extend->add_option("--detached", args->detached_document,
                       "The document a detached signature (.p7s, .xml) signs: its archive time-stamp (b-lta) covers it")
        ->check(CLI::ExistingFile)
        ->excludes(folder);
    extend->add_option("--skip-days", args->skip_days,
                       "With --folder: skip files whose last document time-stamp is younger than this many days "
                       "(b-lt: files whose validation data follows their last signature)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    extend->add_flag("--offline", args->offline, "Fetch nothing: only this folder's CA, its CRLs and responder");
    extend->callback([&cli, args] {
        if (!args->file && !args->folder)
            throw Error(ErrorKind::invalid_input, "nothing_to_extend", "give a FILE or --folder DIR");
        SignatureLevel level = parse_level(args->level);
        DataFolder& data = cli.data();
        SystemClock clock;
        std::optional<data_folder::LocalTimestamps> timestamps;
        if (level == SignatureLevel::b_lta)
            timestamps.emplace(data.token(), data.database().certificates(), data.ca(), clock);
        TimestampSource* tsa = timestamps ? &timestamps->client() : nullptr;
        const auto& formats = document_formats();
        auto extend_one = [&](const fs::path& input, const fs::path& output) {
            validate::CollectionSources sources = long_term_sources(data, nullptr);
            return formats.extend_pades(input, output, level, sources, !args->offline, tsa);
        };

        if (args->file && (is_cms_signature(*args->file) || fs::path(*args->file).extension() == ".xml")) {
            fs::path input(*args->file);
            fs::path output = args->output ? fs::path(*args->output) : input;
            std::vector<uint8_t> signature = read_file(input.string());
            std::vector<uint8_t> document;
            if (args->detached_document) document = read_file(*args->detached_document);
            auto content = args->detached_document ? validate::SignedContent::detached(document) : validate::SignedContent::attached();
            validate::CollectionSources sources = long_term_sources(data, nullptr);
            nlohmann::json line;
            std::vector<uint8_t> extended;
            std::size_t certificates = 0, ocsp_responses = 0, crls = 0;
            if (is_cms_signature(input)) {
                CadesExtension done;
                extended = formats.extend_cades(signature, content, level, sources, !args->offline, tsa, &done);
                line = describe(input, output, done);
                certificates = done.certificates, ocsp_responses = done.ocsp_responses, crls = done.crls;
            } else {
                XadesExtension done;
                extended = formats.extend_xades(signature, content, level, sources, !args->offline, tsa, &done);
                line = describe(input, output, done);
                certificates = done.certificates, ocsp_responses = done.ocsp_responses, crls = done.crls;
            }
            write_file_atomically(output.string(), std::string(extended.begin(), extended.end()));
            if (cli.json) std::cout << line.dump() << "\n";
            else
                std::cout << i18n::format(i18n::tr("Extended {} to {}: {} certificates, {} OCSP responses, {} CRLs"),
                                          {output.string(), args->level, std::to_string(certificates),
                                           std::to_string(ocsp_responses), std::to_string(crls)})
                          << "\n";
            return;
        }
        if (args->detached_document)
            throw Error(ErrorKind::invalid_input, "detached_not_applicable", "--detached is for a detached CAdES (.p7s) or XAdES (.xml) signature");

        if (args->file) {
            fs::path input(*args->file);
            fs::path output = args->output ? fs::path(*args->output) : input;
            auto done = extend_one(input, output);
            if (cli.json) std::cout << describe(input, output, done).dump() << "\n";
            else
                std::cout << i18n::format(i18n::tr("Extended {} to {}: {} certificates, {} OCSP responses, {} CRLs"),
                                          {output.string(), args->level, std::to_string(done.certificates),
                                           std::to_string(done.ocsp_responses), std::to_string(done.crls)})
                          << "\n";
            return;
        }

        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(*args->folder))
            if (entry.is_regular_file() && entry.path().extension() == ".pdf") files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        std::size_t extended = 0, skipped = 0, failed = 0;
        auto now = clock.now();
        for (const auto& path : files) {
            try {
                if (extended_recently(formats.pades_long_term_state(path), level, now, args->skip_days)) {
                    ++skipped;
                    if (cli.json) std::cout << nlohmann::json{{"input", path.string()}, {"skipped", true}}.dump() << "\n";
                    continue;
                }
                auto done = extend_one(path, path);
                ++extended;
                if (cli.json) std::cout << describe(path, path, done).dump() << "\n";
            } catch (const Error& error) {
                ++failed;
                std::cerr << path.string() << ": " << i18n::translate_message(error.what()) << "\n";
                if (cli.json)
                    std::cout << nlohmann::json{{"input", path.string()}, {"error", {{"code", error.code()}, {"message", error.what()}}}}
                                     .dump()
                              << "\n";
            }
        }
        if (!cli.json)
            std::cout << i18n::format(i18n::tr("Extended {} of {} files in {} ({} skipped as recent)"),
                                      {std::to_string(extended), std::to_string(files.size()), *args->folder,
                                       std::to_string(skipped)})
                      << "\n";
        if (failed > 0)
            throw Error(ErrorKind::invalid_input, "some_files_not_extended",
                        std::to_string(failed) + " of " + std::to_string(files.size()) + " files could not be extended");
    });
}

}  // namespace sign::signctl
