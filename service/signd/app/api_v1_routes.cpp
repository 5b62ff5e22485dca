#include "app/api_v1_routes.h"

#include <charconv>
#include <memory>

#include <openssl/evp.h>

#include "sign/base64.h"
#include "http/error_catalogue.h"
#include "app/verification_body.h"
#include "app/document_body.h"
#include "sign/error.h"
#include "sign/hex.h"

namespace sign::signd {

namespace {

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot hash the document");
    return to_hex({digest, length});
}

// Runs a handler and turns what it throws into a problem document. Errors of the token count in
// the metrics; anything that is not a sign::Error is a bug and says no more than that.
// `caller` is filled by the work once it knows who called, for the request log.
template <typename Work>
HttpResponse answer(Metrics& metrics, Work&& work) {
    std::string caller;
    HttpResponse response;
    try {
        response = work(caller);
    } catch (const Error& error) {
        if (error.kind() == ErrorKind::token) metrics.count_token_error();
        response = problem_response(error);
    } catch (const std::exception&) {
        response = unexpected_failure_response();
    }
    response.client_id = caller;
    return response;
}

// Seal ids are token key labels; refusing anything else keeps '..' and friends out of every lookup.
void require_seal_id(const std::string& seal) {
    bool plain = !seal.empty() && seal.size() <= 64;
    for (char c : seal)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) plain = false;
    if (!plain) throw Error(ErrorKind::invalid_input, "invalid_seal_id", "a seal id is 1 to 64 of a-z, 0-9, '-' and '_'");
}

std::optional<std::string> query(const HttpRequest& request, const std::string& name) {
    auto it = request.query.find(name);
    if (it == request.query.end()) return std::nullopt;
    return it->second;
}

[[noreturn]] void invalid_parameter(const std::string& name, const std::string& why) {
    throw Error(ErrorKind::invalid_input, "invalid_parameter", "query parameter '" + name + "': " + why);
}

double parse_millimetres(const std::string& name, const std::string& text) {
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !(value >= 0) || value > 2000)
        invalid_parameter(name, "a number of millimetres between 0 and 2000");
    return value;
}

signing::PdfSealPlacement placement_of(const HttpRequest& request) {
    for (const auto& [name, value] : request.query)
        if (name != "leaderField" && name != "page" && name != "xMm" && name != "yMm" && name != "invisible" && name != "level")
            invalid_parameter(name, "not a parameter of this operation");
    signing::PdfSealPlacement placement;
    placement.leader_field = query(request, "leaderField").value_or("");
    if (auto page = query(request, "page")) {
        int number = 0;
        auto [end, error] = std::from_chars(page->data(), page->data() + page->size(), number);
        if (error != std::errc() || end != page->data() + page->size() || number < 1) invalid_parameter("page", "a page number from 1");
        placement.page = number;
    }
    if (auto x = query(request, "xMm")) placement.x_mm = parse_millimetres("xMm", *x);
    if (auto y = query(request, "yMm")) placement.y_mm = parse_millimetres("yMm", *y);
    if (placement.x_mm.has_value() != placement.y_mm.has_value()) invalid_parameter("xMm", "xMm and yMm go together");
    if (auto invisible = query(request, "invisible")) {
        if (*invisible == "true") placement.invisible = true;
        else if (*invisible != "false") invalid_parameter("invisible", "true or false");
    }
    if (placement.invisible && (placement.page || placement.x_mm || !placement.leader_field.empty()))
        invalid_parameter("invisible", "an invisible seal takes no position");
    return placement;
}

// b-t (the default), b-lt or b-lta: a seal is always time-stamped.
SignatureLevel level_of(const HttpRequest& request) {
    auto text = query(request, "level");
    if (!text) return SignatureLevel::b_t;
    auto level = signature_level_named(*text);
    if (!level || *level == SignatureLevel::b_b)
        throw Error(ErrorKind::invalid_input, "unknown_signature_level",
                    "query parameter 'level': b-t (the default), b-lt or b-lta, not '" + *text + "'");
    return *level;
}

enum class SealFormat { pdf, xml, cms };

struct FormatTraits {
    const char* action;        // audit
    const char* metric;        // signd_signatures_total{format}
    const char* content_type;  // of the answer
};

FormatTraits traits_of(SealFormat format) {
    switch (format) {
        case SealFormat::pdf: return {"seal.pdf", "pades", "application/pdf"};
        case SealFormat::xml: return {"seal.xml", "xades", "application/xml"};
        case SealFormat::cms: return {"seal.cms", "cades", "application/pkcs7-signature"};
    }
    return {"seal", "unknown", "application/octet-stream"};
}

class ApiV1 {
public:
    explicit ApiV1(const ApiV1Services& services) : services_(services) {}

