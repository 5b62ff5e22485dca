#include "output.h"

#include <algorithm>
#include <ostream>

#include "sign/messages.h"
#include "sign/revocation_reason.h"
#include "sign/utc_time.h"

namespace sign::signctl {

std::string fit_cell(const std::string& text, size_t width) {
    if (i18n::display_columns(text) <= width) return text;
    if (width == 0) return {};
    size_t kept = 0;
    size_t end = 0;
    // Keep width - 1 code points, room for the mark.
    while (end < text.size()) {
        if ((text[end] & 0xC0) != 0x80 && kept++ == width - 1) break;
        ++end;
    }
    return text.substr(0, end) + "\u2026";
}

void print_row(std::ostream& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
    for (size_t i = 0; i < cells.size(); ++i) {
        out << cells[i];
        if (i + 1 < cells.size()) {
            size_t width = i18n::display_columns(cells[i]);
            out << std::string((i < widths.size() && widths[i] > width ? widths[i] - width : 0) + 2, ' ');
        }
    }
    out << "\n";
}

void Table::print(std::ostream& out) const {
    std::vector<size_t> widths;
    for (const auto& heading : headings_) widths.push_back(i18n::display_columns(heading));
    for (const auto& row : rows_)
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], i18n::display_columns(row[i]));
    print_row(out, headings_, widths);
    for (const auto& row : rows_) print_row(out, row, widths);
}

std::string status_text(const store::CertificateRecord& record) { return record.revoked() ? "revoked" : "good"; }

nlohmann::json to_json(const store::CertificateRecord& record, bool with_pem) {
    nlohmann::json json = {
        {"serial", record.serial_hex},
        {"issuer_serial", record.issuer_serial_hex},
        {"profile", record.profile},
        {"subject", record.subject},
        {"key_uri", record.key_uri},
        {"not_before", format_utc(record.not_before)},
        {"not_after", format_utc(record.not_after)},
        {"issued_at", format_utc(record.issued_at)},
        {"status", status_text(record)},
        {"revoked_at", record.revoked_at ? nlohmann::json(format_utc(*record.revoked_at)) : nlohmann::json()},
        {"reason", record.reason ? nlohmann::json(std::string(to_string(*record.reason))) : nlohmann::json()},
    };
    if (with_pem) json["pem"] = record.pem;
    return json;
}

void print_certificates(std::ostream& out, const std::vector<store::CertificateRecord>& records, bool json) {
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& record : records) list.push_back(to_json(record));
        out << list.dump(2) << "\n";
        return;
    }
    Table table({"SERIAL", "PROFILE", "STATUS", "NOT AFTER", "SUBJECT"});
    for (const auto& record : records)
        table.add_row({record.serial_hex, record.profile, status_text(record), format_utc(record.not_after), record.subject});
    table.print(out);
}

void print_certificate(std::ostream& out, const store::CertificateRecord& record, bool json, bool with_pem) {
    if (json) {
        out << to_json(record, with_pem).dump(2) << "\n";
        return;
    }
    Table table({"FIELD", "VALUE"});
    const nlohmann::json fields = to_json(record);
    for (auto field = fields.begin(); field != fields.end(); ++field)
        if (field->is_string() && !field->get<std::string>().empty()) table.add_row({field.key(), field->get<std::string>()});
    table.print(out);
    if (with_pem) out << record.pem;
}

}  // namespace sign::signctl
