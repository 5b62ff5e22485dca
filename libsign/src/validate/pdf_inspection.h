#pragma once
// What the reading of signatures and the change analysis share: the mapped file, a qpdf view of
// one revision (a prefix of the mapping), and the analysis of one signed revision.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>

#include "sign/validate/pdf_signatures.h"

namespace sign::validate::detail {

/// A read-only memory mapping of a whole file.
class MappedFile {
public:
    MappedFile(const std::filesystem::path& path, std::uint64_t max_size);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const unsigned char* data() const { return data_; }
    std::uint64_t size() const { return size_; }

private:
    unsigned char* data_ = nullptr;
    std::uint64_t size_ = 0;
};

/// qpdf's view of the file's first `end` bytes, that is of the revision ending there. qpdf reads
/// it without repair: a revision it can only read by reconstructing its xref is refused.
class RevisionView {
public:
    /// Throws invalid_input `pdf_unreadable` or `pdf_encrypted`.
    RevisionView(const MappedFile& file, std::uint64_t end, const std::string& description);
    QPDF& qpdf() { return *qpdf_; }

private:
    Buffer buffer_;  // borrows the mapping's memory
    std::unique_ptr<QPDF> qpdf_;
};

/// What governs one analysis: the certification's permission and the locks in force.
struct AnalysisRules {
    std::optional<DocMdpPermission> permission;
    std::vector<FieldLock> locks;
    std::size_t max_objects = 0;
};

/// Compares the signed revision with the final one object by object and classifies each change.
PdfChangeAnalysis analyse_changes(QPDF& signed_revision, QPDF& final_revision, const AnalysisRules& rules);

}  // namespace sign::validate::detail
