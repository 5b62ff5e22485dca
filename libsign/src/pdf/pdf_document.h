#pragma once
// Reading a PDF with qpdf, and the incremental update this library appends to it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sign/error.h"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>

namespace sign::pdf {

/// A PDF opened for an incremental update: qpdf's view of its objects plus what qpdf does not
/// expose directly (where the last xref section is, and of which kind). Throws sign::Error
/// invalid_input `pdf_unreadable`, `pdf_encrypted` or `pdf_no_pages`.
class Document {
public:
    explicit Document(const std::filesystem::path& path);

    QPDF& qpdf() { return *qpdf_; }
    const std::filesystem::path& path() const { return path_; }
    std::uint64_t file_size() const { return file_size_; }
    /// The startxref value: where the last cross-reference section starts; the new /Prev.
    std::uint64_t last_xref_offset() const { return last_xref_offset_; }
    /// True when that section is a cross-reference stream (PDF 1.5), false for a classic table.
    bool last_xref_is_stream() const { return last_xref_is_stream_; }
    /// The first object number not used by the file.
    int next_object_id() const { return next_object_id_; }
    bool ends_with_newline() const { return ends_with_newline_; }
    const std::vector<QPDFObjectHandle>& pages() { return qpdf_->getAllPages(); }
    /// The page (0-based index) whose /Annots holds `annotation`, or -1.
    int page_of_annotation(QPDFObjectHandle annotation);

private:
    std::filesystem::path path_;
    std::unique_ptr<QPDF> qpdf_;
    std::uint64_t file_size_ = 0;
    std::uint64_t last_xref_offset_ = 0;
    bool last_xref_is_stream_ = false;
    int next_object_id_ = 1;
    bool ends_with_newline_ = false;
};

/// Throws policy `document_certified_no_changes` when a certification signature (DocMDP P 1)
/// forbids every change: any update, a signature or a filled field, would break it.
void refuse_if_certified_without_changes(Document& document);

/// The objects of one incremental update and the bytes that append them.
class IncrementalUpdate {
public:
    explicit IncrementalUpdate(Document& document);

    /// A new object number.
    int allocate();
    /// Sets object `id` (new or replacing an existing one) to `body`, the text between "obj" and "endobj".
    void put(QPDFObjGen id, std::string body);
    /// Writes an existing object, as modified in memory, again (top-level indirection resolved).
    void put(QPDFObjectHandle object);
    /// A stream object: `dictionary_entries` are the keys besides /Length, e.g. "/Type /XObject ...".
    void put_stream(int id, const std::string& dictionary_entries, const std::string& data);

    /// The bytes to append to the file: objects, xref section, trailer, startxref, %%EOF. Drops the
    /// form's /NeedAppearances, so viewers show the appearances written here.
    std::string build();
    /// After build(): the absolute file offset where object `id`'s body (after "obj\n") starts.
    std::uint64_t body_offset(int id) const { return body_offsets_.at(id); }

private:
    Document& document_;
    int next_id_;
    std::map<int, std::pair<int, std::string>> objects_;  // id -> (generation, body)
    std::map<int, std::uint64_t> object_offsets_;
    std::map<int, std::uint64_t> body_offsets_;
};

/// A terminal form field and its (first) widget annotation, which may be the same object.
struct FieldMatch {
    QPDFObjectHandle field;
    QPDFObjectHandle widget;
};
/// The field with fully qualified name `name`, if any.
std::optional<FieldMatch> find_field(Document& document, const std::string& name);
/// As find_field(); throws not_found `field_not_found`.
FieldMatch require_field(Document& document, const std::string& name);

/// Stands for object `id` of the update inside a qpdf object (qpdf cannot point at objects it
/// does not know); put_modified() turns it into "id 0 R".
QPDFObjectHandle new_object_ref(int id);
/// Writes an existing object, as modified in memory, into the update.
void put_modified(IncrementalUpdate& update, QPDFObjectHandle object);
/// Writes `object` (which may be direct, built in memory) as object `id` of the update.
void put_as(IncrementalUpdate& update, QPDFObjGen id, QPDFObjectHandle object);

/// Removes a file when it goes out of scope unless released: no output after an error.
class FileGuard {
public:
    explicit FileGuard(std::filesystem::path path) : path_(std::move(path)) {}
    ~FileGuard() {
        if (!path_.empty()) {
            std::error_code ec;
            std::filesystem::remove(path_, ec);
        }
    }
    FileGuard(const FileGuard&) = delete;
    FileGuard& operator=(const FileGuard&) = delete;
    void release() { path_.clear(); }

private:
    std::filesystem::path path_;
};

/// Runs `function`, turning what qpdf and the filesystem throw into sign::Error with a clear code:
/// `pdf_unreadable` (qpdf could not parse something of `pdf`), `file_error` (a path could not be
/// read or written), `pdf_processing_failed` (anything else). sign::Error passes through.
template <typename Function>
decltype(auto) with_clear_errors(const std::filesystem::path& pdf, Function&& function) {
    try {
        return function();
    } catch (const Error&) {
        throw;
    } catch (const QPDFExc& e) {
        throw Error(ErrorKind::invalid_input, "pdf_unreadable", "cannot read the PDF " + pdf.string() + ": " + e.what());
    } catch (const std::filesystem::filesystem_error& e) {
        throw Error(ErrorKind::invalid_input, "file_error", std::string("file error: ") + e.what());
    } catch (const std::exception& e) {
        throw Error(ErrorKind::internal, "pdf_processing_failed",
                    "processing the PDF " + pdf.string() + " failed: " + e.what());
    }
}

/// Writes `input` followed by `update` to `target`.
void write_appended(const std::filesystem::path& input, const std::string& update, const std::filesystem::path& target);
/// `input` followed by `update` as `output`, written beside it, synced and renamed into place: a
/// reader or a crash sees the old `output` or the whole new one. An empty `update` copies `input`.
void append_update_atomically(const std::filesystem::path& input, const std::string& update,
                              const std::filesystem::path& output);

/// A PDF text string: a literal for printable ASCII, else UTF-16BE with a byte-order mark, in hex.
std::string text_string(std::string_view utf8);
/// A number as PDF writes it: up to 4 decimals, no exponent, no trailing zeros, locale-free.
std::string number(double value);
/// "D:YYYYMMDDHHmmSSZ" for a UTC time.
std::string date_string(std::chrono::system_clock::time_point time);
/// UTF-8 to code points; throws invalid_input for malformed text.
std::u32string decode_utf8(std::string_view utf8);

/// A fresh name for a temporary file beside `target` (same folder, so a rename replaces it atomically).
std::filesystem::path temporary_beside(const std::filesystem::path& target);

}  // namespace sign::pdf
