#include "app/verification_body.h"

#include <algorithm>
#include <array>

#include "app/document_body.h"
#include "app/multipart_form.h"
#include "sign/base64.h"
#include "sign/error.h"
#include "sign/utc_time.h"

namespace sign::signd {

namespace {

using validate::Language;

// The media types under which the signed file itself is the body.
constexpr std::array raw_media_types = {"application/pdf",        "application/pkcs7-signature", "application/x-pkcs7-signature",
                                        "application/pkcs7-mime", "application/x-pkcs7-mime",    "application/cms",
                                        "application/xml",        "text/xml",                    "application/octet-stream"};

[[noreturn]] void invalid_parameter(const std::string& name, const std::string& why) {
    throw Error(ErrorKind::invalid_input, "invalid_parameter", "'" + name + "': " + why);
}

Language language_named(const std::string& text) {
    if (text == "vi") return Language::vietnamese;
    if (text == "en") return Language::english;
    invalid_parameter("language", "vi or en");
}

bool flag_named(const std::string& name, const std::string& text) {
    if (text == "true") return true;
    if (text == "false") return false;
    invalid_parameter(name, "true or false");
}

// language and offline from the query; nothing else is a parameter of these operations.
void apply_query(VerificationCall& call, const HttpRequest& request) {
    for (const auto& [name, value] : request.query) {
        if (name == "language") call.language = language_named(value);
        else if (name == "offline") call.request.offline = flag_named(name, value);
        else invalid_parameter(name, "not a parameter of this operation");
    }
}

std::vector<std::uint8_t> base64_member(const nlohmann::json& json, const std::string& name, std::size_t max_bytes) {
    const auto& text = json.at(name).get_ref<const std::string&>();
    if (text.size() > base64_length_of(max_bytes))
        throw Error(ErrorKind::invalid_input, "base64_document_too_large",
                    "'" + name + "' is over the " + std::to_string(max_bytes) +
                        "-byte base64 limit; send the file as the raw body or as multipart/form-data");
    auto decoded = decode_base64(text);
    if (!decoded) throw Error(ErrorKind::invalid_input, "invalid_base64", "'" + name + "' is not valid base64 (RFC 4648, padded)");
    return std::move(*decoded);
}

nlohmann::json json_object(const HttpRequest& request) {
    auto json = nlohmann::json::parse(request.body, nullptr, false);
    if (json.is_discarded()) throw Error(ErrorKind::invalid_input, "invalid_json", "the request body is not valid JSON");
    if (!json.is_object()) throw Error(ErrorKind::invalid_input, "invalid_json", "the request body must be a JSON object");
    return json;
}

bool has_string(const nlohmann::json& json, const char* name) { return json.contains(name) && json[name].is_string(); }

validate::DocumentDigest document_digest_of(const nlohmann::json& member) {
    if (!member.is_object() || !has_string(member, "algorithm") || !has_string(member, "value"))
        throw Error(ErrorKind::invalid_input, "invalid_document_digest",
                    "'documentDigest' is {\"algorithm\": \"sha256\", \"value\": \"<base64 of the digest>\"}");
    auto value = decode_base64(member["value"].get_ref<const std::string&>());
    if (!value || value->empty())
        throw Error(ErrorKind::invalid_input, "invalid_document_digest", "'documentDigest.value' is not valid base64");
    return {member["algorithm"].get<std::string>(), std::move(*value)};
}

void require_signature(const std::vector<std::uint8_t>& signature) {
    if (signature.empty()) throw Error(ErrorKind::invalid_input, "empty_signature", "the signed file is empty");
}

}  // namespace

VerificationCall read_verification_call(const HttpRequest& request, std::size_t max_base64_document) {
    VerificationCall call;
    apply_query(call, request);
    std::string content_type = request.header("content-type").value_or("");
    std::string type = media_type(content_type);
    auto& input = call.request;
    if (std::find(raw_media_types.begin(), raw_media_types.end(), type) != raw_media_types.end()) {
        input.signed_file.assign(request.body.begin(), request.body.end());
    } else if (type == "multipart/form-data") {
        bool has_signature = false;
        for (auto& part : parse_multipart_form(request.body, content_type)) {
            if (part.name == "signature") {
                input.signed_file.assign(part.body.begin(), part.body.end());
                call.file_name = part.filename.value_or("");
                has_signature = true;
            } else if (part.name == "document") {
                input.document = std::vector<std::uint8_t>(part.body.begin(), part.body.end());
            } else {
                throw Error(ErrorKind::invalid_input, "invalid_multipart",
                            "the form has a part '" + part.name + "'; it takes 'signature' and 'document' only");
            }
        }
        if (!has_signature) throw Error(ErrorKind::invalid_input, "missing_signature", "the form has no part named 'signature'");
    } else if (type == "application/json") {
        auto json = json_object(request);
        if (!has_string(json, "signature"))
            throw Error(ErrorKind::invalid_input, "missing_signature", "the JSON body needs a string member 'signature' (base64)");
        input.signed_file = base64_member(json, "signature", max_base64_document);
        if (json.contains("document")) {
            if (!json["document"].is_string()) throw Error(ErrorKind::invalid_input, "invalid_json", "'document' must be a base64 string");
            input.document = base64_member(json, "document", max_base64_document);
        }
        if (json.contains("documentDigest")) input.document_digest = document_digest_of(json["documentDigest"]);
        if (json.contains("language")) {
            if (!json["language"].is_string()) invalid_parameter("language", "vi or en");
            call.language = language_named(json["language"].get<std::string>());
        }
        if (json.contains("offline")) {
            if (!json["offline"].is_boolean()) invalid_parameter("offline", "true or false");
            input.offline = json["offline"].get<bool>();
        }
    } else {
        throw Error(ErrorKind::invalid_input, "unsupported_media_type",
                    "send the signed file as the raw body (application/pdf, application/pkcs7-signature, application/pkcs7-mime, "
                    "application/cms, application/xml, application/octet-stream), as multipart/form-data or as application/json; got '" +
                        content_type + "'");
    }
    require_signature(input.signed_file);
    if (input.document && input.document_digest)
        throw Error(ErrorKind::invalid_input, "detached_and_digest", "send either the document or its digest, not both");
    return call;
}

VerificationCall read_cms_verification_call(const HttpRequest& request, std::size_t max_base64_document) {
    VerificationCall call;
    std::string content_type = request.header("content-type").value_or("");
    std::string type = media_type(content_type);
    auto& input = call.request;
    if (type == "multipart/form-data") {
        bool has_signature = false, has_document = false;
        for (auto& part : parse_multipart_form(request.body, content_type)) {
            if (part.name == "signature") {
                input.signed_file.assign(part.body.begin(), part.body.end());
                has_signature = true;
            } else if (part.name == "document") {
                input.document = std::vector<std::uint8_t>(part.body.begin(), part.body.end());
                has_document = true;
            }
        }
        if (!has_signature || !has_document)
            throw Error(ErrorKind::invalid_input, "missing_document", "the form needs the parts 'signature' and 'document'");
    } else if (type == "application/json") {
        auto json = json_object(request);
        if (!has_string(json, "signature") || !has_string(json, "document"))
            throw Error(ErrorKind::invalid_input, "missing_document",
                        "the JSON body needs string members 'signature' and 'document' (base64)");
        input.signed_file = base64_member(json, "signature", max_base64_document);
        input.document = base64_member(json, "document", max_base64_document);
    } else {
        throw Error(ErrorKind::invalid_input, "unsupported_media_type",
                    "send the signature and the document as multipart/form-data or application/json");
    }
    if (input.signed_file.empty() || input.document->empty())
        throw Error(ErrorKind::invalid_input, "empty_document", "the signature or the document is empty");
    if (validate::detect_format(input.signed_file) != validate::DocumentFormat::cms)
        throw Error(ErrorKind::invalid_input, "not_a_cms_signature", "the signature is not a detached CMS SignedData (DER or PEM)");
    return call;
}

nlohmann::json verification_answer(const verification::VerificationOutcome& outcome, Language language) {
    auto overall = outcome.report.overall();
    return {{"evidenceId", outcome.evidence_id.empty() ? nlohmann::json() : nlohmann::json(outcome.evidence_id)},
            {"format", to_string(outcome.format)},
            {"indication", to_string(overall)},
            {"valid", overall == validate::MainIndication::total_passed},
            {"language", language == Language::vietnamese ? "vi" : "en"},
            {"text", outcome.report.to_text(language)},
            {"report", outcome.report.to_json()}};
}

nlohmann::json cms_verification_answer(const verification::VerificationOutcome& outcome) {
    const auto& report = outcome.report;
    bool all_valid = !report.signatures.empty();
    nlohmann::json signers = nlohmann::json::array();
    for (const auto& signature : report.signatures) {
        bool valid = signature.indication == validate::MainIndication::total_passed;
        all_valid = all_valid && valid;
        std::string revocation = signature.chain.empty() ? "unknown" : signature.chain.front().revocation_status;
        if (revocation != "good" && revocation != "revoked") revocation = "unknown";
        nlohmann::json timestamp_time, timestamp_valid;
        if (!signature.timestamps.empty()) {
            timestamp_valid = false;
            for (const auto& stamp : signature.timestamps)
                if (stamp.valid) {
                    timestamp_valid = true;
                    if (stamp.generation_time) timestamp_time = format_utc(*stamp.generation_time);
                    break;
                }
        }
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& finding : signature.findings) messages.push_back(finding.vi);
        signers.push_back({{"signer", signature.signer.subject},
                           {"certificateSerial", signature.chain.empty() ? "" : signature.chain.front().serial_hex},
                           {"issuer", signature.issuer},
                           {"integrity", signature.integrity.value_or(false) && signature.signature_value_valid.value_or(false)},
                           {"certificateTrusted", !signature.chain.empty() && signature.chain.back().trust_anchor},
                           {"revocation", revocation},
                           {"signingTime", signature.claimed_signing_time ? nlohmann::json(format_utc(*signature.claimed_signing_time))
                                                                          : nlohmann::json()},
                           {"timestampTime", timestamp_time},
                           {"timestampValid", timestamp_valid},
                           {"valid", valid},
                           {"messages", messages}});
    }
    std::string total = std::to_string(report.signatures.size());
    auto answer = verification_answer(outcome, Language::vietnamese);
    answer["valid"] = all_valid;
    answer["summary"] = all_valid ? "Tất cả " + total + " chữ ký đều hợp lệ."
                                  : "Có chữ ký không hợp lệ hoặc chưa xác minh được (" + total + " chữ ký).";
    answer["signatures"] = signers;
    return answer;
}

}  // namespace sign::signd
