#include <algorithm>
#include <iostream>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "sign/messages.h"

#include "../commands.h"
#include "../exit_codes.h"
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
    };
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

    audit->add_subcommand("verify", "Check the hash chain; name every edited, removed or reordered record")
        ->callback([&cli] {
            // Each problem is printed as found, so the walk needs no more memory than one record.
            size_t problems = 0;
            int64_t records = 0;
            if (cli.json) {
                std::cout << "{\n  \"problems\": [";
                records = cli.data().audit().verify([&](const audit::AuditProblem& problem) {
                    std::cout << (problems++ == 0 ? "\n    " : ",\n    ")
                              << nlohmann::json{{"sequence", problem.sequence}, {"code", problem.code},
                                                {"message", problem.message}}
                                     .dump();
                });
                std::cout << (problems == 0 ? "],\n" : "\n  ],\n") << "  \"intact\": " << (problems == 0 ? "true" : "false")
                          << ",\n  \"records\": " << records << "\n}\n";
            } else {
                records = cli.data().audit().verify([&](const audit::AuditProblem& problem) {
                    ++problems;
                    std::cout << "record " << problem.sequence << ": " << problem.code << ": " << problem.message << "\n";
                });
                if (problems == 0)
                    std::cout << "audit log intact: " << records << " records\n";
                else
                    std::cout << "audit log BROKEN: " << problems << " problem(s) in " << records << " records\n";
            }
            if (problems > 0) cli.exit_code = exit_audit_broken;
        });
}

}  // namespace sign::signctl
