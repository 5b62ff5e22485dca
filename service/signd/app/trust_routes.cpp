#include "app/trust_routes.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "sign/crl_builder.h"
#include "sign/data_folder/atomic_file.h"
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

std::string current_crl(data_folder::DataFolder& data, const std::string& ca, const Clock& clock, std::mutex& ca_mutex) {
    std::string path = data.path("crl/" + ca + ".crl");
    std::lock_guard lock(ca_mutex);
    std::string der;
    if (std::filesystem::exists(path)) der = as_text(data_folder::read_file(path));
    auto now = clock.now();
    if (!der.empty() && !crl_needs_renewal(der, now)) return der;
    auto crl = data.ca().generate_crl(ca, now);
    std::filesystem::create_directories(data.path("crl"));
    der = as_text(crl_to_der(crl.get()));
    data_folder::write_file_atomically(path, der);
    data_folder::write_file_atomically(data.path("crl/" + ca + ".pem"), crl_to_pem(crl.get()));
    return der;
}

std::vector<uint8_t> base64_decode(const std::string& text) {
    std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
    std::unique_ptr<EVP_ENCODE_CTX, decltype(&EVP_ENCODE_CTX_free)> context(EVP_ENCODE_CTX_new(), EVP_ENCODE_CTX_free);
    EVP_DecodeInit(context.get());
    int written = 0, final_written = 0;
    auto bad = [] {
        return Error(ErrorKind::invalid_input, "invalid_base64", "the OCSP request in the URL is not valid base64");
    };
    if (text.empty() || EVP_DecodeUpdate(context.get(), out.data(), &written,
                                         reinterpret_cast<const unsigned char*>(text.data()),
                                         static_cast<int>(text.size())) < 0)
        throw bad();
    if (EVP_DecodeFinal(context.get(), out.data() + written, &final_written) != 1) throw bad();
    out.resize(static_cast<size_t>(written + final_written));
    return out;
}

HttpResponse ocsp_answer(data_folder::DataFolder& data, const std::vector<uint8_t>& request, const Clock& clock,
                         std::mutex& ca_mutex) {
    std::lock_guard lock(ca_mutex);
    auto response = data.ca().respond_ocsp(request, clock.now());
    return HttpResponse::bytes(200, "application/ocsp-response", as_text(response));
}

}  // namespace

void add_trust_routes(Router& router, data_folder::DataFolder& data, data_folder::LocalTimestamps& timestamps,
                      const Clock& clock, std::mutex& ca_mutex) {
    for (std::string ca : ca_names) {
        router.add("GET", "/crl/" + ca + ".crl", "crl", Transport::plain_or_tls,
                   [&data, &clock, &ca_mutex, ca](const HttpRequest&) {
                       auto response = HttpResponse::bytes(200, "application/pkix-crl", current_crl(data, ca, clock, ca_mutex));
                       response.headers.emplace_back("Cache-Control", "max-age=300");
                       return response;
                   });
        router.add("GET", "/ca/" + ca + ".crt", "ca_certificate", Transport::plain_or_tls,
                   [&data, &ca_mutex, ca](const HttpRequest&) {
                       std::string pem;
                       {
                           std::lock_guard lock(ca_mutex);
                           pem = ca == "root-ca" ? data.ca().root().pem : data.ca().issuing_ca().pem;
                       }
                       return HttpResponse::bytes(200, "application/pkix-cert", as_text(Certificate::from_pem(pem).to_der()));
                   });
    }
    router.add("POST", "/ocsp", "ocsp", Transport::plain_or_tls, [&data, &clock, &ca_mutex](const HttpRequest& request) {
        if (auto refused = wrong_media_type(request, "application/ocsp-request")) return *refused;
        return ocsp_answer(data, as_bytes(request.body), clock, ca_mutex);
    });
    router.add("GET", "/ocsp/{request*}", "ocsp", Transport::plain_or_tls,
               [&data, &clock, &ca_mutex](const HttpRequest& request) {
                   return ocsp_answer(data, base64_decode(request.params.at("request")), clock, ca_mutex);
               });
    router.add("POST", "/tsa", "tsa", Transport::plain_or_tls, [&timestamps](const HttpRequest& request) {
        if (auto refused = wrong_media_type(request, "application/timestamp-query")) return *refused;
        auto body = as_bytes(request.body);
        auto reply = timestamps.authority().respond(std::span<const uint8_t>(body));
        return HttpResponse::bytes(200, "application/timestamp-reply", as_text(reply));
    });
}

}  // namespace sign::signd
