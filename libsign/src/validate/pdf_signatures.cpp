// Reading every signature of a PDF, in every revision, and checking its ByteRange and /Contents.

#include "sign/validate/pdf_signatures.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>

#include "pdf_inspection.h"
#include "pdf_permissions.h"
#include "sign/error.h"
#include "sign/openssl_ptr.h"

namespace sign::validate {

namespace detail {

MappedFile::MappedFile(const std::filesystem::path& path, std::uint64_t max_size) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(ErrorKind::not_found, "file_not_found", "cannot open the PDF " + path.string());
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::invalid_input, "file_error", "the PDF " + path.string() + " is not a regular file");
    }
    size_ = static_cast<std::uint64_t>(info.st_size);
    if (size_ > max_size) {
        ::close(fd);
        throw Error(ErrorKind::invalid_input, "pdf_too_large",
                    "the PDF is " + std::to_string(size_) + " bytes; at most " + std::to_string(max_size) + " are read");
    }
    if (size_ < 32) {
        ::close(fd);
        throw Error(ErrorKind::invalid_input, "pdf_unreadable", "the file " + path.string() + " is too short to be a PDF");
    }
    void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED) throw Error(ErrorKind::internal, "file_error", "cannot map the PDF " + path.string());
    data_ = static_cast<unsigned char*>(mapped);
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(data_, size_);
}

RevisionView::RevisionView(const MappedFile& file, std::uint64_t end, const std::string& description)
    : buffer_(const_cast<unsigned char*>(file.data()), end), qpdf_(std::make_unique<QPDF>()) {
    qpdf_->setSuppressWarnings(true);
    qpdf_->setAttemptRecovery(false);
    try {
        qpdf_->processInputSource(std::make_shared<BufferInputSource>(description, &buffer_, false));
    } catch (const QPDFExc& e) {
        if (e.getErrorCode() == qpdf_e_password)
            throw Error(ErrorKind::invalid_input, "pdf_encrypted", "the PDF is encrypted; its signatures cannot be checked");
        throw Error(ErrorKind::invalid_input, "pdf_unreadable", "cannot read " + description + ": " + e.getMessageDetail());
    } catch (const std::exception& e) {
        throw Error(ErrorKind::invalid_input, "pdf_unreadable", "cannot read " + description + ": " + e.what());
    }
    if (qpdf_->isEncrypted())
        throw Error(ErrorKind::invalid_input, "pdf_encrypted", "the PDF is encrypted; its signatures cannot be checked");
}

}  // namespace detail

namespace {

using detail::MappedFile;
using detail::RevisionView;

bool is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0; }

// Every revision's end: a "%%EOF" preceded by "startxref <offset>", plus its end-of-line
// (ISO 32000-2 7.5.5 and 12.8.1: the ByteRange may end after the EOL or right at %%EOF).
struct RevisionEnd {
    std::uint64_t eof_end;  // just after "%%EOF"
    std::uint64_t end;      // after its end-of-line, if any
};

std::vector<RevisionEnd> find_revisions(const MappedFile& file, std::size_t max_revisions) {
    std::vector<RevisionEnd> ends;
    const unsigned char* data = file.data();
    std::uint64_t size = file.size();
    static const char marker[] = "%%EOF";
    const void* at = data;
    while ((at = ::memmem(at, size - (static_cast<const unsigned char*>(at) - data), marker, 5)) != nullptr) {
        auto p = static_cast<std::uint64_t>(static_cast<const unsigned char*>(at) - data);
        at = data + p + 5;
        // Back over whitespace, the offset's digits, whitespace, to "startxref".
        std::uint64_t q = p;
        while (q > 0 && is_space(data[q - 1]) && p - q < 64) --q;
        std::uint64_t digits_end = q;
        while (q > 0 && data[q - 1] >= '0' && data[q - 1] <= '9' && digits_end - q < 20) --q;
        if (q == digits_end) continue;
        std::uint64_t digits_start = q;
        while (q > 0 && is_space(data[q - 1]) && digits_start - q < 64) --q;
        if (q == digits_start || q < 9 || std::memcmp(data + q - 9, "startxref", 9) != 0) continue;
        RevisionEnd end{p + 5, p + 5};
        if (end.end < size && data[end.end] == '\r') ++end.end;
        if (end.end < size && data[end.end] == '\n') ++end.end;
        ends.push_back(end);
        if (ends.size() > max_revisions)
            throw Error(ErrorKind::invalid_input, "pdf_too_many_revisions",
                        "the PDF has more than " + std::to_string(max_revisions) + " revisions");
    }
    return ends;
}

