#include "app/document_body.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "sign/base64.h"
#include "app/multipart_form.h"
#include "sign/error.h"

namespace sign::signd {

std::string media_type(const std::string& content_type) {
    std::string type = content_type.substr(0, content_type.find(';'));
    type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type;
}

std::vector<std::uint8_t> read_document(const HttpRequest& request, std::size_t max_base64_document) {
    std::string content_type = request.header("content-type").value_or("");
    std::string type = media_type(content_type);
    std::vector<std::uint8_t> document;
    if (type == "application/pdf" || type == "application/xml" || type == "text/xml" || type == "application/octet-stream") {
        document.assign(request.body.begin(), request.body.end());
    } else if (type == "multipart/form-data") {
        auto parts = parse_multipart_form(request.body, content_type);
        auto part = std::find_if(parts.begin(), parts.end(), [](const FormPart& p) { return p.name == "document"; });
        if (part == parts.end())
            throw Error(ErrorKind::invalid_input, "missing_document", "the form has no part named 'document'");
        document.assign(part->body.begin(), part->body.end());
    } else if (type == "application/json") {
        auto json = nlohmann::json::parse(request.body, nullptr, false);
        if (json.is_discarded()) throw Error(ErrorKind::invalid_input, "invalid_json", "the request body is not valid JSON");
        if (!json.is_object() || !json.contains("document") || !json["document"].is_string())
            throw Error(ErrorKind::invalid_input, "missing_document", "the JSON body needs a string member 'document' (base64)");
        const auto& text = json["document"].get_ref<const std::string&>();
        if (text.size() > base64_length_of(max_base64_document))
            throw Error(ErrorKind::invalid_input, "base64_document_too_large",
                        "documents over " + std::to_string(max_base64_document) +
                            " bytes must be sent as the raw body or as multipart/form-data, not as base64");
        auto decoded = decode_base64(text);
        if (!decoded) throw Error(ErrorKind::invalid_input, "invalid_base64", "'document' is not valid base64 (RFC 4648, padded)");
        if (decoded->size() > max_base64_document)
            throw Error(ErrorKind::invalid_input, "base64_document_too_large",
                        "documents over " + std::to_string(max_base64_document) +
                            " bytes must be sent as the raw body or as multipart/form-data, not as base64");
        document = std::move(*decoded);
    } else {
        throw Error(ErrorKind::invalid_input, "unsupported_media_type",
                    "send the document as application/pdf, application/xml, application/octet-stream, "
                    "multipart/form-data or application/json; got '" + content_type + "'");
    }
    if (document.empty()) throw Error(ErrorKind::invalid_input, "empty_document", "the document is empty");
    return document;
}

}  // namespace sign::signd
