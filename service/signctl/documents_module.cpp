// signctl-documents.so: the DocumentFormats that signctl loads when a command needs them.

#include "document_formats.h"
#include "qr_png.h"
#include "sign/atomic_file.h"
#include "sign/clock.h"
#include "sign/validate/etsi_report.h"
#include "sign/validate/pades_validator.h"
#include "sign/validate/pdf_report.h"
#include "sign/verification/curl_fetcher.h"

namespace sign::signctl {
namespace {

// One libcurl fetcher for the extensions of a run.
validate::Fetcher& curl_fetcher() {
    static verification::CurlFetcher fetcher;
    return fetcher;
}

class Implementation final : public DocumentFormats {
public:
    void sign_pades(const std::filesystem::path& input, const std::filesystem::path& output, const Signer& signer,
                    const Clock& clock, const PadesOptions& options, TimestampSource* tsa) const override {
        sign::sign_pades(input, output, signer, clock, options, tsa);
    }
    std::vector<uint8_t> sign_xades(const Signer& signer, std::span<const uint8_t> document, const XadesOptions& options,
                                    const Clock& clock, TimestampSource* timestamps) const override {
        return sign::sign_xades(signer, document, options, clock, timestamps);
    }
    void fill_form_fields(const std::filesystem::path& input, const std::filesystem::path& output,
                          const std::vector<std::pair<std::string, std::string>>& values) const override {
        sign::fill_form_fields(input, output, values);
    }
    void write_qr_png(const std::string& payload, const std::string& path) const override {
        signctl::write_qr_png(payload, path);
    }
    void require_valid_leader_signature(const std::filesystem::path& pdf, const std::string& field,
                                        const validate::ValidationOptions& options) const override {
        validate::require_valid_leader_signature(pdf, field, options);
    }
    verification::VerificationOutcome verify(const std::string& data_root,
                                             const verification::VerificationRequest& request) const override {
        verification::TrustAnchorFolder anchors(data_root);
        verification::CurlFetcher network;
        SystemClock clock;
        // The CRLs `signctl crl generate` published: the folder's own certificates are checked
        // without the network; stale ones make the validator look further.
        auto published_crls = [root = std::filesystem::path(data_root)] {
            validate::ValidationData data;
            for (const char* ca : {"root-ca", "issuing-ca"}) {
                auto crl = root / "crl" / (std::string(ca) + ".crl");
                if (std::filesystem::exists(crl)) data.crls.push_back(read_file(crl.string()));
            }
            return data;
        };
        verification::VerificationService service(anchors, {.offline = nullptr, .online = &network}, clock, nullptr, published_crls);
        return service.verify(request);
    }
    std::string render_report(const validate::ValidationReport& report, const std::string& format,
                              const validate::CheckedFile& file) const override {
        if (format == "etsi") return validate::to_etsi_xml(report, file);
        auto language = format == "pdf-en" ? validate::Language::english : validate::Language::vietnamese;
        auto pdf = validate::render_pdf_report(report, language, file);
        return {pdf.begin(), pdf.end()};
    }
    PadesExtension extend_pades(const std::filesystem::path& input, const std::filesystem::path& output, SignatureLevel level,
                                validate::CollectionSources& sources, bool fetch, TimestampSource* tsa) const override {
        if (fetch) sources.fetcher = &curl_fetcher();
        return sign::extend_pades(input, output, level, sources, tsa);
    }
    PadesLongTermState pades_long_term_state(const std::filesystem::path& pdf) const override {
        return sign::pades_long_term_state(pdf);
    }
    std::vector<uint8_t> extend_cades(std::span<const uint8_t> signature, const validate::SignedContent& content,
                                      SignatureLevel level, validate::CollectionSources& sources, bool fetch, TimestampSource* tsa,
                                      CadesExtension* done) const override {
        if (fetch) sources.fetcher = &curl_fetcher();
        return sign::extend_cades(signature, content, level, sources, tsa, done);
    }
    std::vector<uint8_t> extend_xades(std::span<const uint8_t> document, const validate::SignedContent& content,
                                      SignatureLevel level, validate::CollectionSources& sources, bool fetch, TimestampSource* tsa,
                                      XadesExtension* done) const override {
        if (fetch) sources.fetcher = &curl_fetcher();
        return sign::extend_xades(document, content, level, sources, tsa, done);
    }
};

}  // namespace
}  // namespace sign::signctl

extern "C" const sign::signctl::DocumentFormats* signctl_document_formats() {
    static const sign::signctl::Implementation implementation;
    return &implementation;
}
