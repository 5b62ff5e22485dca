#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "../commands.h"
#include "../exit_codes.h"
#include "../output.h"
#include "sign/audit/audit_log.h"
#include "sign/error.h"
#include "sign/store/connection.h"
#include "sign/store/database_copy.h"
#include "sign/store/write_queue.h"

namespace sign::signctl {

void add_db_commands(CLI::App& app, Cli& cli) {
    auto* db = app.add_subcommand("db", "Move the data folder's database");
    db->require_subcommand(1);

    auto* migrate = db->add_subcommand(
        "migrate", "Copy the folder's SQLite database into an empty PostgreSQL database, check its audit chain there, and "
                   "switch the folder to it (the SQLite file is left as it was)");
    auto to = std::make_shared<std::string>();
    migrate->add_option("--to", *to, "postgresql://user:password@host:port/database")->required();
    migrate->callback([&cli, to] {
        DataFolder& data = cli.data();
        const std::string current = data.settings().database;
        if (store::is_postgresql(current))
            throw Error(ErrorKind::invalid_input, "unsupported_database",
                        "this folder already uses a PostgreSQL database; db migrate copies from its SQLite file");
        auto copied = store::copy_database(data.path(current), *to);

        // The chain must verify where it now lives before anyone is sent there.
        store::WriteQueue queue(*to);
        audit::AuditLog log(queue);
        auto problems = log.verify();
        if (!problems.empty()) {
            for (const auto& problem : problems)
                std::cerr << "record " << problem.sequence << ": " << problem.code << ": " << problem.message << "\n";
            throw Error(ErrorKind::internal, "audit_broken",
                        "the copied audit chain does not verify; the folder still uses " + data.path(current));
        }
        auto location = store::open_connection(*to)->location();
        log.append({"database.migrate", "signctl", "", "from=" + current + " to=" + location, "", "ok"},
                   std::chrono::system_clock::now());
        data.use_database(*to);

        if (cli.json) {
            auto tables = nlohmann::json::array();
            for (const auto& table : copied) tables.push_back({{"table", table.table}, {"rows", table.rows}});
            std::cout << nlohmann::json{{"database", location}, {"tables", tables}}.dump(2) << "\n";
            return;
        }
        Table table({"TABLE", "ROWS"});
        for (const auto& copied_table : copied) table.add_row({copied_table.table, std::to_string(copied_table.rows)});
        table.print(std::cout);
        std::cout << "The folder now uses " << location << "; " << data.path(current) << " is unchanged.\n";
    });
}

}  // namespace sign::signctl
