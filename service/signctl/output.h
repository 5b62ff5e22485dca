#pragma once
// What signctl prints: aligned tables for people, JSON for scripts (--json).

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sign/store/certificate_store.h"

namespace sign::signctl {

/// (Column widths are i18n::display_columns of each cell.)
/// `text` cut to at most `width` code points, a cut marked with "…".
std::string fit_cell(const std::string& text, size_t width);
/// One line of a table: each cell but the last padded to its column's width, two spaces apart.
void print_row(std::ostream& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths);

/// A plain text table whose columns line up for UTF-8 text such as Vietnamese names.
class Table {
public:
    explicit Table(std::vector<std::string> headings) : headings_(std::move(headings)) {}
    void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    void print(std::ostream& out) const;

private:
    std::vector<std::string> headings_;
    std::vector<std::vector<std::string>> rows_;
};

/// A certificate record as JSON (times in UTC ISO 8601).
nlohmann::json to_json(const store::CertificateRecord& record, bool with_pem = false);
/// "good" or "revoked".
std::string status_text(const store::CertificateRecord& record);
/// Prints certificate records as a table or as a JSON array.
void print_certificates(std::ostream& out, const std::vector<store::CertificateRecord>& records, bool json);
/// Prints one certificate's fields as "name: value" lines or a JSON object.
void print_certificate(std::ostream& out, const store::CertificateRecord& record, bool json, bool with_pem);

}  // namespace sign::signctl
