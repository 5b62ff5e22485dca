#include <iostream>

#include <nlohmann/json.hpp>

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

nlohmann::json to_json(const audit::AuditRecord& record) {
    return {
        {"sequence", record.sequence},
        {"time", precise_time(record.time)},
        {"action", record.event.action},
        {"actor", record.event.actor},
        {"client_address", record.event.client_address},
        {"subject", record.event.subject},
        {"document_hash", record.event.document_hash},
        {"result", record.event.result},
        {"previous_hash", record.previous_hash},
        {"hash", record.hash},
    };
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
        auto records = cli.data().audit().list(*after, *limit);
        if (cli.json) {
            auto json = nlohmann::json::array();
            for (const auto& record : records) json.push_back(to_json(record));
            std::cout << json.dump(2) << "\n";
            return;
        }
        Table table({"SEQ", "TIME", "ACTION", "ACTOR", "ADDRESS", "SUBJECT", "RESULT"});
        for (const auto& record : records)
            table.add_row({std::to_string(record.sequence), precise_time(record.time), record.event.action,
                           record.event.actor, record.event.client_address.empty() ? "-" : record.event.client_address,
                           record.event.subject, record.event.result});
        table.print(std::cout);
    });

    audit->add_subcommand("verify", "Check the hash chain; name every edited, removed or reordered record")
        ->callback([&cli] {
            auto problems = cli.data().audit().verify();
            auto count = cli.data().write_queue().reader().prepare("SELECT COUNT(*) FROM audit_log");
            count.step();
            int64_t records = count.integer(0);
            if (!problems.empty()) cli.exit_code = exit_audit_broken;
            if (cli.json) {
                auto list = nlohmann::json::array();
                for (const auto& problem : problems)
                    list.push_back({{"sequence", problem.sequence}, {"code", problem.code}, {"message", problem.message}});
                std::cout << nlohmann::json{{"intact", problems.empty()}, {"records", records}, {"problems", list}}.dump(2)
                          << "\n";
                return;
            }
            if (problems.empty()) {
                std::cout << "audit log intact: " << records << " records\n";
                return;
            }
            for (const auto& problem : problems)
                std::cout << "record " << problem.sequence << ": " << problem.code << ": " << problem.message << "\n";
            std::cout << "audit log BROKEN: " << problems.size() << " problem(s) in " << records << " records\n";
        });
}

}  // namespace sign::signctl
