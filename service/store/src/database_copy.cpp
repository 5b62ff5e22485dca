#include "sign/store/database_copy.h"

#include "sign/error.h"
#include "sign/store/connection.h"
#include "sign/store/schema.h"

namespace sign::store {

namespace {

enum class ColumnType { integer, text, blob };

struct Column {
    std::string name;
    ColumnType type;
};

// The columns as SQLite declares them; the migrations use only these three types.
std::vector<Column> columns_of(const Connection& source, const std::string& table) {
    std::vector<Column> columns;
    auto query = source.prepare("SELECT name, type FROM pragma_table_info(?) ORDER BY cid");
    query.bind(1, table);
    while (query.step()) {
        std::string type = query.text(1);
        columns.push_back({query.text(0), type == "INTEGER" ? ColumnType::integer
                                          : type == "BLOB"  ? ColumnType::blob
                                                            : ColumnType::text});
    }
    if (columns.empty())
        throw Error(ErrorKind::internal, "database_error", "the source database has no table " + table);
    return columns;
}

size_t row_count(const Connection& database, const std::string& table) {
    auto query = database.prepare("SELECT COUNT(*) FROM " + table);
    query.step();
    return static_cast<size_t>(query.integer(0));
}

// Identity columns hand out the next value from a sequence; after explicit ids were copied it
// must start past them.
const std::vector<std::pair<std::string, std::string>> identities = {
    {"audit_log", "sequence"}, {"callbacks", "id"}, {"audit_checkpoints", "id"}};

}  // namespace

std::vector<CopiedTable> copy_database(const std::string& from, const std::string& to) {
    if (is_postgresql(from))
        throw Error(ErrorKind::invalid_input, "unsupported_database", "the database to copy from must be an SQLite file");
    if (!is_postgresql(to))
        throw Error(ErrorKind::invalid_input, "unsupported_database", "the database to copy to must be a postgresql:// URL");
    auto source = open_connection(from);
    source->migrate(schema_migrations());
    auto destination = open_connection(to);
    destination->migrate(schema_migrations());
    for (const auto& table : schema_tables())
        if (row_count(*destination, table) != 0)
            throw Error(ErrorKind::conflict, "database_not_empty",
                        destination->location() + " already holds rows in " + table + "; copy into an empty database");

    std::vector<CopiedTable> copied;
    // One read transaction on the source, so a signd still writing to it cannot give a torn copy.
    source->execute("BEGIN");
    try {
        destination->transaction([&] {
            for (const auto& table : schema_tables()) {
                auto columns = columns_of(*source, table);
                std::string names, places;
                for (const auto& column : columns) {
                    names += (names.empty() ? "" : ", ") + column.name;
                    places += places.empty() ? "?" : ", ?";
                }
                std::string insert = "INSERT INTO " + table + " (" + names + ") VALUES (" + places + ")";
                auto rows = source->prepare("SELECT " + names + " FROM " + table);
                CopiedTable done{table, 0};
                while (rows.step()) {
                    auto row = destination->prepare(insert);
                    for (size_t i = 0; i < columns.size(); ++i) {
                        int in = static_cast<int>(i), out = static_cast<int>(i + 1);
                        if (rows.is_null(in))
                            row.bind_null(out);
                        else if (columns[i].type == ColumnType::integer)
                            row.bind(out, rows.integer(in));
                        else if (columns[i].type == ColumnType::blob)
                            row.bind(out, rows.blob(in));
                        else
                            row.bind(out, rows.text(in));
                    }
                    row.run();
                    ++done.rows;
                }
                copied.push_back(done);
            }
            for (const auto& [table, column] : identities)
                destination->execute("SELECT setval(pg_get_serial_sequence('" + table + "', '" + column + "'), COALESCE(MAX(" +
                                     column + "), 0) + 1, false) FROM " + table);
        });
    } catch (...) {
        source->execute("ROLLBACK");
        throw;
    }
    source->execute("ROLLBACK");
    return copied;
}

}  // namespace sign::store
