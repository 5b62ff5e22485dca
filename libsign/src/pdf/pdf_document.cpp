#include "pdf_document.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <set>

#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>

#include "sign/error.h"
#include "sign/utc_time.h"
#include "../validate/pdf_permissions.h"

namespace sign::pdf {

namespace {

Error unreadable(const std::filesystem::path& path, const std::string& why) {
    return Error(ErrorKind::invalid_input, "pdf_unreadable", "cannot read the PDF " + path.string() + ": " + why);
}

// The value after the last "startxref" in the file's final kilobytes.
std::uint64_t read_startxref(std::ifstream& in, std::uint64_t size, const std::filesystem::path& path) {
    std::uint64_t tail_size = std::min<std::uint64_t>(size, 4096);
    std::string tail(tail_size, '\0');
    in.seekg(static_cast<std::streamoff>(size - tail_size));
    in.read(tail.data(), static_cast<std::streamsize>(tail_size));
    auto at = tail.rfind("startxref");
    if (at == std::string::npos) throw unreadable(path, "no startxref at the end of the file");
    std::size_t p = at + 9;
    while (p < tail.size() && std::isspace(static_cast<unsigned char>(tail[p]))) ++p;
    std::uint64_t offset = 0;
    auto [end, ec] = std::from_chars(tail.data() + p, tail.data() + tail.size(), offset);
    if (ec != std::errc() || offset >= size) throw unreadable(path, "startxref does not point into the file");
    if (tail.find("%%EOF", at) == std::string::npos) throw unreadable(path, "no %%EOF after startxref");
    return offset;
}

}  // namespace

Document::Document(const std::filesystem::path& path) : path_(path), qpdf_(std::make_unique<QPDF>()) {
    std::error_code ec;
    file_size_ = std::filesystem::file_size(path, ec);
    if (ec) throw Error(ErrorKind::not_found, "file_not_found", "cannot open the PDF " + path.string() + ": " + ec.message());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::not_found, "file_not_found", "cannot open the PDF " + path.string());
    if (file_size_ < 32) throw unreadable(path, "the file is too short to be a PDF");
    char header[5] = {};
    in.read(header, 5);
    if (std::string_view(header, 5) != "%PDF-") throw unreadable(path, "it does not start with %PDF-");
    last_xref_offset_ = read_startxref(in, file_size_, path);
    {
        char last = 0;
        in.seekg(static_cast<std::streamoff>(file_size_ - 1));
        in.get(last);
        ends_with_newline_ = last == '\n' || last == '\r';
        std::string head(64, '\0');
        in.seekg(static_cast<std::streamoff>(last_xref_offset_));
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(in.gcount()));
        std::size_t p = 0;
        while (p < head.size() && std::isspace(static_cast<unsigned char>(head[p]))) ++p;
        last_xref_is_stream_ = head.compare(p, 4, "xref") != 0;
    }

    // Recovery off: an update is appended at the offsets the file claims, so a file qpdf can
    // only read by reconstructing its xref is refused rather than signed on a guess.
    qpdf_->setSuppressWarnings(true);
    qpdf_->setAttemptRecovery(false);
    try {
        qpdf_->processFile(path.c_str());
    } catch (const QPDFExc& e) {
        if (e.getErrorCode() == qpdf_e_password)
            throw Error(ErrorKind::invalid_input, "pdf_encrypted",
                        "the PDF " + path.string() + " is encrypted; decrypt it before signing");
        throw unreadable(path, e.getMessageDetail());
    } catch (const std::exception& e) {
        throw unreadable(path, e.what());
    }
    if (qpdf_->isEncrypted())
        throw Error(ErrorKind::invalid_input, "pdf_encrypted",
                    "the PDF " + path.string() + " is encrypted; decrypt it before signing");
    try {
        if (qpdf_->getAllPages().empty())
            throw Error(ErrorKind::invalid_input, "pdf_no_pages", "the PDF " + path.string() + " has no pages");
        int max_id = 0;
        for (const auto& [objgen, entry] : qpdf_->getXRefTable()) max_id = std::max(max_id, objgen.getObj());
        auto size = qpdf_->getTrailer().getKey("/Size");
        // getObjectCount() also covers objects qpdf itself made while reading (say, a page it
        // copied because the tree listed it twice), so no number is handed out twice.
        next_object_id_ = std::max({max_id + 1, size.isInteger() ? size.getIntValueAsInt() : 0,
                                    static_cast<int>(qpdf_->getObjectCount()) + 1});
        if (!qpdf_->getRoot().isDictionary()) throw unreadable(path, "the trailer has no /Root dictionary");
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw unreadable(path, e.what());
    }
}

void refuse_if_certified_without_changes(Document& document) {
    if (validate::detail::certification_permission(document.qpdf()) == validate::DocMdpPermission::no_changes)
        throw Error(ErrorKind::policy, "document_certified_no_changes",
                    "the PDF " + document.path().string() +
                        " is certified with no changes allowed (DocMDP P 1); any update would invalidate its certification");
}