    HttpResponse list_seals(const HttpRequest& request) {
        return answer(services_.metrics, [&](std::string& caller_id) {
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            nlohmann::json seals = nlohmann::json::array();
            if (!caller.client.scopes.verify_only) {
                for (const auto& seal : services_.seals.seals()) {
                    if (!caller.client.scopes.may_seal(seal.id)) continue;
                    seals.push_back({{"id", seal.id},
                                     {"subject", seal.subject},
                                     {"certificateSerial", seal.certificate_serial},
                                     {"keyType", seal.key_type}});
                }
            }
            return HttpResponse::json(200, {{"seals", seals}});
        });
    }

    HttpResponse seal(const HttpRequest& request, SealFormat format) {
        return answer(services_.metrics, [&](std::string& caller_id) {
            const FormatTraits traits = traits_of(format);
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            const std::string seal_id = request.params.at("seal");
            audit::AuditEvent event{.action = traits.action,
                                    .actor = caller.client.id,
                                    .client_address = request.client_address,
                                    .subject = seal_id,
                                    .document_hash = "",
                                    .result = "ok"};
            // Scope refusals audit themselves; every other refusal is audited here, with the
            // document's hash once it is known.
            services_.auth.require_signing(caller, request, traits.action, seal_id);
            try {
                require_seal_id(seal_id);
                services_.auth.require_seal(caller, request, traits.action, seal_id);
                auto document = read_document(request, services_.max_base64_document);
                event.document_hash = sha256_hex(document);
                auto placement = format == SealFormat::pdf ? placement_of(request) : signing::PdfSealPlacement{};
                auto level = format == SealFormat::pdf ? level_of(request) : SignatureLevel::b_t;
                auto seal = services_.seals.seal(seal_id);
                std::vector<std::uint8_t> signed_bytes;
                switch (format) {
                    case SealFormat::pdf: signed_bytes = services_.seals.seal_pdf(seal_id, document, placement, level); break;
                    case SealFormat::xml: signed_bytes = services_.seals.seal_xml(seal_id, document); break;
                    case SealFormat::cms: signed_bytes = services_.seals.seal_file(seal_id, document); break;
                }
                services_.audit.append(event, services_.clock.now());
                services_.metrics.count_signature(traits.metric, seal.key_type);
                return HttpResponse::bytes(200, traits.content_type, std::string(signed_bytes.begin(), signed_bytes.end()));
            } catch (const Forbidden&) {
                throw;
            } catch (const Error& error) {
                event.result = error.code();
                services_.audit.append(event, services_.clock.now());
                throw;
            }
        });
    }

    // Any signed file: parse, validate (with its evidence kept), render.
    HttpResponse verify(const HttpRequest& request) {
        return answer(services_.metrics, [&](std::string& caller_id) {
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            auto call = read_verification_call(request, services_.max_base64_document);
            call.request.requested_by = caller.client.id;
            call.request.client_address = request.client_address;
            auto outcome = services_.verifications.verify(call.request);
            return HttpResponse::json(200, verification_answer(outcome, call.language));
        });
    }

    // The detached-CMS form this API first offered, answered by the same validation.
    HttpResponse verify_cms(const HttpRequest& request) {
        return answer(services_.metrics, [&](std::string& caller_id) {
            Caller caller = services_.auth.authenticate(request);
            caller_id = caller.client.id;
            auto call = read_cms_verification_call(request, services_.max_base64_document);
            call.request.requested_by = caller.client.id;
            call.request.client_address = request.client_address;
            auto outcome = services_.verifications.verify(call.request);
            return HttpResponse::json(200, cms_verification_answer(outcome));
        });
    }

private:
    ApiV1Services services_;
};

}  // namespace

void add_api_v1_routes(Router& router, const ApiV1Services& services) {
    auto api = std::make_shared<ApiV1>(services);
    router.add("GET", "/api/v1/openapi.json", "api.openapi", Transport::tls_only,
               [](const HttpRequest&) { return HttpResponse::bytes(200, "application/json", openapi_json()); });
    router.add("GET", "/api/v1/seals", "api.seals.list", Transport::tls_only,
               [api](const HttpRequest& request) { return api->list_seals(request); });
    router.add("POST", "/api/v1/seals/{seal}/pdf", "api.seals.pdf", Transport::tls_only,
               [api](const HttpRequest& request) { return api->seal(request, SealFormat::pdf); });
    router.add("POST", "/api/v1/seals/{seal}/xml", "api.seals.xml", Transport::tls_only,
               [api](const HttpRequest& request) { return api->seal(request, SealFormat::xml); });
    router.add("POST", "/api/v1/seals/{seal}/cms", "api.seals.cms", Transport::tls_only,
               [api](const HttpRequest& request) { return api->seal(request, SealFormat::cms); });
    router.add("POST", "/api/v1/verifications", "api.verifications", Transport::tls_only,
               [api](const HttpRequest& request) { return api->verify(request); });
    router.add("POST", "/api/v1/verifications/cms", "api.verifications.cms", Transport::tls_only,
               [api](const HttpRequest& request) { return api->verify_cms(request); });
}

}  // namespace sign::signd
