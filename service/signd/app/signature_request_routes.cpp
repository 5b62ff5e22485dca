#include "app/signature_request_routes.h"

#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "sign/base64.h"
#include "app/client_auth.h"
#include "app/document_body.h"
#include "app/mobile_answers.h"
#include "app/multipart_form.h"
#include "sign/error.h"
#include "sign/mobile/request_json.h"

namespace sign::signd {

namespace {

using nlohmann::json;

// The file parts of a multipart request (or the raw body) by name: a document takes its part's
// bytes, once.
using FileParts = std::map<std::string, std::string_view>;

[[noreturn]] void invalid_document(std::size_t index, const std::string& why) {
    throw Error(ErrorKind::invalid_input, "invalid_document", "document " + std::to_string(index) + ": " + why);
}

std::vector<std::uint8_t> base64_member(const json& document, const char* name, std::size_t index, std::size_t limit) {
    if (!document.contains(name) || !document[name].is_string()) invalid_document(index, std::string("'") + name + "' (base64) is required");
    const auto& text = document[name].get_ref<const std::string&>();
    if (text.size() > base64_length_of(limit))
        throw Error(ErrorKind::invalid_input, "base64_document_too_large",
                    "document " + std::to_string(index) + " is over the base64 limit");
    auto bytes = decode_base64(text);
    if (!bytes) invalid_document(index, std::string("'") + name + "' is not valid base64");
    return std::move(*bytes);
}

// A document's bytes: base64 in 'content' (small documents), or the file part that 'part' names.
std::vector<std::uint8_t> document_content(const json& document, std::size_t index, std::size_t limit, FileParts* files) {
    if (!document.contains("part")) return base64_member(document, "content", index, limit);
    if (document.contains("content")) invalid_document(index, "give 'content' (base64) or 'part', not both");
    if (!document["part"].is_string()) invalid_document(index, "'part' is the name of a file part");
    const auto& name = document["part"].get_ref<const std::string&>();
    if (files == nullptr) invalid_document(index, "'part' needs a multipart/form-data request");
    auto found = files->find(name);
    if (found == files->end()) invalid_document(index, "the request has no file part '" + name + "' (or another document took it)");
    std::vector<std::uint8_t> bytes(found->second.begin(), found->second.end());
    files->erase(found);
    return bytes;
}

mobile::DocumentInput document_input(const json& document, std::size_t index, std::size_t limit, FileParts* files) {
    if (!document.is_object()) invalid_document(index, "not an object");
    mobile::DocumentInput input;
    if (!document.contains("title") || !document["title"].is_string()) invalid_document(index, "'title' is required");
    if (!document.contains("type") || !document["type"].is_string()) invalid_document(index, "'type' is required");
    input.title = document["title"].get<std::string>();
    input.type = document["type"].get<std::string>();
    if (input.type == "hash") {
        input.hash = base64_member(document, "hash", index, limit);
        if (!document.contains("hashAlgorithm") || !document["hashAlgorithm"].is_string())
            invalid_document(index, "'hashAlgorithm' is required");
        input.hash_algorithm = document["hashAlgorithm"].get<std::string>();
        return input;
    }
    if (input.type != "pdf" && input.type != "xml" && input.type != "file")
        invalid_document(index, "type is pdf, xml, file or hash");
    input.content = document_content(document, index, limit, files);
    if (document.contains("level")) {
        auto level = document["level"].is_string() ? signature_level_named(document["level"].get<std::string>()) : std::nullopt;
        if (!level || *level == SignatureLevel::b_b)
            throw Error(ErrorKind::invalid_input, "unknown_signature_level",
                        "document " + std::to_string(index) + ": 'level' is b-t (the default), b-lt or b-lta");
        if (input.type != "pdf" && *level != SignatureLevel::b_t)
            invalid_document(index, "b-lt and b-lta are for pdf documents");
        input.level = *level;
    }
    if (input.type != "pdf") return input;
    if (document.contains("field")) {
        if (!document["field"].is_string() || document["field"].get<std::string>().empty())
            invalid_document(index, "'field' is a field name");
        input.field = document["field"].get<std::string>();
    }
    if (document.contains("page")) {
        if (!document["page"].is_number_integer() || document["page"].get<long long>() < 1 || document["page"].get<long long>() > 100000)
            invalid_document(index, "'page' is a page number from 1");
        input.page = document["page"].get<int>();
    }
    for (const char* name : {"xMm", "yMm"}) {
        if (!document.contains(name)) continue;
        if (!document[name].is_number() || document[name].get<double>() < 0 || document[name].get<double>() > 2000)
            invalid_document(index, std::string("'") + name + "' is 0 to 2000 millimetres");
        (std::string(name) == "xMm" ? input.x_mm : input.y_mm) = document[name].get<double>();
    }
    if (document.contains("invisible")) {
        if (!document["invisible"].is_boolean()) invalid_document(index, "'invisible' is true or false");
        input.invisible = document["invisible"].get<bool>();
    }
    bool positioned = input.page || input.x_mm || input.y_mm;
    if (positioned && !(input.page && input.x_mm && input.y_mm)) invalid_document(index, "page, xMm and yMm go together");
    if ((input.field && positioned) || (input.invisible && (input.field || positioned)))
        invalid_document(index, "give one of: field, page/xMm/yMm, invisible");
    return input;
}

mobile::NewSignatureRequest new_request(const json& body, std::size_t limit, FileParts* files) {
    mobile::NewSignatureRequest input;
    if (!body.contains("signer") || !body["signer"].is_string())
        throw Error(ErrorKind::invalid_input, "invalid_json", "'signer' (a signer id) is required");
    if (!body.contains("displayText") || !body["displayText"].is_string())
        throw Error(ErrorKind::invalid_input, "invalid_json", "'displayText' is required");
    input.signer = body["signer"].get<std::string>();
    input.display_text = body["displayText"].get<std::string>();
    if (!body.contains("documents") || (body["documents"].is_array() && body["documents"].empty()))
        throw Error(ErrorKind::invalid_input, "no_documents", "a request needs 1 to 50 documents");
    if (!body["documents"].is_array()) throw Error(ErrorKind::invalid_input, "invalid_json", "'documents' is an array");
    if (body["documents"].size() > store::SignatureRequestStore::max_documents)
        throw Error(ErrorKind::invalid_input, "too_many_documents", "a request has at most 50 documents");
    for (std::size_t i = 0; i < body["documents"].size(); ++i)
        input.documents.push_back(document_input(body["documents"][i], i, limit, files));
    if (files != nullptr && !files->empty())
        throw Error(ErrorKind::invalid_input, "invalid_multipart",
                    "no document names the part '" + files->begin()->first + "' (each document names its part with 'part')");
    if (body.contains("callbackUrl") && !body["callbackUrl"].is_null()) {
        if (!body["callbackUrl"].is_string())
            throw Error(ErrorKind::invalid_input, "invalid_callback_url", "'callbackUrl' is an http or https URL");
        input.callback_url = body["callbackUrl"].get<std::string>();
    }
    if (body.contains("expiresInSeconds") && !body["expiresInSeconds"].is_null()) {
        if (!body["expiresInSeconds"].is_number_integer())
            throw Error(ErrorKind::invalid_input, "expiry_out_of_range", "'expiresInSeconds' is a whole number of seconds");
        input.expires_in_seconds = body["expiresInSeconds"].get<long long>();
    }
    return input;
}

// A raw upload: one document as the body, the request's fields in the query. A number or flag
// that does not parse is passed on as text, so that it gets the same refusal as in JSON.
json raw_request(const HttpRequest& request, const std::string& type) {
    static const std::set<std::string> known{"signer", "displayText", "title", "field", "page", "xMm", "yMm",
                                             "invisible", "level", "callbackUrl", "expiresInSeconds"};
    for (const auto& [name, value] : request.query)
        if (!known.count(name))
            throw Error(ErrorKind::invalid_input, "invalid_parameter", "unknown query parameter '" + name + "'");
    auto text = [&](const char* name) -> std::optional<std::string> {
        auto found = request.query.find(name);
        return found == request.query.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    auto typed = [](const std::string& value, bool integer) -> json {
        json parsed = json::parse(value, nullptr, false);
        bool fits = integer ? parsed.is_number_integer() : parsed.is_number() || parsed.is_boolean();
        return fits ? parsed : json(value);
    };
    json document = {{"type", type}, {"part", "body"}};
    json body = {{"documents", json::array()}};
    for (const char* name : {"signer", "displayText", "callbackUrl"})
        if (auto value = text(name)) body[name] = *value;
    if (auto value = text("expiresInSeconds")) body["expiresInSeconds"] = typed(*value, true);
    for (const char* name : {"title", "field", "level"})
        if (auto value = text(name)) document[name] = *value;
    if (auto value = text("page")) document["page"] = typed(*value, true);
    for (const char* name : {"xMm", "yMm", "invisible"})
        if (auto value = text(name)) document[name] = typed(*value, false);
    body["documents"].push_back(document);
    return body;
}

// The request as JSON; as multipart/form-data: a part named "request" holding that JSON, and one
// file part per document that names it with "part"; or one document as the raw body with the
// fields in the query. The last two take documents up to the body limit.
mobile::NewSignatureRequest read_new_request(const HttpRequest& request, std::size_t limit) {
    std::string content_type = request.header("content-type").value_or("");
    std::string type = media_type(content_type);
    if (type == "application/pdf" || type == "application/xml" || type == "text/xml" ||
        type == "application/octet-stream") {
        FileParts body{{"body", request.body}};
        std::string document_type = type == "application/pdf" ? "pdf" : type == "application/octet-stream" ? "file" : "xml";
        return new_request(raw_request(request, document_type), limit, &body);
    }
    if (type != "multipart/form-data") return new_request(json_object_body(request), limit, nullptr);
    auto parts = parse_multipart_form(request.body, content_type, store::SignatureRequestStore::max_documents + 1);
    std::optional<json> body;
    FileParts files;
    for (const auto& part : parts) {
        if (part.name == "request") {
            body = json::parse(part.body, nullptr, false);
            if (body->is_discarded() || !body->is_object())
                throw Error(ErrorKind::invalid_input, "invalid_json", "the part 'request' is not a JSON object");
        } else {
            files.emplace(part.name, part.body);
        }
    }
    if (!body)
        throw Error(ErrorKind::invalid_input, "invalid_multipart",
                    "the form needs a part named 'request' holding the request's JSON");
    return new_request(*body, limit, &files);
}

int document_index(const HttpRequest& request) {
    const std::string& text = request.params.at("index");
    int index = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (error != std::errc() || end != text.data() + text.size() || index < 0)
        throw Error(ErrorKind::not_found, "unknown_document", "no document " + text);
    return index;
}

class SignatureRequestRoutes {
public:
    explicit SignatureRequestRoutes(const SignatureRequestRouteServices& services) : services_(services) {}

    HttpResponse create(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::client, false, [&](std::string& caller_id) {
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            mobile::NewSignatureRequest input;
            try {
                input = read_new_request(request, services_.max_base64_document);
            } catch (const Error& error) {
                services_.audit.append({.action = "signature_request.create",
                                       .actor = caller.client.id,
                                       .client_address = request.client_address,
                                       .subject = "",
                                       .document_hash = "",
                                       .result = error.code()},
                                      services_.edge.clock.now());
                throw;
            }
            auto created = services_.requests.create(caller.client, request.client_address, input);
            return HttpResponse::json(201, mobile::request_json(created, services_.edge.clock.now()));
        });
    }

    HttpResponse read(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::client, false, [&](std::string& caller_id) {
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            auto wait = wait_seconds(request);
            const std::string& id = request.params.at("id");
            auto found = services_.requests.for_client(id, caller.client, request.client_address);
            bool waited = true;
            if (wait)
                waited = long_poll(services_.edge, *wait, found.expires_at, [&] {
                    found = services_.requests.for_client(id, caller.client, request.client_address);
                    return mobile::public_state(found, services_.edge.clock.now()) == "pending";
                });
            auto response = HttpResponse::json(200, mobile::request_json(found, services_.edge.clock.now()));
            if (!waited) retry_after(response);
            return response;
        });
    }