int Document::page_of_annotation(QPDFObjectHandle annotation) {
    const auto& all = pages();
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto annots = QPDFObjectHandle(all[i]).getKey("/Annots");
        if (!annots.isArray()) continue;
        for (auto& a : annots.getArrayAsVector())
            if (a.isIndirect() && a.getObjGen() == annotation.getObjGen()) return static_cast<int>(i);
    }
    return -1;
}

IncrementalUpdate::IncrementalUpdate(Document& document) : document_(document), next_id_(document.next_object_id()) {}

int IncrementalUpdate::allocate() { return next_id_++; }

void IncrementalUpdate::put(QPDFObjGen id, std::string body) { objects_[id.getObj()] = {id.getGen(), std::move(body)}; }

void IncrementalUpdate::put(QPDFObjectHandle object) { put(object.getObjGen(), object.unparseResolved()); }

void IncrementalUpdate::put_stream(int id, const std::string& dictionary_entries, const std::string& data) {
    std::string body = "<< " + dictionary_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n";
    body += data;
    body += "\nendstream";
    put(QPDFObjGen(id, 0), std::move(body));
}

namespace {

// Consecutive runs of object numbers, as /Index and classic subsections list them.
std::vector<std::pair<int, int>> runs(const std::vector<int>& ids) {
    std::vector<std::pair<int, int>> result;
    for (int id : ids) {
        if (!result.empty() && result.back().first + result.back().second == id)
            ++result.back().second;
        else
            result.push_back({id, 1});
    }
    return result;
}

void put_big_endian(std::string& out, std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

}  // namespace

std::string IncrementalUpdate::build() {
    // With /NeedAppearances viewers (poppler among them) draw their own appearances for the
    // form's fields and show nothing for signature fields: ours must be the ones shown.
    auto root = document_.qpdf().getRoot();
    auto acroform = root.getKey("/AcroForm");
    if (acroform.isDictionary() && acroform.hasKey("/NeedAppearances")) {
        acroform.removeKey("/NeedAppearances");
        put_modified(*this, acroform.isIndirect() ? acroform : root);
    }

    std::string out;
    std::uint64_t base = document_.file_size();
    if (!document_.ends_with_newline()) {
        out += "\n";
    }
    object_offsets_.clear();
    body_offsets_.clear();
    for (const auto& [id, entry] : objects_) {
        object_offsets_[id] = base + out.size();
        out += std::to_string(id) + " " + std::to_string(entry.first) + " obj\n";
        body_offsets_[id] = base + out.size();
        out += entry.second;
        out += "\nendobj\n";
    }

    auto trailer = document_.qpdf().getTrailer();
    std::string common;
    common += " /Root " + trailer.getKey("/Root").unparse();
    if (trailer.hasKey("/Info")) common += " /Info " + trailer.getKey("/Info").unparse();
    if (trailer.hasKey("/ID")) common += " /ID " + trailer.getKey("/ID").unparseResolved();
    common += " /Prev " + std::to_string(document_.last_xref_offset());

    std::uint64_t xref_offset = base + out.size();
    if (document_.last_xref_is_stream()) {
        int xref_id = next_id_++;
        object_offsets_[xref_id] = xref_offset;
        std::vector<int> ids;
        for (const auto& [id, offset] : object_offsets_) ids.push_back(id);
        int size = std::max(document_.next_object_id(), ids.back() + 1);
        int offset_bytes = 1;
        while (offset_bytes < 8 && (xref_offset >> (8 * offset_bytes)) != 0) ++offset_bytes;
        std::string data;
        for (int id : ids) {
            data.push_back(1);
            put_big_endian(data, object_offsets_[id], offset_bytes);
            put_big_endian(data, id == xref_id ? 0 : static_cast<std::uint64_t>(objects_[id].first), 2);
        }
        std::string index;
        for (auto [first, count] : runs(ids)) index += std::to_string(first) + " " + std::to_string(count) + " ";
        index.pop_back();
        out += std::to_string(xref_id) + " 0 obj\n<< /Type /XRef /Size " + std::to_string(size) + " /Index [" + index +
               "] /W [1 " + std::to_string(offset_bytes) + " 2]" + common + " /Length " +
               std::to_string(data.size()) + " >>\nstream\n";
        out += data;
        out += "\nendstream\nendobj\n";
    } else {
        std::vector<int> ids;
        for (const auto& [id, offset] : object_offsets_) ids.push_back(id);
        int size = std::max(document_.next_object_id(), ids.back() + 1);
        out += "xref\n";
        std::size_t i = 0;
        for (auto [first, count] : runs(ids)) {
            out += std::to_string(first) + " " + std::to_string(count) + "\n";
            for (int k = 0; k < count; ++k, ++i) {
                char entry[32];
                std::snprintf(entry, sizeof entry, "%010llu %05d n\r\n",
                              static_cast<unsigned long long>(object_offsets_[ids[i]]), objects_[ids[i]].first);
                out += entry;
            }
        }
        out += "trailer\n<< /Size " + std::to_string(size) + common + " >>\n";
    }
    out += "startxref\n" + std::to_string(xref_offset) + "\n%%EOF\n";
    return out;
}

std::optional<FieldMatch> find_field(Document& document, const std::string& name) {
    QPDFAcroFormDocumentHelper forms(document.qpdf());
    for (auto& field : forms.getFormFields()) {
        if (field.getFullyQualifiedName() != name) continue;
        auto widgets = forms.getAnnotationsForField(field);
        if (widgets.empty()) throw Error(ErrorKind::invalid_input, "field_without_widget", "the field " + name + " has no widget");
        return FieldMatch{field.getObjectHandle(), widgets.front().getObjectHandle()};
    }
    return std::nullopt;
}

FieldMatch require_field(Document& document, const std::string& name) {
    auto match = find_field(document, name);
    if (!match) throw Error(ErrorKind::not_found, "field_not_found", "the PDF has no form field named \"" + name + "\"");
    return *match;
}

QPDFObjectHandle new_object_ref(int id) {
    return QPDFObjectHandle::newName("/SignPdfNewObject" + std::to_string(id));
}

void put_modified(IncrementalUpdate& update, QPDFObjectHandle object) { put_as(update, object.getObjGen(), object); }

void put_as(IncrementalUpdate& update, QPDFObjGen id, QPDFObjectHandle object) {
    std::string text = object.unparseResolved();
    const std::string marker = "/SignPdfNewObject";
    for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at)) {
        auto end = at + marker.size();
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
        std::string ref = text.substr(at + marker.size(), end - at - marker.size()) + " 0 R";
        text.replace(at, end - at, ref);
        at += ref.size();
    }
    update.put(id, std::move(text));
}

