#pragma once
// The printable validation report, "Phiếu kết quả kiểm tra chữ ký số": an A4 PDF (more pages
// when there are many signatures) with the verdict ("hợp lệ" / "không hợp lệ" / "không xác
// định"), the file checked and its SHA-256, the validation time and policy, and per signature the
// seven fields Circular 15/2025/TT-BKHCN asks for, times in +07:00. It says what to_text() says,
// line for line, so the two renderings never disagree. Drawn with cairo; DejaVu Sans
// (fonts-dejavu-core), which covers every Vietnamese letter, is embedded as a subset.
//
//     sign::validate::write_pdf_report(report, "phieu-kiem-tra.pdf", sign::validate::Language::vietnamese,
//                                      sign::validate::CheckedFile::of("don.pdf", bytes));

#include <cstdint>
#include <filesystem>
#include <vector>

#include "sign/validate/checked_file.h"
#include "sign/validate/report.h"

namespace sign::validate {

/// The report as PDF bytes. Throws internal `report_font_missing` when DejaVu Sans is not
/// installed, internal `pdf_report_failed` when cairo fails.
std::vector<std::uint8_t> render_pdf_report(const ValidationReport& report, Language language = Language::vietnamese,
                                            const CheckedFile& file = {});

/// render_pdf_report() written to `out` atomically (complete or not at all); throws what it
/// throws and what write_file_atomically() throws.
void write_pdf_report(const ValidationReport& report, const std::filesystem::path& out, Language language = Language::vietnamese,
                      const CheckedFile& file = {});

}  // namespace sign::validate
