#pragma once
// The one schema of the data folder's database (sign.db): every table of every
// store, as numbered migrations, so that each connection brings the file to
// the same version whichever store opens it first.

#include <string>
#include <vector>

namespace sign::store {

/// Migration i takes the schema from version i to i + 1. Only ever append.
const std::vector<std::string>& schema_migrations();

}  // namespace sign::store

namespace sign::store {

/// Every table the migrations make, in an order in which each table comes after those it
/// references, so a copy can fill them one after the other.
const std::vector<std::string>& schema_tables();

}  // namespace sign::store
