#pragma once
// PAdES baseline signatures (ETSI EN 319 142-1): a CAdES detached CMS in a PDF
// signature dictionary (/Filter /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached),
// appended as an incremental update so every earlier byte, and so every earlier
// signature, stays as it was.
//
// The PDF is read with qpdf; the update (signature dictionary, field and widget,
// appearance, changed page / AcroForm objects, an xref section of the same kind
// as the file's last one) is written here. The CMS comes from sign/cades.h.
//
// Files, not buffers: inputs and outputs are paths, so a large PDF is streamed,
// never held in memory more than once. Every function writes its output through
// a temporary file in the output's folder and renames it at the end: on error
// there is no output at all.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sign/certificate_registry.h"
#include "sign/clock.h"
#include "sign/prepared_signature.h"
#include "sign/signature_level.h"
#include "sign/signer.h"
#include "sign/timestamp_source.h"
#include "sign/validate/validation_data_collector.h"

namespace sign {

/// A rectangle in PDF user space (points, 1/72 inch, origin bottom left).
struct PdfRect {
    double left = 0, bottom = 0, right = 0, top = 0;
    double width() const { return right - left; }
    double height() const { return top - bottom; }
};

/// Millimetres to a rectangle in points from the origin of user space (not from the page's
/// corner: PagePosition measures from the corner the reader sees).
PdfRect rect_from_mm(double left_mm, double bottom_mm, double width_mm, double height_mm);
/// Millimetres to points.
constexpr double mm_to_points(double mm) { return mm * 72.0 / 25.4; }

/// A box on a page in the page's own user space; `page` counts from 1. It must lie inside the
/// page's CropBox. On a page shown turned (/Rotate 90, 180, 270) the appearance is drawn turned
/// back, so it reads upright.
struct PageRect {
    int page = 1;
    PdfRect rect;
};

/// A box as the reader sees the page: millimetres from the bottom-left corner of the displayed
/// page, that is of the CropBox (the MediaBox when there is none) after /Rotate. What
/// `signctl sign pdf --rect`, the seal API's and signature requests' page/xMm/yMm mean.
struct PagePosition {
    int page = 1;
    double left_mm = 0, bottom_mm = 0, width_mm = 0, height_mm = 0;
};

/// An existing, unsigned signature field (/FT /Sig without /V), found by its fully
/// qualified name; its widget's page and rectangle are used.
struct ExistingField {
    std::string name;
};

/// Decree 30/2020 Appendix I: the agency's seal, at its real diameter, covering about the
/// left third of the leader's signature image. `leader` is the rectangle the leader's image
/// occupies (the /Rect of the leader's signature widget, which sign_pades makes exactly the
/// image's rectangle) or the leader's signature field.
struct SealOverLeader {
    std::variant<PageRect, ExistingField> leader;
    double diameter_mm = 36;
};

using SignaturePlacement = std::variant<PageRect, ExistingField, SealOverLeader, PagePosition>;

/// The seal's rectangle for a leader image at `leader`: a `diameter_mm` square, vertically
/// centred on the image, whose right edge lies one third into the image.
PdfRect seal_rect_over(const PdfRect& leader, double diameter_mm);

/// Decree 30/2020 Appendix I for attachments and copies: no image; the signature shows, at the top
/// right of page 1, in 10 pt black Liberation Serif (embedded subset): for a copy the copy form
/// and the copying agency, then the document number and symbol, then the signing time in ISO 8601
/// at +07:00 ("2026-11-27T19:42:00+07:00").
struct CopyStamp {
    std::string document_number;  ///< as printed, e.g. "Số: 15/QĐ-UBND"; required for an attachment
    std::string copy_kind;        ///< empty for an attachment; "SAO Y", "SAO LỤC" or "TRÍCH SAO"
    std::string copying_agency;   ///< the agency making the copy; required with copy_kind
};

struct PadesOptions {
    /// B-B, or B-T with an RFC 3161 signature time-stamp (needs a TimestampSource). B-LT and B-LTA
    /// (sign_pades only; they need `validation_sources`) check the signer's status before signing,
    /// sign at B-T, then add the /DSS and, for B-LTA, a document time-stamp (extend_pades()).
    /// prepare_pades()/finalize_pades() make the CMS at B-T for them; extend the result after.
    SignatureLevel level = SignatureLevel::b_b;
    /// Where B-LT and B-LTA find certificates and revocation data (borrowed).
    const validate::CollectionSources* validation_sources = nullptr;
    /// The new signature field's name (/T); empty picks "Signature<n>", the first one free.
    /// Ignored when the placement is an ExistingField.
    std::string field_name;
    /// Where the visible signature goes; empty for an invisible signature.
    std::optional<SignaturePlacement> placement;
    /// PNG drawn in the placement (8-bit or 16-bit, any colour type; alpha becomes an /SMask).
    /// A PageRect or ExistingField box is filled with the image scaled to fit, aspect kept and
    /// centred, and the widget shrinks to the image; a seal is drawn at its diameter.
    /// Files over 8 MB or 40 megapixels are refused before decoding.
    std::filesystem::path image;
    /// Attachment or copy stamp; excludes `placement` and `image`.
    std::optional<CopyStamp> stamp;
    std::string reason;    ///< /Reason, optional
    std::string location;  ///< /Location, optional
    /// Bytes reserved for the CMS. Empty (the default) measures it: the CMS CAdES prepares over a
    /// dummy digest with the signer's real chain and attributes, plus the key's maximum signature
    /// size, plus, for B-T, the size of the TSA's last token, plus a 512-byte margin. sign_pades()
    /// grows a placeholder that turns out too small and signs again; finalize_pades() cannot (the signature covers the ByteRange) and
    /// throws `placeholder_too_small` naming the size needed.
    std::optional<std::size_t> contents_size;
    /// Our CA database, so CAdES refuses revoked signers; null for certificates from elsewhere.
    const CertificateRegistry* registry = nullptr;
};

/// Signs `input` into `output` (they must differ): prepare_pades + sign_digest + finalize_pades.
/// The signing time (/M) comes from `clock`. `tsa` is required for B-T and above and unused for B-B.
/// For B-LT and B-LTA, the signer's certificate is checked first (require_signer_in_good_standing:
/// policy `certificate_revoked`, `certificate_status_unknown`), then the file is extended
/// (extend_pades); invalid_input `validation_sources_missing` without `validation_sources`.
void sign_pades(const std::filesystem::path& input, const std::filesystem::path& output, const Signer& signer,
                const Clock& clock, const PadesOptions& options, TimestampSource* tsa = nullptr);

/// First half of the hash-split. Writes `input` plus the incremental update with an all-zero
/// /Contents placeholder to `prepared` (a working file the caller keeps until finalize), and
/// returns the digest to sign. `state` (versioned text) holds the prepared file's absolute path,
/// its size, the ByteRange, the digest of the ByteRange bytes (finalize re-checks both), the
/// reserved CMS size and the CAdES state; no PDF bytes, so it stays a few kilobytes. For B-T with no
/// `contents_size`, the placeholder is sized from a dry run of the CMS plus the size of the last token
/// `tsa` gave (TimestampSource::expected_token_size); only a source that never answered is asked
/// for a token over a dummy digest.
/// `signer.key` is not used.
PreparedSignature prepare_pades(const std::filesystem::path& input, const std::filesystem::path& prepared,
                                const Signer& signer, const Clock& clock, const PadesOptions& options,
                                TimestampSource* tsa = nullptr);

/// Second half: builds the CMS from the state and `signature_value` (as sign_digest returns it),
/// time-stamps it for B-T, and writes the prepared file with the CMS patched into /Contents to
/// `output` (which may be the prepared file itself). Throws invalid_input `prepared_file_changed`
/// when the prepared file is not the one prepare_pades wrote.
void finalize_pades(const PreparedSignature& prepared, std::span<const std::uint8_t> signature_value,
                    TimestampSource* tsa, const std::filesystem::path& output);

/// Validation data for a PDF's document security store (ETSI EN 319 142-1 5.4.2), each item DER.
struct PdfValidationData {
    std::vector<std::vector<std::uint8_t>> certificates;
    std::vector<std::vector<std::uint8_t>> ocsp_responses;  ///< OCSPResponse, as a responder sends it
    std::vector<std::vector<std::uint8_t>> crls;
};

/// Appends an incremental update that adds `data` to the /DSS dictionary (/Certs, /OCSPs, /CRLs
/// arrays of streams; no /VRI), keeping what it holds and skipping items it already has, so every
/// earlier signature stays valid (a DSS is an allowed change even under a DocMDP P 1 certification).
/// Throws invalid_input `no_validation_data` when there is nothing to add.
void add_pdf_dss(const std::filesystem::path& input, const std::filesystem::path& output, const PdfValidationData& data);

/// Appends a document time-stamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161, ISO 32000-2
/// 12.8.5) over the whole file, in a new invisible signature field (`field_name`, or
/// "Timestamp<n>", the first one free). The placeholder is sized from the last token `tsa` gave
/// (or, for a source that never answered, a token over a dummy digest); a token that still
/// outgrows it is asked for again with room for it.
void add_document_timestamp(const std::filesystem::path& input, const std::filesystem::path& output,
                            TimestampSource& tsa, const std::string& digest_name = "sha256",
                            const std::string& field_name = {});

/// Sets the values of existing single-line text fields (by fully qualified name) in an incremental
/// update: /V and an appearance in an embedded Liberation Serif subset (Vietnamese included), so
/// earlier signatures stay valid. Values are UTF-8. Throws not_found `field_not_found`,
/// invalid_input `not_a_text_field`, `unsupported_character`, policy `field_read_only`.
void fill_form_fields(const std::filesystem::path& input, const std::filesystem::path& output,
                      const std::vector<std::pair<std::string, std::string>>& values);

/// The fully qualified names of the signed signature fields (/FT /Sig with a /V), in the form's
/// field order, which for signatures appended by incremental updates is the signing order.
std::vector<std::string> signed_signature_fields(const std::filesystem::path& pdf);

/// A signature field's widget: its page (from 1) and rectangle. Throws not_found.
PageRect signature_field_rect(const std::filesystem::path& pdf, const std::string& field_name);

}  // namespace sign
