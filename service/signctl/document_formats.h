#pragma once
// PDF, XML and PNG work, in a module (signctl-documents.so) loaded on the first call. qpdf,
// libxml2, HarfBuzz, libpng and libqrencode with what they pull in (ICU, GnuTLS, p11-kit...)
// are about forty libraries whose loading and relocation cost each run of signctl more than
// the work of most commands; `sign cms`, `cert`, `crl` and the rest never load them.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sign/cades_long_term.h"
#include "sign/pades.h"
#include "sign/validate/checked_file.h"
#include "sign/pades_long_term.h"
#include "sign/validate/cms_validator.h"
#include "sign/verification/verification_service.h"
#include "sign/xades.h"
#include "sign/xades_long_term.h"

namespace sign::signctl {

/// The functions of libsign and signctl that need the document libraries; each does what the
/// function of the same name does.
class DocumentFormats {
public:
    virtual ~DocumentFormats() = default;
    virtual void sign_pades(const std::filesystem::path& input, const std::filesystem::path& output, const Signer& signer,
                            const Clock& clock, const PadesOptions& options, TimestampSource* tsa) const = 0;
    virtual std::vector<uint8_t> sign_xades(const Signer& signer, std::span<const uint8_t> document,
                                            const XadesOptions& options, const Clock& clock,
                                            TimestampSource* timestamps) const = 0;
    virtual void fill_form_fields(const std::filesystem::path& input, const std::filesystem::path& output,
                                  const std::vector<std::pair<std::string, std::string>>& values) const = 0;
    virtual void write_qr_png(const std::string& payload, const std::string& path) const = 0;
    virtual void require_valid_leader_signature(const std::filesystem::path& pdf, const std::string& field,
                                                const validate::ValidationOptions& options) const = 0;
    /// verification::VerificationService over the trust anchors of the data folder at `data_root`,
    /// its published CRLs as local data, and libcurl for what is fetched.
    virtual verification::VerificationOutcome verify(const std::string& data_root,
                                                     const verification::VerificationRequest& request) const = 0;
    /// validate::to_etsi_xml() (`etsi`) or validate::render_pdf_report() (`pdf`, or `pdf-en` in English).
    virtual std::string render_report(const validate::ValidationReport& report, const std::string& format,
                                      const validate::CheckedFile& file) const = 0;
    /// extend_pades(); with `fetch`, `sources` gets the module's libcurl fetcher first.
    virtual PadesExtension extend_pades(const std::filesystem::path& input, const std::filesystem::path& output,
                                        SignatureLevel level, validate::CollectionSources& sources, bool fetch,
                                        TimestampSource* tsa) const = 0;
    virtual PadesLongTermState pades_long_term_state(const std::filesystem::path& pdf) const = 0;
    /// extend_cades(); with `fetch`, `sources` gets the module's libcurl fetcher first.
    virtual std::vector<uint8_t> extend_cades(std::span<const uint8_t> signature, const validate::SignedContent& content,
                                              SignatureLevel level, validate::CollectionSources& sources, bool fetch,
                                              TimestampSource* tsa, CadesExtension* done) const = 0;
    /// extend_xades(); with `fetch`, `sources` gets the module's libcurl fetcher first.
    virtual std::vector<uint8_t> extend_xades(std::span<const uint8_t> document, const validate::SignedContent& content,
                                              SignatureLevel level, validate::CollectionSources& sources, bool fetch,
                                              TimestampSource* tsa, XadesExtension* done) const = 0;
};

/// The module's implementation, loaded once: from the folder of the signctl program (build tree)
/// or from <prefix>/lib/city-sign (installed). Throws sign::Error internal `module_not_loadable`.
const DocumentFormats& document_formats();

}  // namespace sign::signctl

/// The module's one exported symbol.
extern "C" const sign::signctl::DocumentFormats* signctl_document_formats();
