#include "stored_rows.h"

#include <vector>

#include "sign/store/connection.h"

namespace sign::test {

std::string table_bytes(const std::string& location, const std::string& table) {
    auto database = store::open_connection(location);
    // Which columns hold bytes: read as text, PostgreSQL would show them hex-encoded and a secret
    // kept in one would go unseen.
    std::vector<bool> binary;
    auto columns = database->prepare(store::is_postgresql(location)
                                         ? "SELECT data_type = 'bytea' FROM information_schema.columns WHERE table_name = ? "
                                           "ORDER BY ordinal_position"
                                         : "SELECT type = 'BLOB' FROM pragma_table_info(?) ORDER BY cid");
    columns.bind(1, table);
    while (columns.step()) binary.push_back(columns.text(0) == "1" || columns.text(0) == "t");
    std::string bytes;
    auto rows = database->prepare("SELECT * FROM " + table);
    while (rows.step())
        for (size_t column = 0; column < binary.size(); ++column) {
            if (binary[column]) {
                auto blob = rows.blob(static_cast<int>(column));
                bytes.append(blob.begin(), blob.end());
            } else {
                bytes += rows.text(static_cast<int>(column));
            }
            bytes += '|';
        }
    return bytes;
}

}  // namespace sign::test
