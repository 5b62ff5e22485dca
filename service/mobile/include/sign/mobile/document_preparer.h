#pragma once
// Both halves of the hash-split for one document of a signature request. At
// creation, prepare() fixes what the key will sign (the to-be-signed digest)
// and keeps what finishing needs in the document's `preparation`: a PDF gets a
// PAdES B-T incremental update with the signer's image (working files in the
// request's folder), XML an enveloped XAdES B-T, any file a detached CAdES
// B-T, a bare hash nothing. After approval, finish() builds the signed result
// from the signature value the token made and writes it atomically.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sign/clock.h"
#include "sign/signature_level.h"
#include "sign/store/certificate_store.h"
#include "sign/timestamp_source.h"
#include "sign/signer.h"
#include "sign/signing/untrusted_pdfs.h"
#include "sign/store/signature_request_store.h"
#include "sign/validate/validation_data_collector.h"

namespace sign::mobile {

/// One document as the document system sent it, decoded.
struct DocumentInput {
    std::string title;
    std::string type;                    ///< "pdf", "xml", "file", "hash"
    std::vector<std::uint8_t> content;   ///< pdf, xml, file
    // pdf: where the signer's image goes
    std::optional<std::string> field;
    std::optional<int> page;
    std::optional<double> x_mm, y_mm;
    bool invisible = false;
    SignatureLevel level = SignatureLevel::b_t;  ///< b-lt and b-lta add the /DSS (and a document time-stamp) after signing
    // hash
    std::vector<std::uint8_t> hash;
    std::string hash_algorithm;
};

/// How a document is signed and what its result is.
struct DocumentSigning {
    SignatureScheme scheme;
    std::string digest_name;
};

/// The signer's key and certificate, for every document of a request.
struct SignerIdentity {
    const SigningKey& key;
    Certificate certificate;
    std::vector<Certificate> chain;  ///< issuing CAs, root excluded
    std::string signer_id;
    std::string scheme;  ///< as store::SignerRecord::scheme: chosen for the signer, or empty

    /// The Signer libsign's formats and check_signer() take, with this scheme and digest.
    Signer signer(const DocumentSigning& signing) const;
};


class DocumentPreparer {
public:
    /// All borrowed; they must outlive this. Each PDF is opened in `untrusted_pdfs` first.
    /// `long_term` (may be null: b-lt and b-lta are then refused) is where long-term PDFs find
    /// the signer's chain and revocation data.
    DocumentPreparer(const store::CertificateStore& certificates, TimestampSource& timestamps,
                     std::filesystem::path signer_images, const Clock& clock, const signing::UntrustedPdfs& untrusted_pdfs,
                     const validate::CollectionSources* long_term = nullptr)
        : certificates_(certificates), timestamps_(timestamps), signer_images_(std::move(signer_images)), clock_(clock),
          untrusted_pdfs_(untrusted_pdfs), long_term_(long_term) {}

    /// Validates `input` and runs the first half. Throws invalid_input `invalid_document`,
    /// `not_a_pdf`, `not_xml`, `field_not_found`, `signature_position_required`,
    /// `document_unprocessable`, internal `document_processing_timeout` (opening the PDF),
    /// `signature_image_missing`, and the signer checks' errors; for b-lt and b-lta, policy
    /// `long_term_unavailable`, `certificate_revoked`, `certificate_status_unknown` (the signer's
    /// status now, checked before anything is prepared).
    store::RequestDocument prepare(const SignerIdentity& signer, const DocumentInput& input, int index,
                                   const std::filesystem::path& folder) const;

    /// The scheme and digest the document's preparation fixed.
    static DocumentSigning signing_of(const store::RequestDocument& document);

    /// Second half: turns `signature_value` (sign_digest's form) into the signed result at
    /// result_path(), written atomically; a long-term PDF is extended there (extend_pades).
    void finish(const SignerIdentity& signer, const store::RequestDocument& document,
                const std::vector<std::uint8_t>& signature_value, const std::filesystem::path& folder) const;

    /// Where finish() writes a document's result.
    static std::filesystem::path result_path(const std::filesystem::path& folder, int index);
    /// Where prepare() keeps a PDF document as sent (for previews).
    static std::filesystem::path original_path(const std::filesystem::path& folder, int index);
    /// The media type of a document type's result.
    static std::string result_media_type(const std::string& type);

private:
    const store::CertificateStore& certificates_;
    TimestampSource& timestamps_;
    std::filesystem::path signer_images_;
    const Clock& clock_;
    const signing::UntrustedPdfs& untrusted_pdfs_;
    const validate::CollectionSources* long_term_;
};

/// The signer's scheme: the one chosen for it, else its key's default (RSASSA-PSS for RSA, ECDSA
/// for EC); and its digest (SHA-384 for P-384, SHA-256 otherwise). Throws invalid_input
/// `scheme_key_mismatch` when the chosen scheme does not fit the key.
DocumentSigning signer_signing(const SignerIdentity& identity);

}  // namespace sign::mobile
