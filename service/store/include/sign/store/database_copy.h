#pragma once
// Moving a data folder's database from its SQLite file to a PostgreSQL server
// (`signctl db migrate --to`): every row of every table, copied in one
// transaction, so the destination holds all of it or nothing.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace sign::store {

struct CopiedTable {
    std::string table;
    size_t rows = 0;
};

/// Copies the SQLite database at `from` into the PostgreSQL database at `to`, which must be empty
/// (a table with rows is conflict `database_not_empty`). Both are first brought to the current
/// schema, as any program opening them would; beyond that the source is only read. Returns the
/// rows copied per table, in copy order.
std::vector<CopiedTable> copy_database(const std::string& from, const std::string& to);

}  // namespace sign::store