// The length of the DER (or BER indefinite-length) object at the start of `bytes`, or 0.
std::size_t der_object_length(const std::string& bytes) {
    if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x30) return 0;
    auto first = static_cast<unsigned char>(bytes[1]);
    if (first < 0x80) return 2u + first <= bytes.size() ? 2u + first : 0;
    if (first == 0x80) {
        // Indefinite length (some signers write BER): let OpenSSL find where the object ends.
        const auto* start = reinterpret_cast<const unsigned char*>(bytes.data());
        const unsigned char* p = start;
        CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(bytes.size()));
        if (!cms) return 0;
        CMS_ContentInfo_free(cms);
        return static_cast<std::size_t>(p - start);
    }
    std::size_t count = first & 0x7f;
    if (count > 4 || bytes.size() < 2 + count) return 0;
    std::uint64_t length = 0;
    for (std::size_t i = 0; i < count; ++i) length = length << 8 | static_cast<unsigned char>(bytes[2 + i]);
    std::uint64_t total = 2 + count + length;
    return total <= bytes.size() ? static_cast<std::size_t>(total) : 0;
}

std::string text_of(QPDFObjectHandle dictionary, const char* key) {
    auto value = dictionary.getKey(key);
    return value.isString() ? value.getUTF8Value() : std::string();
}

void problem(PdfSignature& signature, std::string code, std::string message) {
    signature.problems.push_back({std::move(code), std::move(message)});
}

// A signature found in some revision, before its checks.
struct Found {
    QPDFObjGen dictionary;
    PdfSignature signature;
    std::uint64_t contents_raw_size = 0;
    std::string contents_raw;
};

