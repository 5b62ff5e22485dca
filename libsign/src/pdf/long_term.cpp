#include "sign/pades_long_term.h"

#include <openssl/err.h>
#include <openssl/ts.h>

#include "../x509/openssl_util.h"
#include "pdf_document.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "sign/utc_time.h"
#include "sign/validate/pdf_signatures.h"

namespace sign {

static PadesExtension extend_pades_unguarded(const std::filesystem::path& input, const std::filesystem::path& output,
                                             SignatureLevel level, const validate::CollectionSources& sources,
                                             TimestampSource* tsa) {
    if (level != SignatureLevel::b_lt && level != SignatureLevel::b_lta)
        throw Error(ErrorKind::invalid_input, "unsupported_signature_level",
                    std::string("a PDF is extended to b-lt or b-lta, not ") + to_string(level));
    if (level == SignatureLevel::b_lta && !tsa)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "a B-LTA extension needs a time-stamp source");
    auto inspected = validate::inspect_pdf_signatures(input);
    if (inspected.signatures.empty())
        throw Error(ErrorKind::invalid_input, "no_signature", "the PDF " + input.string() + " has no signature to extend");
    // The data of what came before the last document time-stamp was added before it (or is
    // protected by it); what it and later signatures need is added now.
    std::size_t from = 0;
    for (std::size_t i = 0; i < inspected.signatures.size(); ++i)
        if (inspected.signatures[i].type == validate::PdfSignatureType::document_timestamp) from = i;
    validate::ValidationDataCollector collector(sources);
    for (std::size_t i = from; i < inspected.signatures.size(); ++i) {
        const auto& signature = inspected.signatures[i];
        if (signature.cms.empty())
            throw Error(ErrorKind::invalid_input, "signature_unreadable",
                        "the signature in field '" + signature.field_name + "' holds no readable CMS");
        collector.add_signature(signature.cms);
    }
    const auto& collected = collector.collected();
    if (!collected.complete())
        throw Error(ErrorKind::policy, "validation_data_incomplete",
                    "the validation data for a long-term signature is incomplete: " + collected.problems_text());

    PadesExtension result;
    result.certificates = collected.certificates.size();
    result.ocsp_responses = collected.ocsp_responses.size();
    result.crls = collected.crls.size();
    PdfValidationData data{collected.certificates, collected.ocsp_responses, collected.crls};
    auto with_dss = pdf::temporary_beside(output);
    pdf::FileGuard dss_guard(with_dss);
    add_pdf_dss(input, with_dss, data);
    result.dss_updated = std::filesystem::file_size(with_dss) != std::filesystem::file_size(input);
    if (level == SignatureLevel::b_lta) {
        auto stamped = pdf::temporary_beside(output);
        pdf::FileGuard stamp_guard(stamped);
        // The first "Timestamp<n>" no signature of the file uses (add_document_timestamp refuses a
        // name any other field holds).
        for (int n = 1;; ++n) {
            std::string name = "Timestamp" + std::to_string(n);
            bool taken = false;
            for (const auto& signature : inspected.signatures) taken |= signature.field_name == name;
            if (!taken) {
                result.document_timestamp = name;
                break;
            }
        }
        add_document_timestamp(with_dss, stamped, *tsa, "sha256", result.document_timestamp);
        std::filesystem::rename(stamped, output);
        stamp_guard.release();
    } else {
        std::filesystem::rename(with_dss, output);
        dss_guard.release();
    }
    return result;
}

PadesLongTermState pades_long_term_state(const std::filesystem::path& pdf) {
    return pdf::with_clear_errors(pdf, [&] {
        auto inspected = validate::inspect_pdf_signatures(pdf);
        PadesLongTermState state;
        if (inspected.signatures.empty()) return state;
        const auto& last = inspected.signatures.back();
        for (const auto& change : last.changes.changes) state.validation_data_after_last_signature |= change.kind == "dss";
        for (const auto& signature : inspected.signatures) {
            if (signature.type != validate::PdfSignatureType::document_timestamp || signature.cms.empty()) continue;
            const unsigned char* cursor = signature.cms.data();
            Pkcs7Ptr token(d2i_PKCS7(nullptr, &cursor, static_cast<long>(signature.cms.size())));
            TsTstInfoPtr info(token ? PKCS7_to_TS_TST_INFO(token.get()) : nullptr);
            ERR_clear_error();
            if (info) state.last_document_timestamp = detail::from_asn1_time(TS_TST_INFO_get_time(info.get()));
        }
        return state;
    });
}

PadesExtension extend_pades(const std::filesystem::path& input, const std::filesystem::path& output, SignatureLevel level,
                            const validate::CollectionSources& sources, TimestampSource* tsa) {
    return pdf::with_clear_errors(input, [&] { return extend_pades_unguarded(input, output, level, sources, tsa); });
}

}  // namespace sign
