#pragma once
// The agency's seal applied on behalf of a document system: a PDF gets a PAdES
// B-T signature (B-LT or B-LTA on request) with the Decree 30 appearance (the red seal at real size over
// the left third of the leader's signature image), an XML document an enveloped
// XAdES B-T signature, any other file a detached CAdES B-T signature. The seal
// certificate is checked before the token is asked, as for every signature.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sign/clock.h"
#include "sign/signature_level.h"
#include "sign/signature_scheme.h"
#include "sign/signer.h"
#include "sign/signing/leader_signature_check.h"
#include "sign/signing/signer_directory.h"
#include "sign/signing/untrusted_pdfs.h"
#include "sign/timestamp_source.h"
#include "sign/validate/validation_data_collector.h"

namespace sign::signing {

/// An agency seal: a certificate of profile "agency" whose key is on the token, valid now.
struct SealInfo {
    std::string id;  ///< the token key's label, e.g. "agency-seal"
    std::string subject;
    std::string certificate_serial;
    std::string key_type;  ///< "rsa-2048", "p-256", ...
};

/// Where a PDF's seal goes.
struct PdfSealPlacement {
    /// The leader's signature field to cover. Empty: the last signed signature field, or, when
    /// `page`, `x_mm` and `y_mm` are given, that spot; a PDF with neither is refused
    /// (invalid_input `seal_position_required`). The seal image is <data>/images/<seal id>.png.
    std::string leader_field{};
    std::optional<int> page{};
    std::optional<double> x_mm{}, y_mm{};  ///< the seal's lower-left corner
    bool invisible = false;            ///< no appearance at all
};

class SealService {
public:
    /// `signers`, `timestamps` and `clock` are borrowed; they must outlive the service. The seal
    /// image of seal `id` is <images>/<id>.png.
    /// `schemes` chooses, per seal id, the scheme of its PDF and CMS signatures; a seal not named
    /// there signs with its key's default: RSASSA-PSS for RSA (what Circular 15 expects), ECDSA for
    /// EC. XML signatures from RSA keys are always PKCS#1 v1.5 (XML-DSig verifiers lack RSA-PSS).
    /// Throws invalid_input `invalid_config` for a seal that is not here or a scheme its key cannot use.
    /// `leader_check`, when given (borrowed), validates the leader's signature before a seal goes
    /// over it (Decree 30's order). `untrusted_pdfs`, when given (borrowed), opens each PDF first
    /// (its failures are seal_pdf()'s too). `long_term`, when given (borrowed), is where B-LT and
    /// B-LTA seals find the seal's chain and revocation data.
    SealService(const SignerDirectory& signers, TimestampSource& timestamps, std::filesystem::path images,
                const Clock& clock, std::map<std::string, SignatureScheme> schemes = {},
                const LeaderSignatureCheck* leader_check = nullptr, const UntrustedPdfs* untrusted_pdfs = nullptr,
                const validate::CollectionSources* long_term = nullptr);

    /// The seals this folder can apply, newest certificate per key label.
    std::vector<SealInfo> seals() const;
    /// One seal; throws not_found `unknown_seal`.
    SealInfo seal(const std::string& id) const;

    /// The signed PDF (the input plus one incremental update; B-LT adds the /DSS, B-LTA a document
    /// time-stamp after it). Throws invalid_input `not_a_pdf`, `seal_position_required`,
    /// `unsupported_signature_level` (B-B), not_found `field_not_found`, `seal_image_missing`,
    /// conflict `leader_signature_invalid` (the leader check's); for B-LT and B-LTA, policy
    /// `long_term_unavailable` (no `long_term` sources), `certificate_revoked` or
    /// `certificate_status_unknown` (the seal's status, checked before the token is asked) and
    /// `validation_data_incomplete`.
    std::vector<uint8_t> seal_pdf(const std::string& seal_id, std::span<const uint8_t> pdf, const PdfSealPlacement& placement,
                                  SignatureLevel level = SignatureLevel::b_t);
    /// The XML document with an enveloped XAdES B-T signature. Throws invalid_input `not_xml`.
    std::vector<uint8_t> seal_xml(const std::string& seal_id, std::span<const uint8_t> xml);
    /// A DER CMS (CAdES B-T) detached signature over `content`.
    std::vector<uint8_t> seal_file(const std::string& seal_id, std::span<const uint8_t> content);

private:
    struct Prepared {
        SealInfo info;
        Signer signer;
    };
    /// The seal's signer: its key, certificate and chain; the scheme XML verifiers accept when `xml`.
    Prepared signer_for(const std::string& seal_id, bool xml) const;

    const SignerDirectory& signers_;
    TimestampSource& timestamps_;
    std::filesystem::path images_;
    const Clock& clock_;
    std::map<std::string, SignatureScheme> schemes_;
    const LeaderSignatureCheck* leader_check_;
    const UntrustedPdfs* untrusted_pdfs_;
    const validate::CollectionSources* long_term_;
};

}  // namespace sign::signing
