#include "sign/validate/report.h"

#include <sstream>

#include "sign/distinguished_name.h"
#include "sign/error.h"
#include "sign/utc_time.h"

namespace sign::validate {
namespace {

using nlohmann::json;
using TimePoint = std::chrono::system_clock::time_point;

json time_or_null(const std::optional<TimePoint>& time) { return time ? json(format_utc(*time)) : json(); }

std::string severity_name(Finding::Severity severity) {
    switch (severity) {
        case Finding::Severity::error: return "error";
        case Finding::Severity::warning: return "warning";
        case Finding::Severity::info: return "info";
    }
    return "info";
}

json findings_json(const std::vector<Finding>& findings) {
    json out = json::array();
    for (const auto& item : findings)
        out.push_back({{"severity", severity_name(item.severity)}, {"code", item.code}, {"message", item.en}, {"messageVi", item.vi}});
    return out;
}

// The verdict in the words Circular 15 uses, and in English.
std::string verdict_text(MainIndication indication, Language language) {
    bool vi = language == Language::vietnamese;
    switch (indication) {
        case MainIndication::total_passed: return vi ? "hợp lệ" : "valid";
        case MainIndication::total_failed: return vi ? "không hợp lệ" : "invalid";
        case MainIndication::indeterminate: return vi ? "không xác định" : "indeterminate";
    }
    return vi ? "không xác định" : "indeterminate";
}

std::string sub_indication_text(SubIndication sub, Language language) {
    bool vi = language == Language::vietnamese;
    switch (sub) {
        case SubIndication::format_failure: return vi ? "chữ ký không đúng định dạng" : "the signature is malformed";
        case SubIndication::hash_failure: return vi ? "dữ liệu đã bị thay đổi sau khi ký" : "the data was changed after signing";
        case SubIndication::sig_crypto_failure: return vi ? "giá trị chữ ký không đúng" : "the signature value does not verify";
        case SubIndication::revoked: return vi ? "chứng thư số đã bị thu hồi trước thời điểm ký" : "the certificate was revoked before signing";
        case SubIndication::expired: return vi ? "chứng thư số đã hết hạn trước thời điểm ký" : "the certificate had expired before signing";
        case SubIndication::not_yet_valid: return vi ? "chứng thư số chưa có hiệu lực" : "the certificate is not yet valid";
        case SubIndication::sig_constraints_failure: return vi ? "chữ ký không đáp ứng chính sách kiểm tra" : "the signature does not meet the policy";
        case SubIndication::chain_constraints_failure: return vi ? "chuỗi chứng thư không đáp ứng yêu cầu" : "the certificate chain does not meet the constraints";
        case SubIndication::certificate_chain_general_failure: return vi ? "lỗi chuỗi chứng thư" : "certificate chain failure";
        case SubIndication::crypto_constraints_failure: return vi ? "thuật toán mật mã không được chấp nhận" : "a cryptographic algorithm is not accepted";
        case SubIndication::crypto_constraints_failure_no_poe:
            return vi ? "thuật toán mật mã không còn được chấp nhận và không có bằng chứng thời điểm" : "an algorithm is no longer accepted and there is no proof of existence";
        case SubIndication::policy_processing_error: return vi ? "lỗi xử lý chính sách" : "policy processing error";
        case SubIndication::signature_policy_not_available: return vi ? "không có chính sách chữ ký" : "the signature policy is not available";
        case SubIndication::timestamp_order_failure: return vi ? "thứ tự thời gian không hợp lệ" : "the times are out of order";
        case SubIndication::no_signing_certificate_found: return vi ? "không tìm thấy chứng thư số của người ký" : "the signer's certificate was not found";
        case SubIndication::no_certificate_chain_found: return vi ? "không xây dựng được chuỗi tới CA gốc tin cậy" : "no chain to a trusted root";
        case SubIndication::revoked_no_poe: return vi ? "chứng thư số đã bị thu hồi, không có bằng chứng chữ ký có trước" : "the certificate is revoked and nothing proves the signature came first";
        case SubIndication::revoked_ca_no_poe: return vi ? "chứng thư của CA đã bị thu hồi" : "a CA certificate is revoked";
        case SubIndication::out_of_bounds_no_poe: return vi ? "chứng thư số đã hết hạn, không có dấu thời gian chứng minh thời điểm ký" : "the certificate has expired and no time-stamp proves the signing time";
        case SubIndication::out_of_bounds_not_revoked: return vi ? "chứng thư số ngoài thời hạn" : "the certificate is out of its validity period";
        case SubIndication::revocation_out_of_bounds_no_poe: return vi ? "dữ liệu thu hồi ngoài thời hạn" : "revocation data out of bounds";
        case SubIndication::no_poe: return vi ? "không có bằng chứng thời điểm tồn tại" : "no proof of existence";
        case SubIndication::try_later: return vi ? "chưa xác định được tình trạng thu hồi, hãy kiểm tra lại sau" : "revocation status not available yet, try later";
        case SubIndication::signed_data_not_found: return vi ? "không có dữ liệu được ký" : "the signed data was not found";
    }
    return to_string(sub);
}

std::string source_text(DataSource source, const std::string& url, Language language) {
    bool vi = language == Language::vietnamese;
    switch (source) {
        case DataSource::signature: return vi ? "kèm trong chữ ký" : "in the signature";
        case DataSource::supplied: return vi ? "dữ liệu kèm theo" : "supplied";
        case DataSource::local: return vi ? "kho tin cậy cục bộ" : "local trust store";
        case DataSource::fetched: return (vi ? "tải từ " : "fetched from ") + url;
    }
    return {};
}

// "CN (O)" of a name in RFC 4514 text; the text itself when it does not parse.
std::string short_name(const std::string& rfc4514) {
    try {
        DistinguishedName name = DistinguishedName::parse(rfc4514);
        std::string out = name.get("CN").value_or(rfc4514);
        if (auto organization = name.get("O")) out += " (" + *organization + ")";
        return out;
    } catch (const Error&) {
        return rfc4514;
    }
}

}  // namespace

std::string to_string(DataSource source) {
    switch (source) {
        case DataSource::signature: return "signature";
        case DataSource::supplied: return "supplied";
        case DataSource::local: return "local";
        case DataSource::fetched: return "fetched";
    }
    return "signature";
}

MainIndication ValidationReport::overall() const {
    if (signatures.empty()) return MainIndication::indeterminate;
    bool all_passed = true;
    for (const auto& signature : signatures) {
        if (signature.indication == MainIndication::total_failed) return MainIndication::total_failed;
        if (signature.indication != MainIndication::total_passed) all_passed = false;
    }
    return all_passed ? MainIndication::total_passed : MainIndication::indeterminate;
}

nlohmann::json ValidationReport::to_json() const {
    json signatures_json = json::array();
    for (const auto& s : signatures) {
        json chain = json::array();
        for (const auto& c : s.chain)
            chain.push_back({{"subject", c.subject},
                             {"issuer", c.issuer},
                             {"serialNumber", c.serial_hex},
                             {"sha256", c.fingerprint_sha256},
                             {"notBefore", format_utc(c.not_before)},
                             {"notAfter", format_utc(c.not_after)},
                             {"source", to_string(c.source)},
                             {"url", c.url.empty() ? json() : json(c.url)},
                             {"trustAnchor", c.trust_anchor},
                             {"revocationStatus", c.revocation_status.empty() ? json() : json(c.revocation_status)}});
        json revocation = json::array();
        for (const auto& r : s.revocation)
            revocation.push_back({{"type", r.kind},
                                  {"source", to_string(r.source)},
                                  {"url", r.url.empty() ? json() : json(r.url)},
                                  {"issuer", r.issuer},
                                  {"certificateSerial", r.certificate_serial},
                                  {"status", r.status},
                                  {"thisUpdate", format_utc(r.this_update)},
                                  {"nextUpdate", time_or_null(r.next_update)},
                                  {"revocationTime", time_or_null(r.revocation_time)},
                                  {"revocationReason", r.revocation_reason.empty() ? json() : json(r.revocation_reason)}});
        json timestamps = json::array();
        for (const auto& t : s.timestamps)
            timestamps.push_back({{"type", t.type},
                                  {"valid", t.valid},
                                  {"generationTime", time_or_null(t.generation_time)},
                                  {"tsa", t.tsa},
                                  {"digestAlgorithm", t.digest_algorithm},
                                  {"findings", findings_json(t.findings)}});
        signatures_json.push_back({
            {"id", s.id},
            {"indication", to_string(s.indication)},
            {"subIndication", s.sub_indication ? json(to_string(*s.sub_indication)) : json()},
            {"format", s.format},
            {"level", s.level.empty() ? json() : json(s.level)},
            {"digestAlgorithm", s.digest_algorithm.empty() ? json() : json(s.digest_algorithm)},
            {"signatureAlgorithm", s.signature_algorithm.empty() ? json() : json(s.signature_algorithm)},
            {"signer",
             s.signer_certificate_found
                 ? json{{"subject", s.signer.subject},
                        {"commonName", s.signer.common_name},
                        {"identifiers", s.signer.identifiers},
                        {"title", s.signer.title.empty() ? json() : json(s.signer.title)},
                        {"organization", s.signer.organization.empty() ? json() : json(s.signer.organization)},
                        {"organizationalUnit", s.signer.organizational_unit.empty() ? json() : json(s.signer.organizational_unit)}}
                 : json()},
            {"issuer", s.issuer.empty() ? json() : json(s.issuer)},
            {"certificateNotBefore", time_or_null(s.certificate_not_before)},
            {"certificateNotAfter", time_or_null(s.certificate_not_after)},
            {"claimedSigningTime", time_or_null(s.claimed_signing_time)},
            {"bestSignatureTime", time_or_null(s.best_signature_time)},
            {"bestSignatureTimeProven", s.best_signature_time_proven},
            {"integrity", s.integrity ? json(*s.integrity) : json()},
            {"signatureValueValid", s.signature_value_valid ? json(*s.signature_value_valid) : json()},
            {"chain", chain},
            {"revocation", revocation},
            {"timestamps", timestamps},
            {"findings", findings_json(s.findings)},
        });
    }
    json fetches_json = json::array();
    for (const auto& f : fetches)
        fetches_json.push_back({{"method", f.method}, {"url", f.url}, {"succeeded", f.succeeded}, {"failure", f.failure.empty() ? json() : json(f.failure)}});
    return {{"indication", to_string(overall())},
            {"validationTime", format_utc(validation_time)},
            {"policy", policy},
            {"offline", offline},
            {"signatures", signatures_json},
            {"findings", findings_json(findings)},
            {"fetches", fetches_json}};
}

std::string ValidationReport::to_text(Language language) const {
    const bool vi = language == Language::vietnamese;
    const UtcFormat zone = UtcFormat::vietnam;
    auto when = [&](const std::optional<TimePoint>& time) { return time ? format_utc(*time, zone) : std::string(vi ? "không có" : "none"); };
    std::ostringstream out;
    out << (vi ? "KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ" : "DIGITAL SIGNATURE VALIDATION REPORT") << "\n";
    out << (vi ? "Kết luận: " : "Verdict: ") << verdict_text(overall(), language) << " (" << to_string(overall()) << ")\n";
    out << (vi ? "Thời điểm kiểm tra: " : "Validation time: ") << format_utc(validation_time, zone) << "\n";
    out << (vi ? "Chính sách kiểm tra: " : "Validation policy: ") << policy << (offline ? (vi ? " (ngoại tuyến)" : " (offline)") : "") << "\n";
    out << (vi ? "Số chữ ký: " : "Signatures: ") << signatures.size() << "\n";
    for (const auto& item : findings) out << "  - " << (vi ? item.vi : item.en) << "\n";

    for (const auto& s : signatures) {
        out << "\n" << (vi ? "Chữ ký " : "Signature ") << s.id << ": " << verdict_text(s.indication, language) << " ("
            << to_string(s.indication);
        if (s.sub_indication) out << " / " << to_string(*s.sub_indication);
        out << ")\n";
        if (s.sub_indication) out << "   " << (vi ? "Lý do: " : "Reason: ") << sub_indication_text(*s.sub_indication, language) << "\n";

        const std::string unknown = vi ? "không xác định" : "unknown";
        // 1. the issuing CA
        out << (vi ? "1. Tổ chức cung cấp dịch vụ chứng thực chữ ký số (CA cấp chứng thư): " : "1. Issuing certification authority: ")
            << (s.issuer.empty() ? unknown : short_name(s.issuer)) << "\n";
        // 2. the signer
        out << (vi ? "2. Người ký: " : "2. Signer: ");
        if (!s.signer_certificate_found) {
            out << unknown << "\n";
        } else {
            out << (s.signer.common_name.empty() ? s.signer.subject : s.signer.common_name);
            for (const auto& identifier : s.signer.identifiers) out << (vi ? "; số định danh: " : "; identifier: ") << identifier;
            if (!s.signer.title.empty()) out << (vi ? "; chức danh: " : "; title: ") << s.signer.title;
            out << "\n";
        }
        // 3. the unit that manages the certificate
        std::string unit = s.signer.organization;
        if (!s.signer.organizational_unit.empty()) unit = s.signer.organizational_unit + (unit.empty() ? "" : ", " + unit);
        out << (vi ? "3. Đơn vị quản lý chứng thư số: " : "3. Unit managing the certificate: ")
            << (unit.empty() ? (vi ? "không ghi trong chứng thư" : "not stated in the certificate") : unit) << "\n";
        // 4. signing time and time-stamp
        out << (vi ? "4. Thời điểm ký: " : "4. Signing time: ") << when(s.claimed_signing_time)
            << (s.claimed_signing_time ? (vi ? " (do người ký khai)" : " (claimed by the signer)") : "");
        out << (vi ? "; dấu thời gian: " : "; time-stamp: ");
        if (s.timestamps.empty()) {
            out << (vi ? "không có" : "none");
        } else {
            for (std::size_t i = 0; i < s.timestamps.size(); ++i) {
                const auto& stamp = s.timestamps[i];
                out << (i ? ", " : "") << when(stamp.generation_time) << " ("
                    << (stamp.valid ? (vi ? "hợp lệ" : "valid") : (vi ? "không hợp lệ" : "invalid"));
                if (!stamp.tsa.empty()) out << (vi ? ", cấp bởi " : ", by ") << short_name(stamp.tsa);
                if (stamp.type == "document-time-stamp") out << (vi ? ", dấu thời gian tài liệu" : ", document time-stamp");
                out << ")";
            }
        }
        out << "\n";
        // 5. integrity
        out << (vi ? "5. Tính toàn vẹn của dữ liệu được ký: " : "5. Integrity of the signed data: ")
            << (!s.integrity ? (vi ? "chưa kiểm tra được" : "not checked")
                : *s.integrity ? (vi ? "toàn vẹn, không bị thay đổi sau khi ký" : "intact, unchanged since signing")
                               : (vi ? "đã bị thay đổi sau khi ký" : "changed after signing"))
            << "\n";
        // 6. validity at signing time
        out << (vi ? "6. Hiệu lực của chữ ký số tại thời điểm ký: " : "6. Validity of the signature at signing time: ")
            << verdict_text(s.indication, language);
        if (s.best_signature_time)
            out << (vi ? " (xét tại " : " (as of ") << format_utc(*s.best_signature_time, zone)
                << (s.best_signature_time_proven ? (vi ? ", theo dấu thời gian" : ", per the time-stamp")
                                                 : (vi ? ", thời điểm kiểm tra" : ", the validation time"))
                << ")";
        out << "\n";
        // 7. certificate validity period
        out << (vi ? "7. Thời hạn hiệu lực của chứng thư số: " : "7. Certificate validity period: ");
        if (s.certificate_not_before && s.certificate_not_after)
            out << (vi ? "từ " : "from ") << format_utc(*s.certificate_not_before, zone) << (vi ? " đến " : " to ")
                << format_utc(*s.certificate_not_after, zone) << "\n";
        else
            out << unknown << "\n";

        out << (vi ? "   Định dạng: " : "   Format: ") << (s.level.empty() ? s.format : s.level);
        if (!s.digest_algorithm.empty()) out << "; " << s.digest_algorithm << ", " << s.signature_algorithm;
        out << "\n";
        if (!s.chain.empty()) {
            out << (vi ? "   Chuỗi chứng thư:\n" : "   Certificate chain:\n");
            for (const auto& c : s.chain) {
                out << "     - " << short_name(c.subject) << " [" << source_text(c.source, c.url, language);
                if (c.trust_anchor) out << (vi ? ", CA gốc tin cậy" : ", trust anchor");
                if (!c.revocation_status.empty() && c.revocation_status != "not-checked")
                    out << (vi ? ", thu hồi: " : ", revocation: ")
                        << (c.revocation_status == "good" ? (vi ? "chưa bị thu hồi" : "not revoked")
                            : c.revocation_status == "revoked" ? (vi ? "đã bị thu hồi" : "revoked")
                                                                : unknown);
                out << "]\n";
            }
        }
        for (const auto& r : s.revocation)
            out << (vi ? "   Dữ liệu thu hồi: " : "   Revocation data: ") << (r.kind == "ocsp" ? "OCSP" : "CRL") << " "
                << source_text(r.source, r.url, language) << ", " << format_utc(r.this_update, zone) << ", " << r.status << "\n";
        bool titled = false;
        for (const auto& item : s.findings) {
            if (item.severity == Finding::Severity::info && item.code == "integrity_ok") continue;
            if (!titled) out << (vi ? "   Ghi chú:\n" : "   Notes:\n");
            titled = true;
            const char* mark = item.severity == Finding::Severity::error ? "[!] " : item.severity == Finding::Severity::warning ? "[?] " : "[i] ";
            out << "     " << mark << (vi ? item.vi : item.en) << "\n";
        }
    }
    return out.str();
}

}  // namespace sign::validate
