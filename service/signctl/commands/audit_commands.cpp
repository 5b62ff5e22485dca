#include <algorithm>
#include <iostream>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sign/audit/audit_checkpoints.h"
#include "sign/base64.h"
#include "sign/data_folder/audit_key.h"
#include "sign/data_folder/local_timestamps.h"
#include "sign/messages.h"

#include "../commands.h"
#include "../exit_codes.h"
#include "../audit_trail.h"
#include "../output.h"
#include "sign/utc_time.h"

namespace sign::signctl {

namespace {

// Microseconds matter in an audit trail: several records can fall within one second.
std::string precise_time(std::chrono::system_clock::time_point time) {
    auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(time);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time - seconds).count();
    std::string text = format_utc(seconds);
    std::string fraction = std::to_string(1000000 + micros).substr(1);
    return text.substr(0, text.size() - 1) + "." + fraction + "Z";
}

// Records written before the log bounded its fields may hold any bytes a client sent; they are
// shown escaped, never refused, so one hostile record cannot hide the others.
nlohmann::json to_json(const audit::AuditRecord& record) {
    return {
        {"sequence", record.sequence},
        {"time", precise_time(record.time)},
        {"action", audit::readable_text(record.event.action)},
        {"actor", audit::readable_text(record.event.actor)},
        {"client_address", audit::readable_text(record.event.client_address)},
        {"subject", audit::readable_text(record.event.subject)},
        {"document_hash", audit::readable_text(record.event.document_hash)},
        {"result", audit::readable_text(record.event.result)},
        {"previous_hash", audit::readable_text(record.previous_hash)},
        {"hash", audit::readable_text(record.hash)},
        {"occurrences", record.event.occurrences},
    };
}

std::string public_key_pem(EVP_PKEY* key) {
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    if (!out || PEM_write_bio_PUBKEY(out.get(), key) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot write the audit key's public half as PEM");
    char* data = nullptr;
    long length = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<size_t>(length));
}

std::string public_key_pem(const std::vector<uint8_t>& spki) {
    const unsigned char* cursor = spki.data();
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(spki.size())));
    if (!key) throw Error(ErrorKind::invalid_input, "invalid_checkpoint", "a checkpoint's public key does not parse");
    return public_key_pem(key.get());
}

nlohmann::json to_json(const audit::AuditCheckpoint& checkpoint) {
    return {{"id", checkpoint.id},
            {"sequence", checkpoint.sequence},
            {"head_hash", checkpoint.head_hash},
            {"time", format_utc(checkpoint.created_at)},
            {"statement", checkpoint.statement},
            {"signature", encode_base64(checkpoint.signature)},
            {"signature_algorithm", "sha256, the key's scheme (ECDSA P-256: DER r,s)"},
            {"public_key_pem", public_key_pem(checkpoint.public_key_spki)},
            {"timestamp_token", encode_base64(checkpoint.timestamp_token)}};
}

const std::vector<std::string> headings = {"SEQ", "TIME", "ACTION", "ACTOR", "ADDRESS", "SUBJECT", "RESULT"};
// No column grows past these, whatever a record holds (an IPv6 address fits).
const std::vector<size_t> column_caps = {20, 27, 32, 32, 39, 64, 40};

std::vector<std::string> row_of(const audit::AuditRecord& record) {
    std::vector<std::string> cells = {std::to_string(record.sequence),
                                      precise_time(record.time),
                                      audit::readable_text(record.event.action),
                                      audit::readable_text(record.event.actor),
                                      record.event.client_address.empty() ? "-"
                                                                          : audit::readable_text(record.event.client_address),
                                      audit::readable_text(record.event.subject),
                                      audit::readable_text(record.event.result)};
    for (size_t i = 0; i < cells.size(); ++i) cells[i] = fit_cell(cells[i], column_caps[i]);
    return cells;
}

}  // namespace

