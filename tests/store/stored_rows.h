#pragma once
// What a store's table holds, read around the store, as someone with access
// to the database would: every value of every row, byte for byte, on SQLite
// and on PostgreSQL alike.

#include <string>

namespace sign::test {

/// Every value of every row of `table`, each followed by '|'; BLOB/BYTEA values as their raw bytes.
std::string table_bytes(const std::string& location, const std::string& table);

}  // namespace sign::test
