#include "sign/validate/document_validator.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "sign/error.h"
#include "sign/validate/pades_validator.h"
#include "sign/validate/xades_validator.h"

namespace sign::validate {

namespace {

std::string_view as_text(std::span<const std::uint8_t> bytes, std::size_t at_most) {
    return {reinterpret_cast<const char*>(bytes.data()), std::min(bytes.size(), at_most)};
}

// One entry that says the file could not be read as a signature: the shape CmsValidator gives
// malformed CMS, so every format failure reads alike.
ValidationReport format_failure(const ValidationOptions& options, std::string format, std::string code, std::string vi,
                                std::string en) {
    SignatureReport entry;
    entry.id = "S1";
    entry.format = std::move(format);
    entry.indication = MainIndication::total_failed;
    entry.sub_indication = SubIndication::format_failure;
    entry.findings.push_back(Finding{Finding::Severity::error, std::move(code), std::move(vi), std::move(en)});
    CmsValidator validator(options);
    return validator.report({std::move(entry)});
}

// The PDF reader works on files: the bytes go to a file only this process can read, removed on
// every way out.
class PrivateTemporaryFile {
public:
    explicit PrivateTemporaryFile(std::span<const std::uint8_t> bytes) {
        std::string pattern = (std::filesystem::temp_directory_path() / "city-sign-validate-XXXXXX").string();
        int descriptor = mkstemp(pattern.data());  // mode 0600
        if (descriptor < 0) throw Error(ErrorKind::internal, "temporary_file_failed", "cannot create a temporary file to read the PDF");
        path_ = pattern;
        std::size_t written = 0;
        while (written < bytes.size()) {
            ssize_t step = ::write(descriptor, bytes.data() + written, bytes.size() - written);
            if (step <= 0) {
                ::close(descriptor);
                std::filesystem::remove(path_);
                throw Error(ErrorKind::internal, "temporary_file_failed", "cannot write a temporary copy of the PDF");
            }
            written += static_cast<std::size_t>(step);
        }
        ::close(descriptor);
    }
    ~PrivateTemporaryFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    PrivateTemporaryFile(const PrivateTemporaryFile&) = delete;
    PrivateTemporaryFile& operator=(const PrivateTemporaryFile&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

ValidationReport validate_pdf_bytes(std::span<const std::uint8_t> bytes, const ValidationOptions& options,
                                    const PdfLimits& limits) {
    if (bytes.size() > limits.max_file_size)
        return format_failure(options, "PAdES", "pdf_too_large", "Tệp PDF vượt quá kích thước cho phép.",
                              "The PDF is larger than allowed.");
    PrivateTemporaryFile file(bytes);
    try {
        return validate_pdf(file.path(), options, limits);
    } catch (const Error& error) {
        // A file the PDF reader refuses (unreadable, encrypted, over a limit) is a format failure
        // of the document, not of the caller.
        if (error.kind() != ErrorKind::invalid_input && error.kind() != ErrorKind::not_found) throw;
        return format_failure(options, "PAdES", error.code(), "Tệp PDF không đọc được: " + std::string(error.what()),
                              "The PDF cannot be read: " + std::string(error.what()));
    }
}

}  // namespace

std::string to_string(DocumentFormat format) {
    switch (format) {
        case DocumentFormat::pdf: return "pdf";
        case DocumentFormat::cms: return "cms";
        case DocumentFormat::xml: return "xml";
        case DocumentFormat::unknown: return "unknown";
    }
    return "unknown";
}

DocumentFormat detect_format(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return DocumentFormat::unknown;
    // ISO 32000-2 lets the header follow other bytes; readers look in the first 1024.
    if (as_text(bytes, 1024).find("%PDF-") != std::string_view::npos) return DocumentFormat::pdf;
    // A DER SEQUENCE with a definite or indefinite length; the CMS parser judges the rest.
    if (bytes[0] == 0x30 && bytes.size() >= 2) return DocumentFormat::cms;
    std::string_view head = as_text(bytes, 4096);
    if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
    std::size_t first = head.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return DocumentFormat::unknown;
    head.remove_prefix(first);
    if (head.starts_with("-----BEGIN CMS-----") || head.starts_with("-----BEGIN PKCS7-----")) return DocumentFormat::cms;
    if (head.starts_with("<")) return DocumentFormat::xml;
    return DocumentFormat::unknown;
}

ValidationReport validate_document(const DocumentInput& input, const ValidationOptions& options, const DocumentLimits& limits) {
    if (input.detached_document && input.document_digest)
        throw Error(ErrorKind::invalid_input, "detached_and_digest", "give either the detached document or its digest, not both");
    bool content_given = input.detached_document || input.document_digest;
    DocumentFormat format = detect_format(input.signed_file);
    if (content_given && format == DocumentFormat::pdf)
        throw Error(ErrorKind::invalid_input, "document_not_applicable",
                    "a PDF carries what it signs: a detached document or digest goes only with a CMS or XAdES signature");
    // What a CMS or XAdES signature signs, when it is not inside it.
    auto content = [&] {
        if (input.detached_document) return SignedContent::detached(*input.detached_document);
        if (input.document_digest) return SignedContent::digest(input.document_digest->algorithm, input.document_digest->value);
        return SignedContent::attached();
    };
    switch (format) {
        case DocumentFormat::pdf: return validate_pdf_bytes(input.signed_file, options, limits.pdf);
        case DocumentFormat::cms: return validate_cms(input.signed_file, content(), options);
        case DocumentFormat::xml:
            if (input.signed_file.size() > limits.max_xml_bytes)
                return format_failure(options, "XAdES", "input_too_large", "Tệp XML vượt quá kích thước cho phép.",
                                      "The XML document is larger than allowed.");
            return validate_xades(input.signed_file, content(), options);
        case DocumentFormat::unknown: break;
    }
    return format_failure(options, "", std::string(format_not_recognized_code),
                          "Tệp không phải chữ ký số ở định dạng được hỗ trợ (PDF, CMS/CAdES, XML).",
                          "The file is not a signature in a supported format (PDF, CMS/CAdES, XML).");
}

}  // namespace sign::validate
