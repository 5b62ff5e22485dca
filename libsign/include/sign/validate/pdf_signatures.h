#pragma once
// The PDF side of validating signatures: every signature dictionary of every revision, the
// checks of its /ByteRange, the document's certification (DocMDP) and field locks (FieldMDP),
// and, for each signed revision, what changed between it and the final file and whether the
// permissions allow it (reject-by-default: a change no rule explains is disallowed).
//
// The cryptography (the CMS, the chain, revocation) is not done here: the PAdES validator takes
// each PdfSignature's `cms`, hashes the signed bytes with digest_signed_bytes() and adds the
// verdict of `changes` to its own. Rules in docs/validation-pdf.md.
//
// The file is mapped, never copied; qpdf reads each revision from its prefix of the mapping.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sign/validate/validation_data.h"

namespace sign::validate {

/// Bounds on what one inspection reads; a file beyond them is refused with invalid_input.
struct PdfLimits {
    std::uint64_t max_file_size = 1ull << 30;       ///< `pdf_too_large`
    std::size_t max_revisions = 512;                ///< `pdf_too_many_revisions`
    std::size_t max_signatures = 128;               ///< `pdf_too_many_signatures`
    std::size_t max_contents_size = 1u << 20;       ///< bytes of one /Contents; larger is a signature problem
    std::size_t max_objects = 2'000'000;            ///< objects of one revision; `pdf_too_many_objects`
    std::size_t max_dss_items = 300;                ///< /DSS streams read (certificates, OCSP responses, CRLs)
};

enum class PdfSignatureType {
    signature,           ///< /Type /Sig (or no /Type): an approval or certification signature
    document_timestamp,  ///< /Type /DocTimeStamp, ETSI.RFC3161
};

/// ISO 32000-2 12.8.2.2: what a certification signature still permits after it.
enum class DocMdpPermission {
    no_changes = 1,    ///< P 1: nothing (document security store and document time-stamps only)
    form_filling = 2,  ///< P 2: filling in forms, instantiating page templates, signing
    annotations = 3,   ///< P 3: as 2, plus creating, deleting and changing annotations
};

/// A FieldMDP lock (ISO 32000-2 12.8.2.4, the /Lock dictionary of 12.7.5.5).
struct FieldLock {
    enum class Action { all, include, exclude };
    Action action = Action::all;
    std::vector<std::string> fields;  ///< fully qualified names, for include and exclude
    /// Whether the field named `full_name` may no longer change.
    bool locks(const std::string& full_name) const;
};

/// One change between a signed revision and the final file.
struct PdfChange {
    int object = 0;      ///< object number; 0 for the trailer or bytes outside any object
    int generation = 0;
    std::string path;    ///< where the document uses it, e.g. "/Root/Pages/Kids[0]/Contents"
    std::string kind;    ///< stable: form_fill, signature_added, dss, page_content, page_added, ...
    bool allowed = false;
    std::string reason;  ///< in plain words, for the report
};

enum class ChangeVerdict {
    unchanged,             ///< the signature covers the final file
    allowed_changes_only,  ///< later revisions hold only changes the permissions allow
    disallowed_changes,    ///< at least one change is not allowed: the signed document was modified
};

struct PdfChangeAnalysis {
    ChangeVerdict verdict = ChangeVerdict::unchanged;
    /// The permission the analysis applied: the certification's, or none when the document is
    /// not certified (then annotations, form filling and signing are allowed).
    std::optional<DocMdpPermission> permission;
    std::vector<PdfChange> changes;
};

/// A problem of a signature's structure; `code` is stable (byte_range_*, contents_*, ...).
struct PdfProblem {
    std::string code;
    std::string message;
};

struct PdfSignature {
    std::string field_name;  ///< the field's fully qualified name (UTF-8)
    PdfSignatureType type = PdfSignatureType::signature;
    std::string sub_filter;  ///< without the slash: "ETSI.CAdES.detached", "adbe.pkcs7.detached", "ETSI.RFC3161"
    int object = 0, generation = 0;  ///< the signature dictionary
    std::array<std::uint64_t, 4> byte_range{};
    /// The DER CMS of /Contents without its zero padding (for a document time-stamp, the RFC 3161
    /// TimeStampToken); empty when it is not one DER object (see `problems`).
    std::vector<std::uint8_t> cms;
    std::string signing_time;  ///< /M as written (e.g. "D:20261207120000Z"); empty when absent
    std::string name, reason, location;  ///< /Name, /Reason, /Location as UTF-8; empty when absent
    /// Index into PdfSignatures::revisions of the revision the ByteRange ends with; -1 when none.
    int revision = -1;
    /// The ByteRange and /Contents are well formed and cover their revision but for /Contents.
    bool byte_range_valid = false;
    std::vector<PdfProblem> problems;
    bool covers_whole_file = false;  ///< its revision is the file's end
    std::uint64_t bytes_after = 0;   ///< file bytes after what the ByteRange covers
    /// Set on the certification signature (the one /Perms /DocMDP names).
    std::optional<DocMdpPermission> certification;
    /// The FieldMDP lock this signature applies, if any.
    std::optional<FieldLock> field_lock;
    /// Changes after this signature's revision; empty and disallowed when the ByteRange is invalid.
    PdfChangeAnalysis changes;
};

struct PdfRevision {
    std::uint64_t end = 0;  ///< offset just after its %%EOF and end-of-line
};

struct PdfSignatures {
    std::uint64_t file_size = 0;
    /// The final revision's document security store (/Root /DSS: /Certs, /OCSPs, /CRLs streams,
    /// decoded); items over PdfLimits::max_contents_size or past PdfLimits::max_dss_items are left out.
    ValidationData dss;
    std::vector<PdfRevision> revisions;
    /// Bytes after the last revision's end, which belong to no revision.
    std::uint64_t trailing_bytes = 0;
    /// The certification signature's permission, when the document is certified.
    std::optional<DocMdpPermission> certification;
    /// In the order of their revisions (the signing order).
    std::vector<PdfSignature> signatures;
};

/// Reads every signature of `pdf` and analyses the changes after each. Throws sign::Error
/// invalid_input: `file_not_found`, `pdf_unreadable` (not a PDF qpdf reads without repairing it),
/// `pdf_encrypted`, and the limit codes of PdfLimits. Problems of a single signature are in its
/// `problems`, not thrown.
PdfSignatures inspect_pdf_signatures(const std::filesystem::path& pdf, const PdfLimits& limits = {});

/// Streams the bytes `signature`'s ByteRange covers to `sink`, in chunks, without copying the
/// file. Throws invalid_input `byte_range_outside_file` when the file is shorter.
void read_signed_bytes(const std::filesystem::path& pdf, const PdfSignature& signature,
                       const std::function<void(std::span<const std::uint8_t>)>& sink);

/// The `digest_name` (OpenSSL name: "sha256", "sha3-512", ...) of the signed bytes.
std::vector<std::uint8_t> digest_signed_bytes(const std::filesystem::path& pdf, const PdfSignature& signature,
                                              const std::string& digest_name);

/// The certification permission of `pdf`, if a certification signature is present.
std::optional<DocMdpPermission> certification_permission(const std::filesystem::path& pdf);

const char* to_string(ChangeVerdict verdict);
const char* to_string(PdfSignatureType type);

}  // namespace sign::validate