void write_appended(const std::filesystem::path& input, const std::string& update, const std::filesystem::path& target) {
    std::filesystem::copy_file(input, target, std::filesystem::copy_options::overwrite_existing);
    std::ofstream out(target, std::ios::binary | std::ios::app);
    out.write(update.data(), static_cast<std::streamsize>(update.size()));
    out.close();
    if (!out) throw Error(ErrorKind::internal, "write_failed", "cannot write " + target.string());
}

void append_update_atomically(const std::filesystem::path& input, const std::string& update,
                              const std::filesystem::path& output) {
    auto temporary = temporary_beside(output);
    FileGuard guard(temporary);
    write_appended(input, update, temporary);
    int fd = ::open(temporary.c_str(), O_RDONLY);
    bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!synced) throw Error(ErrorKind::internal, "write_failed", "cannot sync " + temporary.string());
    std::filesystem::rename(temporary, output);
    guard.release();
}

std::u32string decode_utf8(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size())
            throw Error(ErrorKind::invalid_input, "invalid_utf8", "text is not valid UTF-8");
        char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1f) : extra == 2 ? (c & 0x0f) : (c & 0x07);
        for (int k = 1; k <= extra; ++k) {
            auto d = static_cast<unsigned char>(s[i + k]);
            if ((d >> 6) != 2) throw Error(ErrorKind::invalid_input, "invalid_utf8", "text is not valid UTF-8");
            cp = (cp << 6) | (d & 0x3f);
        }
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            throw Error(ErrorKind::invalid_input, "invalid_utf8", "text is not valid UTF-8");
        out.push_back(cp);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

std::string text_string(std::string_view utf8) {
    bool ascii = std::all_of(utf8.begin(), utf8.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    if (ascii) {
        std::string out = "(";
        for (char c : utf8) {
            if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        return out + ")";
    }
    static const char* hex = "0123456789ABCDEF";
    std::string out = "<FEFF";
    auto unit = [&](unsigned v) {
        for (int shift : {12, 8, 4, 0}) out.push_back(hex[(v >> shift) & 0xf]);
    };
    for (char32_t cp : decode_utf8(utf8)) {
        if (cp >= 0x10000) {
            unit(0xd800 + ((cp - 0x10000) >> 10));
            unit(0xdc00 + ((cp - 0x10000) & 0x3ff));
        } else {
            unit(static_cast<unsigned>(cp));
        }
    }
    return out + ">";
}

std::string number(double value) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 4);
    std::string s(buffer, end);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

std::string date_string(std::chrono::system_clock::time_point time) { return format_utc(time, UtcFormat::pdf_date); }

std::filesystem::path temporary_beside(const std::filesystem::path& target) {
    std::random_device random;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp-%08x", random());
    auto name = target.filename().string() + suffix;
    return target.parent_path() / name;
}

}  // namespace sign::pdf