void add_audit_commands(CLI::App& app, Cli& cli) {
    auto* audit = app.add_subcommand("audit", "Read and check the audit log");
    audit->require_subcommand(1);

    auto* list = audit->add_subcommand("list", "List audit records, oldest first (default: the newest 100)");
    auto after = std::make_shared<std::optional<int64_t>>();
    auto limit = std::make_shared<size_t>(100);
    list->add_option("--after", *after, "Only records after this sequence number")->check(CLI::NonNegativeNumber);
    list->add_option("--limit", *limit, "At most this many records")->check(CLI::Range(1, 1000000))->capture_default_str();
    list->callback([&cli, after, limit] {
        const audit::AuditLog& log = cli.data().audit();
        if (cli.json) {
            // Written as read, so a long listing needs no more memory than one record.
            bool empty = true;
            std::cout << "[";
            log.list(*after, *limit, [&](const audit::AuditRecord& record) {
                std::cout << (empty ? "\n  " : ",\n  ") << to_json(record).dump();
                empty = false;
            });
            std::cout << (empty ? "]\n" : "\n]\n");
            return;
        }
        // Two passes over the page, the first for the column widths, so no row is held in memory.
        std::vector<size_t> widths;
        for (const auto& heading : headings) widths.push_back(i18n::display_columns(heading));
        std::optional<int64_t> first;
        int64_t last = 0;
        size_t count = log.list(*after, *limit, [&](const audit::AuditRecord& record) {
            if (!first) first = record.sequence;
            last = record.sequence;
            auto cells = row_of(record);
            for (size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], i18n::display_columns(cells[i]));
        });
        print_row(std::cout, headings, widths);
        if (first)
            log.list(*first - 1, count, [&](const audit::AuditRecord& record) { print_row(std::cout, row_of(record), widths); });
        std::string page = " --limit " + std::to_string(*limit);
        if (first && log.has_records_after(last))
            std::cout << "more records follow: signctl audit list --after " << last << page << "\n";
        else if (!*after && first && log.has_records_before(*first))
            std::cout << "older records: signctl audit list --after 0" << page << "\n";
    });

    audit->add_subcommand("verify",
                          "Check the hash chain and the signed checkpoints; name every edited, removed or reordered "
                          "record and any truncation")
        ->callback([&cli] {
            DataFolder& data = cli.data();
            audit::AuditCheckpoints checkpoints(data.database().write_queue(), data.audit());
            // Without the token the checkpoints cannot be checked; each is then named as such.
            EvpPkeyPtr public_key;
            try {
                if (auto key = data_folder::find_audit_key(data.token())) public_key = key->public_key();
            } catch (const Error& error) {
                std::cerr << "signctl: the token cannot be read, so the checkpoints cannot be checked: " << error.what()
                          << "\n";
            }
            // Each problem is printed as found, so the walk needs no more memory than one record.
            size_t problems = 0;
            int64_t records = 0;
            size_t checked = 0;
            if (cli.json) {
                std::cout << "{\n  \"problems\": [";
                auto print = [&](const audit::AuditProblem& problem) {
                    std::cout << (problems++ == 0 ? "\n    " : ",\n    ")
                              << nlohmann::json{{"sequence", problem.sequence}, {"code", problem.code},
                                                {"message", problem.message}}
                                     .dump();
                };
                records = data.audit().verify(print);
                checked = checkpoints.verify(public_key.get(), print);
                std::cout << (problems == 0 ? "],\n" : "\n  ],\n") << "  \"intact\": " << (problems == 0 ? "true" : "false")
                          << ",\n  \"records\": " << records << ",\n  \"checkpoints\": " << checked << "\n}\n";
            } else {
                auto print = [&](const audit::AuditProblem& problem) {
                    ++problems;
                    std::cout << "record " << problem.sequence << ": " << problem.code << ": " << problem.message << "\n";
                };
                records = data.audit().verify(print);
                checked = checkpoints.verify(public_key.get(), print);
                if (problems == 0)
                    std::cout << "audit log intact: " << records << " records, " << checked << " checkpoint(s)\n";
                else
                    std::cout << "audit log BROKEN: " << problems << " problem(s) in " << records << " records, " << checked
                              << " checkpoint(s)\n";
            }
            if (problems > 0) cli.exit_code = exit_audit_broken;
        });

    audit->add_subcommand("checkpoint", "Sign the chain's head with the token's audit key and time-stamp it")
        ->callback([&cli] {
            audit::AuditCheckpoint made;
            audited(cli, "audit.checkpoint", "", [&] {
                DataFolder& data = cli.data();
                SystemClock clock;
                data_folder::LocalTimestamps timestamps(data.token(), data.database().certificates(), data.ca(), clock);
                audit::AuditCheckpoints checkpoints(data.database().write_queue(), data.audit());
                made = checkpoints.make(data_folder::audit_key(data.token()), timestamps.client(), clock.now());
                return "checkpoint " + std::to_string(made.id) + " of record " + std::to_string(made.sequence);
            });
            if (cli.json) {
                std::cout << to_json(made).dump(2) << "\n";
                return;
            }
            std::cout << "checkpoint " << made.id << ": record " << made.sequence << ", head " << made.head_hash << ", "
                      << format_utc(made.created_at) << "\n";
        });

    auto* checkpoints_command = audit->add_subcommand("checkpoints", "The signed checkpoints of the audit chain");
    checkpoints_command->require_subcommand(1);
    auto* export_command = checkpoints_command->add_subcommand(
        "export", "Write every checkpoint and the audit key's public key as JSON, to keep elsewhere");
    auto output = std::make_shared<std::optional<std::string>>();
    export_command->add_option("--output", *output, "Write to this file (atomically) instead of standard output");
    export_command->callback([&cli, output] {
        DataFolder& data = cli.data();
        audit::AuditCheckpoints checkpoints(data.database().write_queue(), data.audit());
        auto key = data_folder::find_audit_key(data.token());
        nlohmann::json list = nlohmann::json::array();
        checkpoints.list([&](const audit::AuditCheckpoint& checkpoint) { list.push_back(to_json(checkpoint)); });
        nlohmann::json exported = {{"format", "city-sign audit checkpoints v1"},
                                   {"audit_key_label", data_folder::audit_key_label},
                                   {"audit_public_key_pem", key ? public_key_pem(key->public_key().get()) : ""},
                                   {"tsa_chain_pem", data.ca().issuing_ca().pem + data.ca().root().pem},
                                   {"checkpoints", list}};
        std::string text = exported.dump(2) + "\n";
        if (*output) {
            write_file_atomically(**output, text, 0644);
            std::cout << list.size() << " checkpoint(s) written to " << **output << "\n";
        } else {
            std::cout << text;
        }
    });
}

}  // namespace sign::signctl