// The fields of `pdf` whose /V is a signature dictionary.
void collect_signatures(QPDF& pdf, std::map<QPDFObjGen, Found>& found, const PdfLimits& limits) {
    QPDFAcroFormDocumentHelper forms(pdf);
    for (auto& field : forms.getFormFields()) {
        auto object = field.getObjectHandle();
        auto value = object.getKey("/V");
        if (!value.isDictionary()) continue;
        auto type = value.getKey("/Type");
        bool timestamp = type.isName() && type.getName() == "/DocTimeStamp";
        bool signature = field.getFieldType() == "/Sig" || (type.isName() && type.getName() == "/Sig") || timestamp;
        if (!signature) continue;
        QPDFObjGen id = value.isIndirect() ? value.getObjGen() : object.getObjGen();
        if (found.count(id)) continue;
        if (found.size() >= limits.max_signatures)
            throw Error(ErrorKind::invalid_input, "pdf_too_many_signatures",
                        "the PDF has more than " + std::to_string(limits.max_signatures) + " signatures");
        Found entry;
        entry.dictionary = id;
        PdfSignature& s = entry.signature;
        s.field_name = field.getFullyQualifiedName();
        s.type = timestamp ? PdfSignatureType::document_timestamp : PdfSignatureType::signature;
        s.object = id.getObj();
        s.generation = id.getGen();
        auto sub_filter = value.getKey("/SubFilter");
        if (sub_filter.isName()) s.sub_filter = sub_filter.getName().substr(1);
        s.signing_time = value.getKey("/M").isString() ? value.getKey("/M").getStringValue() : std::string();
        s.name = text_of(value, "/Name");
        s.reason = text_of(value, "/Reason");
        s.location = text_of(value, "/Location");
        s.field_lock = detail::field_lock_of(value, object);
        if (detail::is_certification(pdf, value)) s.certification = detail::docmdp_of(value).value_or(DocMdpPermission::form_filling);

        auto range = value.getKey("/ByteRange");
        bool range_read = range.isArray() && range.getArrayNItems() == 4;
        for (int i = 0; range_read && i < 4; ++i) {
            auto item = range.getArrayItem(i);
            if (!item.isInteger() || item.getIntValue() < 0) range_read = false;
            else s.byte_range[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(item.getIntValue());
        }
        if (!range_read) problem(s, "byte_range_malformed", "the /ByteRange is not four non-negative integers");
        auto contents = value.getKey("/Contents");
        if (!contents.isString()) {
            problem(s, "contents_missing", "the signature dictionary has no /Contents string");
        } else {
            entry.contents_raw = contents.getStringValue();
        }
        if (s.sub_filter != "adbe.pkcs7.detached" && s.sub_filter != "ETSI.CAdES.detached" &&
            s.sub_filter != "ETSI.RFC3161" && s.sub_filter != "adbe.pkcs7.sha1")
            problem(s, "sub_filter_unsupported", "the /SubFilter " + (s.sub_filter.empty() ? "(none)" : s.sub_filter) +
                                                     " is not one this validator checks");
        if (timestamp && s.sub_filter != "ETSI.RFC3161")
            problem(s, "sub_filter_unsupported", "a document time-stamp must have /SubFilter /ETSI.RFC3161");
        found.emplace(id, std::move(entry));
    }
}

int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The ByteRange rules; sets revision, byte_range_valid, covers_whole_file and bytes_after.
void check_byte_range(Found& found, const MappedFile& file, const std::vector<RevisionEnd>& revisions,
                      const PdfLimits& limits) {
    PdfSignature& s = found.signature;
    if (!s.problems.empty() && (s.problems.front().code == "byte_range_malformed" ||
                                s.problems.front().code == "contents_missing"))
        return;
    const auto& r = s.byte_range;
    std::uint64_t size = file.size();
    bool ok = true;
    auto fail = [&](std::string code, std::string message) {
        problem(s, std::move(code), std::move(message));
        ok = false;
    };
    if (found.contents_raw.size() > limits.max_contents_size) {
        fail("contents_too_large", "the /Contents holds " + std::to_string(found.contents_raw.size()) +
                                       " bytes; at most " + std::to_string(limits.max_contents_size) + " are read");
        return;
    }
    if (r[0] != 0) fail("byte_range_not_from_start", "the /ByteRange does not start at the file's first byte");
    if (r[1] == 0 || r[1] > size || r[2] > size || r[3] > size - std::min(size, r[2])) {
        fail("byte_range_outside_file", "the /ByteRange reaches past the end of the file");
        return;
    }
    if (r[2] < r[1]) {
        fail("byte_range_overlap", "the /ByteRange's two ranges overlap");
        return;
    }
    std::uint64_t end = r[2] + r[3];
    s.bytes_after = size - end;
    // The gap must be exactly this dictionary's /Contents string, brackets included.
    std::uint64_t gap = r[2] - r[1];
    const unsigned char* data = file.data();
    if (gap != 2 * found.contents_raw.size() + 2 || data[r[1]] != '<' || data[r[2] - 1] != '>') {
        fail("byte_range_gap_not_contents",
             "the bytes the /ByteRange leaves out are not exactly the /Contents hex string");
    } else {
        for (std::uint64_t i = 0; i < found.contents_raw.size(); ++i) {
            int high = hex_value(data[r[1] + 1 + 2 * i]), low = hex_value(data[r[1] + 2 + 2 * i]);
            if (high < 0 || low < 0 || static_cast<unsigned char>(found.contents_raw[i]) != high * 16 + low) {
                fail("byte_range_gap_not_contents",
                     "the bytes the /ByteRange leaves out are not exactly the /Contents hex string");
                break;
            }
        }
    }
    auto revision = std::find_if(revisions.begin(), revisions.end(),
                                 [&](const RevisionEnd& e) { return e.end == end || e.eof_end == end; });
    if (revision == revisions.end()) {
        fail("byte_range_not_revision_end", "the /ByteRange does not end at the end of a revision (%%EOF)");
    } else {
        s.revision = static_cast<int>(revision - revisions.begin());
        s.covers_whole_file = end == size || (revision->end == size && revision + 1 == revisions.end());
        if (s.covers_whole_file) s.bytes_after = 0;
    }
    std::size_t length = der_object_length(found.contents_raw);
    if (length == 0) {
        problem(s, "contents_not_der", "the /Contents is not one DER object");
    } else if (std::any_of(found.contents_raw.begin() + static_cast<std::ptrdiff_t>(length), found.contents_raw.end(),
                           [](char c) { return c != 0; })) {
        problem(s, "contents_trailing_data", "the /Contents holds data after its DER object other than zero padding");
    } else {
        s.cms.assign(found.contents_raw.begin(), found.contents_raw.begin() + static_cast<std::ptrdiff_t>(length));
    }
    s.byte_range_valid = ok;
}

// The gap must lie in the signature dictionary's own object, as the revision's xref places it.
void check_gap_in_dictionary(Found& found, QPDF& revision, const MappedFile& file) {
    PdfSignature& s = found.signature;
    if (!s.byte_range_valid) return;
    auto table = revision.getXRefTable();
    auto entry = table.find(found.dictionary);
    if (entry == table.end() || entry->second.getType() != 1) {
        problem(s, "byte_range_gap_not_contents",
                "the signature dictionary is not a plain object of its revision, so /Contents cannot be the gap");
        s.byte_range_valid = false;
        return;
    }
    auto offset = static_cast<std::uint64_t>(entry->second.getOffset());
    std::uint64_t gap = s.byte_range[1];
    static const char endobj[] = "endobj";
    if (offset >= gap ||
        ::memmem(file.data() + offset, gap - offset, endobj, 6) != nullptr) {
        problem(s, "byte_range_gap_not_contents", "the /ByteRange's gap is not inside the signature dictionary");
        s.byte_range_valid = false;
    }
}

template <typename Function>
decltype(auto) reading(Function&& function) {
    try {
        return function();
    } catch (const Error&) {
        throw;
    } catch (const QPDFExc& e) {
        throw Error(ErrorKind::invalid_input, "pdf_unreadable", std::string("cannot read the PDF: ") + e.what());
    } catch (const std::bad_alloc&) {
        throw Error(ErrorKind::invalid_input, "pdf_too_large", "the PDF needs more memory than it may use");
    } catch (const std::logic_error& e) {
        throw Error(ErrorKind::internal, "pdf_processing_failed", std::string("inspecting the PDF failed: ") + e.what());
    } catch (const std::exception& e) {
        throw Error(ErrorKind::invalid_input, "pdf_unreadable", std::string("cannot read the PDF: ") + e.what());
    }
}

std::string revision_name(std::size_t index) { return "revision " + std::to_string(index + 1) + " of the PDF"; }

// The streams of /Root /DSS: what the signer or a later extension supplied for validation.
ValidationData read_dss(QPDF& qpdf, const PdfLimits& limits) {
    ValidationData data;
    auto dss = qpdf.getRoot().getKey("/DSS");
    if (!dss.isDictionary()) return data;
    std::size_t read = 0;
    auto take = [&](const char* key, std::vector<std::vector<std::uint8_t>>& into) {
        auto array = dss.getKey(key);
        if (!array.isArray()) return;
        for (int i = 0; i < array.getArrayNItems() && read < limits.max_dss_items; ++i) {
            auto item = array.getArrayItem(i);
            if (!item.isStream()) continue;
            try {
                auto buffer = item.getStreamData(qpdf_dl_generalized);
                if (buffer->getSize() > limits.max_contents_size) continue;
                into.emplace_back(buffer->getBuffer(), buffer->getBuffer() + buffer->getSize());
                ++read;
            } catch (const std::exception&) {
                // A stream qpdf cannot decode supplies nothing; the signature's own data still counts.
            }
        }
    };
    take("/Certs", data.certificates);
    take("/OCSPs", data.ocsp_responses);
    take("/CRLs", data.crls);
    return data;
}

PdfSignatures inspect(const std::filesystem::path& path, const PdfLimits& limits) {
    MappedFile file(path, limits.max_file_size);
    if (std::memcmp(file.data(), "%PDF-", 5) != 0)
        throw Error(ErrorKind::invalid_input, "pdf_unreadable", "the file " + path.string() + " does not start with %PDF-");
    auto ends = find_revisions(file, limits.max_revisions);
    if (ends.empty()) throw Error(ErrorKind::invalid_input, "pdf_unreadable", "the PDF has no startxref and %%EOF");

    PdfSignatures result;
    result.file_size = file.size();
    for (const auto& e : ends) result.revisions.push_back({e.end});
    result.trailing_bytes = file.size() - ends.back().end;

    // The final revision must read; earlier ones are read for signatures their fields no longer show.
    std::size_t last = ends.size() - 1;
    RevisionView final_view(file, ends.back().end, revision_name(last));
    auto object_count = final_view.qpdf().getXRefTable().size();
    if (object_count > limits.max_objects)
        throw Error(ErrorKind::invalid_input, "pdf_too_many_objects",
                    "the PDF has " + std::to_string(object_count) + " objects; at most " +
                        std::to_string(limits.max_objects) + " are compared");
    std::map<QPDFObjGen, Found> found;
    collect_signatures(final_view.qpdf(), found, limits);
    result.certification = detail::certification_permission(final_view.qpdf());
    result.dss = read_dss(final_view.qpdf(), limits);
    for (std::size_t i = 0; i + 1 < ends.size(); ++i) {
        try {
            RevisionView view(file, ends[i].end, revision_name(i));
            collect_signatures(view.qpdf(), found, limits);
        } catch (const Error& e) {
            if (e.code() != "pdf_unreadable") throw;
            // Not a revision qpdf reads on its own (say, a linearized file's first section):
            // a signature ending there is reported by its ByteRange check below.
        }
    }

    std::vector<Found> signatures;
    for (auto& [id, entry] : found) {
        check_byte_range(entry, file, ends, limits);
        signatures.push_back(std::move(entry));
    }
    std::sort(signatures.begin(), signatures.end(), [](const Found& a, const Found& b) {
        return std::pair(a.signature.revision, a.signature.byte_range[1]) <
               std::pair(b.signature.revision, b.signature.byte_range[1]);
    });

    for (auto& entry : signatures) {
        PdfSignature& s = entry.signature;
        // Without a sound ByteRange the signed revision is unknown, so no change can be excluded.
        auto unanalysable = [&s] {
            s.changes.verdict = ChangeVerdict::disallowed_changes;
            s.changes.changes.push_back({s.object, s.generation, "/ByteRange", "byte_range_invalid", false,
                                         "the signed revision cannot be identified, so no change can be excluded"});
        };
        if (s.revision < 0 || !s.byte_range_valid) {
            unanalysable();
            continue;
        }
        auto index = static_cast<std::size_t>(s.revision);
        std::optional<RevisionView> signed_view;
        try {
            signed_view.emplace(file, ends[index].end, revision_name(index));
        } catch (const Error& e) {
            if (e.code() != "pdf_unreadable") throw;
            problem(s, "revision_unreadable", "the revision this signature covers cannot be read: " + std::string(e.what()));
            s.byte_range_valid = false;
            unanalysable();
            continue;
        }
        check_gap_in_dictionary(entry, signed_view->qpdf(), file);
        if (!s.byte_range_valid) {
            unanalysable();
            continue;
        }
        detail::AnalysisRules rules;
        rules.permission = detail::certification_permission(signed_view->qpdf());
        rules.max_objects = limits.max_objects;
        for (const auto& other : signatures)
            if (other.signature.revision >= 0 && other.signature.revision <= s.revision && other.signature.field_lock)
                rules.locks.push_back(*other.signature.field_lock);
        if (index == last) {
            s.changes.permission = rules.permission;
            s.changes.verdict = ChangeVerdict::unchanged;
        } else {
            s.changes = detail::analyse_changes(signed_view->qpdf(), final_view.qpdf(), rules);
        }
        // Bytes after the last %%EOF belong to no revision: a reader may still find something in
        // them, so anything but padding is a change no rule allows.
        if (result.trailing_bytes > 0) {
            const unsigned char* tail = file.data() + ends.back().end;
            bool padding = std::all_of(tail, file.data() + file.size(), [](unsigned char c) { return is_space(c); });
            s.changes.changes.push_back(
                {0, 0, "(after the last %%EOF)", "trailing_bytes", padding,
                 std::to_string(result.trailing_bytes) + (padding ? " bytes of white space or zeros follow the last revision"
                                                                  : " bytes that belong to no revision follow the last %%EOF")});
            if (!padding) s.changes.verdict = ChangeVerdict::disallowed_changes;
            else if (s.changes.verdict == ChangeVerdict::unchanged) s.changes.verdict = ChangeVerdict::allowed_changes_only;
        }
    }
    for (auto& entry : signatures) result.signatures.push_back(std::move(entry.signature));
    return result;
}

}  // namespace