    HttpResponse document(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::client, false, [&](std::string& caller_id) {
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            auto result = services_.requests.result(request.params.at("id"), caller.client, request.client_address,
                                                             document_index(request));
            return HttpResponse::bytes(200, result.media_type, std::string(result.bytes.begin(), result.bytes.end()));
        });
    }

    HttpResponse cancel(const HttpRequest& request) {
        return mobile_answer(services_.edge, MobileCaller::client, false, [&](std::string& caller_id) {
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            auto cancelled = services_.requests.cancel(request.params.at("id"), caller.client, request.client_address);
            return HttpResponse::json(200, mobile::request_json(cancelled, services_.edge.clock.now()));
        });
    }

private:
    SignatureRequestRouteServices services_;
};

}  // namespace

void add_signature_request_routes(Router& router, const SignatureRequestRouteServices& services) {
    auto routes = std::make_shared<SignatureRequestRoutes>(services);
    router.add("POST", "/api/v1/signature-requests", "api.signature_requests.create", Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->create(request); });
    router.add("GET", "/api/v1/signature-requests/{id}", "api.signature_requests.get", Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->read(request); });
    router.add("GET", "/api/v1/signature-requests/{id}/documents/{index}", "api.signature_requests.document",
               Transport::tls_only, [routes](const HttpRequest& request) { return routes->document(request); });
    router.add("POST", "/api/v1/signature-requests/{id}/cancel", "api.signature_requests.cancel", Transport::tls_only,
               [routes](const HttpRequest& request) { return routes->cancel(request); });
    // The certificate that signs callbacks is public: receivers fetch it to check them.
    router.add("GET", "/api/v1/callback-certificate", "api.callback_certificate", Transport::tls_only,
               [pem = services.callback_certificate_pem](const HttpRequest&) {
                   return HttpResponse::bytes(200, "application/x-pem-file", pem);
               });
}

}  // namespace sign::signd
