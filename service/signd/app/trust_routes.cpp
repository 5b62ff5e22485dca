#include "app/trust_routes.h"

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "sign/crl_builder.h"
#include "sign/base64.h"
#include "sign/atomic_file.h"
#include "sign/error.h"

namespace sign::signd {

namespace {

using std::chrono::system_clock;

const char* const ca_names[] = {"root-ca", "issuing-ca"};

std::string as_text(const std::vector<uint8_t>& bytes) { return std::string(bytes.begin(), bytes.end()); }
std::vector<uint8_t> as_bytes(const std::string& text) { return std::vector<uint8_t>(text.begin(), text.end()); }

// The media type of the request body without parameters, lower-cased.
std::string media_type(const HttpRequest& request) {
    std::string type = request.header("content-type").value_or("");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return type;
}

// A 415 problem when the body is not of the `expected` media type.
std::optional<HttpResponse> wrong_media_type(const HttpRequest& request, const std::string& expected) {
    if (media_type(request) == expected) return std::nullopt;
    return HttpResponse::problem(415, "unsupported_media_type",
                                 "the body must be " + expected + ", not '" +
                                     request.header("content-type").value_or("") + "'");
}

// A CRL is renewed once half its validity has passed, so relying parties that cache it until
// nextUpdate always find a fresher one before theirs runs out.
bool crl_needs_renewal(const std::string& der, system_clock::time_point now) {
    const unsigned char* cursor = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(der.size())),
                                                           X509_CRL_free);
    if (!crl || X509_CRL_get0_nextUpdate(crl.get()) == nullptr) return true;
    int days = 0, seconds = 0;
    if (ASN1_TIME_diff(&days, &seconds, X509_CRL_get0_lastUpdate(crl.get()), X509_CRL_get0_nextUpdate(crl.get())) != 1)
        return true;
    auto validity = std::chrono::seconds(static_cast<long long>(days) * 86400 + seconds);
    time_t this_update_seconds = 0;
    struct tm this_update{};
    if (ASN1_TIME_to_tm(X509_CRL_get0_lastUpdate(crl.get()), &this_update) != 1) return true;
    this_update_seconds = timegm(&this_update);
    auto half_way = system_clock::from_time_t(this_update_seconds) + validity / 2;
    return now >= half_way;
}

std::string current_crl(const TrustRouteServices& services, const std::string& ca) {
    std::string path = services.crl_folder + "/" + ca + ".crl";
    std::lock_guard lock(services.ca_mutex);
    std::string der;
    if (std::filesystem::exists(path)) der = as_text(read_file(path));
    auto now = services.clock.now();
    if (!der.empty() && !crl_needs_renewal(der, now)) return der;
    auto crl = services.ca.generate_crl(ca, now);
    std::filesystem::create_directories(services.crl_folder);
    der = as_text(crl_to_der(crl.get()));
    write_file_atomically(path, der);
    write_file_atomically(services.crl_folder + "/" + ca + ".pem", crl_to_pem(crl.get()));
    return der;
}

bool ocsp_successful(const std::vector<uint8_t>& der) {
    const unsigned char* cursor = der.data();
    std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> response(
        d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size())), OCSP_RESPONSE_free);
    return response && OCSP_response_status(response.get()) == OCSP_RESPONSE_STATUS_SUCCESSFUL;
}

bool timestamp_granted(const std::vector<uint8_t>& der) {
    const unsigned char* cursor = der.data();
    std::unique_ptr<TS_RESP, decltype(&TS_RESP_free)> response(d2i_TS_RESP(nullptr, &cursor, static_cast<long>(der.size())),
                                                               TS_RESP_free);
    if (!response) return false;
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get())));
    return status == TS_STATUS_GRANTED || status == TS_STATUS_GRANTED_WITH_MODS;
}

// Counts one answer of a public responder, `issued` or refused (the request's fault, or ours).
void count_answer(const TrustRouteServices& services, const char* action, bool issued) {
    services.answers.count({.action = action, .actor = "anonymous", .client_address = "", .subject = "", .document_hash = "",
                            .result = issued ? "issued" : "refused"});
}

// Runs `answer`, counting what it answered under `action`; `issued` tells a granted answer from
// a refusal inside a 200 (OCSP and RFC 3161 answer refusals in their own status fields).
template <typename Answer, typename Issued>
HttpResponse counted(const TrustRouteServices& services, const char* action, Answer&& answer, Issued&& issued) {
    HttpResponse response;
    try {
        response = answer();
    } catch (...) {
        count_answer(services, action, false);
        throw;
    }
    count_answer(services, action, response.status == 200 && issued(as_bytes(response.body)));
    return response;
}