PdfSignatures inspect_pdf_signatures(const std::filesystem::path& pdf, const PdfLimits& limits) {
    return reading([&] { return inspect(pdf, limits); });
}

void read_signed_bytes(const std::filesystem::path& pdf, const PdfSignature& signature,
                       const std::function<void(std::span<const std::uint8_t>)>& sink) {
    MappedFile file(pdf, ~0ull);
    const auto& r = signature.byte_range;
    if (r[0] > file.size() || r[1] > file.size() - r[0] || r[2] > file.size() || r[3] > file.size() - r[2])
        throw Error(ErrorKind::invalid_input, "byte_range_outside_file", "the /ByteRange reaches past the end of the file");
    constexpr std::uint64_t chunk = 1 << 20;
    for (int part = 0; part < 2; ++part) {
        std::uint64_t offset = r[static_cast<std::size_t>(part * 2)], left = r[static_cast<std::size_t>(part * 2 + 1)];
        while (left > 0) {
            std::uint64_t n = std::min(left, chunk);
            sink(std::span<const std::uint8_t>(file.data() + offset, static_cast<std::size_t>(n)));
            offset += n;
            left -= n;
        }
    }
}

std::vector<std::uint8_t> digest_signed_bytes(const std::filesystem::path& pdf, const PdfSignature& signature,
                                              const std::string& digest_name) {
    const EVP_MD* md = EVP_get_digestbyname(digest_name.c_str());
    if (!md) throw Error(ErrorKind::invalid_input, "unknown_digest", "unknown digest " + digest_name);
    EvpMdCtxPtr context(EVP_MD_CTX_new());
    if (!context || EVP_DigestInit_ex(context.get(), md, nullptr) != 1)
        throw Error(ErrorKind::internal, "digest_failed", "cannot start the digest " + digest_name);
    read_signed_bytes(pdf, signature, [&](std::span<const std::uint8_t> bytes) {
        EVP_DigestUpdate(context.get(), bytes.data(), bytes.size());
    });
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned length = 0;
    EVP_DigestFinal_ex(context.get(), out.data(), &length);
    out.resize(length);
    return out;
}

std::optional<DocMdpPermission> certification_permission(const std::filesystem::path& pdf) {
    return reading([&] {
        MappedFile file(pdf, PdfLimits{}.max_file_size);
        auto ends = find_revisions(file, PdfLimits{}.max_revisions);
        if (ends.empty()) throw Error(ErrorKind::invalid_input, "pdf_unreadable", "the PDF has no startxref and %%EOF");
        RevisionView view(file, ends.back().end, "the PDF");
        return detail::certification_permission(view.qpdf());
    });
}

const char* to_string(ChangeVerdict verdict) {
    switch (verdict) {
    case ChangeVerdict::unchanged: return "unchanged";
    case ChangeVerdict::allowed_changes_only: return "allowed_changes_only";
    case ChangeVerdict::disallowed_changes: return "disallowed_changes";
    }
    return "disallowed_changes";
}

const char* to_string(PdfSignatureType type) {
    return type == PdfSignatureType::document_timestamp ? "document_timestamp" : "signature";
}

}  // namespace sign::validate
