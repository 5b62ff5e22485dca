#include "sign/validate/pades_validator.h"

#include <algorithm>

#include "sign/error.h"

namespace sign::validate {

namespace {

Finding error_finding(std::string code, std::string vi, std::string en) {
    return Finding{Finding::Severity::error, std::move(code), std::move(vi), std::move(en)};
}

// The CMS verdict for the bytes, then the PDF's own: a broken ByteRange or a disallowed change
// outranks whatever the CMS said.
SignatureReport validate_one(const std::filesystem::path& pdf, const PdfSignature& signature, CmsValidator& validator) {
    SignatureReport report;
    if (!signature.cms.empty()) {
        auto digester = SignedContent::digester(
            [&](const std::string& digest_name) { return digest_signed_bytes(pdf, signature, digest_name); });
        auto reports = validator.validate_signature(signature.cms, digester);
        if (!reports.empty()) report = std::move(reports.front());
        if (reports.size() > 1)
            report.findings.push_back(error_finding("pdf_several_signers", "Chữ ký PDF chứa nhiều người ký",
                                                    "the PDF signature holds more than one signer"));
    }
    report.id = signature.field_name;
    report.format = "PAdES";
    if (report.level.rfind("CAdES-", 0) == 0) report.level = "PAdES-" + report.level.substr(6);

    if (signature.cms.empty() || !signature.byte_range_valid) {
        report.indication = MainIndication::total_failed;
        report.sub_indication = SubIndication::format_failure;
        for (const auto& problem : signature.problems)
            report.findings.push_back(error_finding(problem.code, "Cấu trúc chữ ký PDF không hợp lệ: " + problem.message,
                                                    "the PDF signature is malformed: " + problem.message));
        return report;
    }
    if (signature.changes.verdict == ChangeVerdict::disallowed_changes) {
        report.indication = MainIndication::total_failed;
        report.sub_indication = SubIndication::hash_failure;
        report.integrity = false;
        for (const auto& change : signature.changes.changes) {
            if (change.allowed) continue;
            std::string where = change.path + " (" + std::to_string(change.object) + " " + std::to_string(change.generation) +
                                " R): " + change.reason;
            report.findings.push_back(error_finding("pdf_disallowed_change",
                                                    "Tài liệu đã bị thay đổi sau khi ký: " + where,
                                                    "the document was changed after signing: " + where));
        }
    } else if (signature.changes.verdict == ChangeVerdict::allowed_changes_only) {
        report.findings.push_back(Finding{Finding::Severity::info, "pdf_allowed_changes",
                                          "Sau khi ký, tài liệu chỉ có các thay đổi được phép (điền biểu mẫu, ký thêm)",
                                          "after signing, the document has only allowed changes (form filling, further signatures)"});
    }
    return report;
}

// The caller's options plus the document's /DSS as supplied data.
ValidationOptions with_document_data(const ValidationOptions& options, const ValidationData& dss) {
    ValidationOptions out;
    out.validation_time = options.validation_time;
    out.policy = options.policy;
    for (const auto& anchor : options.trust.trust_anchors) out.trust.trust_anchors.push_back(anchor.copy());
    for (const auto& intermediate : options.trust.intermediates) out.trust.intermediates.push_back(intermediate.copy());
    out.extra = options.extra;
    out.extra.certificates.insert(out.extra.certificates.end(), dss.certificates.begin(), dss.certificates.end());
    out.extra.crls.insert(out.extra.crls.end(), dss.crls.begin(), dss.crls.end());
    out.extra.ocsp_responses.insert(out.extra.ocsp_responses.end(), dss.ocsp_responses.begin(), dss.ocsp_responses.end());
    out.fetcher = options.fetcher;
    out.fetch_limits = options.fetch_limits;
    out.input_limits = options.input_limits;
    return out;
}

// A document time-stamp (ISO 32000-2 12.8.5): its token over its ByteRange, and nothing but
// allowed changes (a /DSS, further time-stamps) after it.
TimestampReport validate_document_timestamp(const std::filesystem::path& pdf, const PdfSignature& stamp, CmsValidator& validator,
                                            SignatureReport& evidence) {
    TimestampReport report;
    report.type = "document-time-stamp";
    if (stamp.cms.empty() || !stamp.byte_range_valid) {
        for (const auto& problem : stamp.problems)
            report.findings.push_back(error_finding(problem.code, "Dấu thời gian tài liệu không đúng cấu trúc: " + problem.message,
                                                    "the document time-stamp is malformed: " + problem.message));
        if (report.findings.empty())
            report.findings.push_back(error_finding("document_timestamp_malformed", "Dấu thời gian tài liệu không đúng cấu trúc",
                                                    "the document time-stamp is malformed"));
        return report;
    }
    auto digester = [&](const std::string& digest_name) { return digest_signed_bytes(pdf, stamp, digest_name); };
    report = validator.validate_timestamp(stamp.cms, digester, "document-time-stamp", evidence);
    if (stamp.changes.verdict == ChangeVerdict::disallowed_changes) {
        report.valid = false;
        report.findings.push_back(error_finding("pdf_disallowed_change", "Tài liệu đã bị thay đổi sau dấu thời gian tài liệu",
                                                "the document was changed after the document time-stamp"));
    }
    return report;
}

// PAdES levels (EN 319 142-1 6): -LT when the /DSS holds revocation data, -LTA when a valid
// document time-stamp comes after the signature as well.
void set_pades_level(SignatureReport& report, const PdfSignatures& inspected, bool archived) {
    if (report.level != "PAdES-BASELINE-T") return;
    if (inspected.dss.ocsp_responses.empty() && inspected.dss.crls.empty()) return;
    report.level = archived ? "PAdES-BASELINE-LTA" : "PAdES-BASELINE-LT";
}

}  // namespace

ValidationReport validate_pdf(const std::filesystem::path& pdf, const ValidationOptions& options, const PdfLimits& limits) {
    auto inspected = inspect_pdf_signatures(pdf, limits);
    ValidationOptions document_options = with_document_data(options, inspected.dss);
    CmsValidator validator(document_options);
    std::vector<SignatureReport> reports;
    std::vector<int> revisions;
    std::vector<Finding> file_findings;
    for (const auto& signature : inspected.signatures) {
        if (signature.type == PdfSignatureType::document_timestamp) {
            // Its revocation evidence is of the time-stamp, not of a signature: kept apart.
            SignatureReport evidence;
            TimestampReport stamp = validate_document_timestamp(pdf, signature, validator, evidence);
            if (!stamp.valid)
                file_findings.push_back(Finding{Finding::Severity::warning, "document_timestamp_invalid",
                                                "Dấu thời gian tài liệu " + signature.field_name + " không hợp lệ",
                                                "the document time-stamp " + signature.field_name + " is not valid"});
            for (std::size_t i = 0; i < reports.size(); ++i) {
                if (revisions[i] >= signature.revision) continue;
                reports[i].timestamps.push_back(stamp);
                if (stamp.valid) reports[i].level = reports[i].level == "PAdES-BASELINE-LT" ? "PAdES-BASELINE-LTA" : reports[i].level;
            }
            continue;
        }
        reports.push_back(validate_one(pdf, signature, validator));
        revisions.push_back(signature.revision);
        set_pades_level(reports.back(), inspected, false);
    }
    if (inspected.trailing_bytes > 0)
        file_findings.push_back(Finding{Finding::Severity::warning, "pdf_trailing_bytes",
                                        std::to_string(inspected.trailing_bytes) + " byte ở cuối tệp không thuộc phiên bản nào",
                                        std::to_string(inspected.trailing_bytes) + " bytes at the end of the file belong to no revision"});
    if (reports.empty())
        file_findings.push_back(Finding{Finding::Severity::error, "no_signature", "Tệp không có chữ ký số",
                                        "the file has no signature"});
    auto report = validator.report(std::move(reports));
    report.findings.insert(report.findings.end(), file_findings.begin(), file_findings.end());
    return report;
}

SignatureReport validate_pdf_field(const std::filesystem::path& pdf, const std::string& field_name,
                                   const ValidationOptions& options, const PdfLimits& limits) {
    auto inspected = inspect_pdf_signatures(pdf, limits);
    ValidationOptions document_options = with_document_data(options, inspected.dss);
    auto found = std::find_if(inspected.signatures.begin(), inspected.signatures.end(), [&](const PdfSignature& signature) {
        return signature.field_name == field_name && signature.type == PdfSignatureType::signature;
    });
    if (found == inspected.signatures.end())
        throw Error(ErrorKind::not_found, "field_not_signed", "the PDF has no signature in the field '" + field_name + "'");
    CmsValidator validator(document_options);
    auto report = validate_one(pdf, *found, validator);
    set_pades_level(report, inspected, false);
    return report;
}

void require_valid_leader_signature(const std::filesystem::path& pdf, const std::string& field,
                                    const ValidationOptions& options) {
    SignatureReport report;
    try {
        report = validate_pdf_field(pdf, field, options);
    } catch (const Error& error) {
        if (error.code() != "field_not_signed") throw;
        throw Error(ErrorKind::conflict, "leader_signature_invalid",
                    "the field '" + field + "' holds no leader signature to seal over");
    }
    if (report.indication == MainIndication::total_passed) return;
    std::string why = to_string(report.indication);
    if (report.sub_indication) why += "/" + to_string(*report.sub_indication);
    for (const auto& finding : report.findings)
        if (finding.severity == Finding::Severity::error) {
            why += ": " + finding.en;
            break;
        }
    throw Error(ErrorKind::conflict, "leader_signature_invalid",
                "the leader's signature in '" + field + "' is not valid (" + why + "); the seal goes only over a valid one");
}

}  // namespace sign::validate