HttpResponse ocsp_answer(const TrustRouteServices& services, const std::vector<uint8_t>& request) {
    std::lock_guard lock(services.ca_mutex);
    auto response = services.ca.respond_ocsp(request, services.clock.now());
    return HttpResponse::bytes(200, "application/ocsp-response", as_text(response));
}

}  // namespace

std::vector<std::vector<std::uint8_t>> current_crls(const TrustRouteServices& services) {
    std::vector<std::vector<std::uint8_t>> crls;
    for (std::string ca : ca_names) {
        std::string der = current_crl(services, ca);
        crls.emplace_back(der.begin(), der.end());
    }
    return crls;
}

void add_trust_routes(Router& router, const TrustRouteServices& services) {
    for (std::string ca : ca_names) {
        router.add("GET", "/crl/" + ca + ".crl", "crl", Transport::plain_or_tls,
                   [services, ca](const HttpRequest&) {
                       auto response = HttpResponse::bytes(200, "application/pkix-crl", current_crl(services, ca));
                       response.headers.emplace_back("Cache-Control", "max-age=300");
                       return response;
                   });
        router.add("GET", "/ca/" + ca + ".crt", "ca_certificate", Transport::plain_or_tls,
                   [services, ca](const HttpRequest&) {
                       std::string pem;
                       {
                           std::lock_guard lock(services.ca_mutex);
                           pem = ca == "root-ca" ? services.ca.root().pem : services.ca.issuing_ca().pem;
                       }
                       return HttpResponse::bytes(200, "application/pkix-cert", as_text(Certificate::from_pem(pem).to_der()));
                   });
    }
    router.add("POST", "/ocsp", "ocsp", Transport::plain_or_tls, [services](const HttpRequest& request) {
        services.limits.spend(Attempt::anonymous, request);
        return counted(services, "ocsp.response", [&] {
            if (auto refused = wrong_media_type(request, "application/ocsp-request")) return *refused;
            return ocsp_answer(services, as_bytes(request.body));
        }, ocsp_successful);
    });
    router.add("GET", "/ocsp/{request*}", "ocsp", Transport::plain_or_tls,
               [services](const HttpRequest& request) {
                   services.limits.spend(Attempt::anonymous, request);
                   return counted(services, "ocsp.response", [&] {
                       auto der = decode_base64(request.params.at("request"));
                       if (!der || der->empty())
                           throw Error(ErrorKind::invalid_input, "invalid_base64", "the OCSP request in the URL is not valid base64");
                       return ocsp_answer(services, *der);
                   }, ocsp_successful);
               });
    router.add("POST", "/tsa", "tsa", Transport::plain_or_tls, [services](const HttpRequest& request) {
        services.limits.spend(Attempt::anonymous, request);
        return counted(services, "tsa.response", [&] {
            if (auto refused = wrong_media_type(request, "application/timestamp-query")) return *refused;
            auto body = as_bytes(request.body);
            auto reply = services.timestamps.respond(std::span<const uint8_t>(body));
            return HttpResponse::bytes(200, "application/timestamp-reply", as_text(reply));
        }, timestamp_granted);
    });
}

}  // namespace sign::signd

namespace sign::signd {

OwnAuthorityFetcher::OwnAuthorityFetcher(const TrustRouteServices& services, std::string base_url, validate::Fetcher* network)
    : services_(services), base_url_(std::move(base_url)), network_(network) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::vector<std::uint8_t> OwnAuthorityFetcher::get(const std::string& url, const validate::FetchLimits& limits) {
    for (std::string ca : ca_names) {
        if (url == base_url_ + "/crl/" + ca + ".crl") return as_bytes(current_crl(services_, ca));
        if (url == base_url_ + "/ca/" + ca + ".crt") {
            std::lock_guard lock(services_.ca_mutex);
            return Certificate::from_pem(ca == "root-ca" ? services_.ca.root().pem : services_.ca.issuing_ca().pem).to_der();
        }
    }
    if (!network_) throw Error(ErrorKind::not_found, "fetch_failed", "offline: " + url + " is not fetched");
    return network_->get(url, limits);
}

std::vector<std::uint8_t> OwnAuthorityFetcher::post(const std::string& url, std::string_view content_type,
                                                    std::span<const std::uint8_t> body, const validate::FetchLimits& limits) {
    if (url == base_url_ + "/ocsp" && content_type == "application/ocsp-request") {
        std::lock_guard lock(services_.ca_mutex);
        return services_.ca.respond_ocsp(std::vector<std::uint8_t>(body.begin(), body.end()), services_.clock.now());
    }
    if (!network_) throw Error(ErrorKind::not_found, "fetch_failed", "offline: " + url + " is not fetched");
    return network_->post(url, content_type, body, limits);
}

}  // namespace sign::signd
