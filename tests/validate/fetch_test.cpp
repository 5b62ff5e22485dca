// Fetching validation data over real HTTP with the libcurl fetcher: the issuing CA's certificate
// from AIA caIssuers, OCSP from AIA, the CRL from its distribution point; limits and offline mode.

#include <boost/test/unit_test.hpp>

#include <atomic>

#include "error_code.h"
#include "http_server.h"
#include "sign/ocsp_responder.h"
#include "sign/verification/curl_fetcher.h"
#include "validate_fixture.h"

namespace sign::test {
namespace {

using namespace std::chrono_literals;

const std::vector<std::uint8_t> document = bytes_of("Hồ sơ đăng ký kinh doanh.\n");

// An issuing CA whose certificates point at a loopback server that serves its certificate, CRL and OCSP.
struct PublishedCa {
    HttpServer server;
    ValidatePki& fixture = ValidatePki::shared();
    std::unique_ptr<CertificateAuthority> ca;
    std::unique_ptr<OcspResponder> responder;
    std::atomic<bool> ocsp_broken{false};
    std::optional<IssuedLeaf> leaf;  // issued in the constructor, once the server's URLs are known

    PublishedCa() {
        auto& pki = fixture.pki;
        CaEndpoints endpoints{server.base_url() + "/crl/issuing.crl", server.base_url() + "/ocsp", server.base_url() + "/certs/issuing.cer"};
        ca = std::make_unique<CertificateAuthority>(pki.sub.copy(), pki.sub_key, endpoints, pki.registry, pki.profiles);
        const IssuedLeaf& ocsp = pki.leaves.at("ocsp");
        responder = std::make_unique<OcspResponder>(pki.sub.copy(), ocsp.certificate.copy(), *ocsp.key, pki.registry);
        auto key = std::make_unique<SoftwareKey>(SoftwareKey::generate("ec-p256"));
        IssuanceRequest request;
        request.profile = "citizen";
        request.subject = DistinguishedName::parse("CN=Huỳnh Văn Em,L=Đà Nẵng,C=VN,UID=CCCD:048090000021");
        request.public_key = key->public_key();
        Certificate certificate = ca->issue(request, std::chrono::system_clock::now() - 5min);
        pki.registry.add(certificate.serial_hex());
        leaf.emplace(IssuedLeaf{"citizen", std::move(key), std::move(certificate)});

        server.route("/certs/issuing.cer", [this](const std::string&, const std::vector<std::uint8_t>&) {
            return HttpServer::Response{200, fixture.pki.sub.to_der(), {}};
        });
        server.route("/crl/issuing.crl", [this](const std::string&, const std::vector<std::uint8_t>&) {
            return HttpServer::Response{200, fixture.issuing_crl({}, std::chrono::system_clock::now()), {}};
        });
        server.route("/ocsp", [this](const std::string& method, const std::vector<std::uint8_t>& body) {
            if (ocsp_broken || method != "POST") return HttpServer::Response{500, {}, {}};
            return HttpServer::Response{200, responder->respond(body, std::chrono::system_clock::now()), {}};
        });
    }

    // Trusts the root; the root's CRL (whose URL in the issuing CA's certificate is not served) is supplied.
    validate::ValidationOptions options(validate::Fetcher* fetcher) const {
        validate::ValidationOptions options;
        options.trust.trust_anchors.push_back(fixture.pki.root.copy());
        options.extra.crls.push_back(fixture.root_crl(std::chrono::system_clock::now()));
        options.fetcher = fetcher;
        options.fetch_limits.timeout = 3s;
        return options;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fetching)

BOOST_AUTO_TEST_CASE(missing_issuer_and_revocation_are_fetched_from_the_certificate_urls) {
    PublishedCa published;
    verification::CurlFetcher fetcher;
    // No chain in the signature: the issuing CA must come from AIA caIssuers.
    auto signature = sign_with_libsign(published.fixture.signer(*published.leaf, SignatureScheme::ecdsa, "sha256", false), document, true);
    auto options = published.options(&fetcher);
    auto report = validate::validate_cms(signature, validate::SignedContent::detached(document), options);
    BOOST_CHECK_MESSAGE(verdict(only(report)) == "TOTAL-PASSED", report.to_text(validate::Language::english));
    BOOST_REQUIRE_EQUAL(only(report).chain.size(), 3u);
    BOOST_TEST(validate::to_string(only(report).chain[1].source) == "fetched");
    BOOST_TEST(only(report).chain[1].url == published.server.base_url() + "/certs/issuing.cer");
    BOOST_REQUIRE(!only(report).revocation.empty());
    BOOST_TEST(only(report).revocation[0].kind == "ocsp");
    BOOST_TEST(validate::to_string(only(report).revocation[0].source) == "fetched");
    BOOST_TEST(only(report).revocation[0].url == published.server.base_url() + "/ocsp");
    BOOST_TEST(published.server.hits("/ocsp") == 1);
    BOOST_TEST(published.server.hits("/certs/issuing.cer") == 1);
    BOOST_TEST(report.fetches.size() == 2u);
    BOOST_TEST(report.to_json()["signatures"][0]["chain"][1]["url"] == published.server.base_url() + "/certs/issuing.cer");

    // The OCSP responder fails: the CRL distribution point is next.
    published.ocsp_broken = true;
    auto fallback = validate::validate_cms(signature, validate::SignedContent::detached(document), options);
    BOOST_CHECK_MESSAGE(verdict(only(fallback)) == "TOTAL-PASSED", fallback.to_text(validate::Language::english));
    BOOST_REQUIRE(!only(fallback).revocation.empty());
    BOOST_TEST(only(fallback).revocation.front().kind == "crl");
    BOOST_TEST(only(fallback).revocation.front().url == published.server.base_url() + "/crl/issuing.crl");
    BOOST_TEST(published.server.hits("/crl/issuing.crl") == 1);
}

BOOST_AUTO_TEST_CASE(offline_fetches_nothing_and_says_so) {
    PublishedCa published;
    auto signature = sign_with_libsign(published.fixture.signer(*published.leaf, SignatureScheme::ecdsa, "sha256", false), document, true);
    auto options = published.options(nullptr);
    auto report = validate::validate_cms(signature, validate::SignedContent::detached(document), options);
    BOOST_TEST(verdict(only(report)) == "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND");
    BOOST_TEST(report.offline);
    BOOST_REQUIRE_EQUAL(report.fetches.size(), 1u);
    BOOST_TEST(report.fetches[0].failure == "offline");
    // With the intermediate at hand, the chain is built, but revocation stays unknown offline.
    options.trust.intermediates.push_back(published.fixture.pki.sub.copy());
    auto unknown = validate::validate_cms(signature, validate::SignedContent::detached(document), options);
    BOOST_TEST(verdict(only(unknown)) == "INDETERMINATE/TRY_LATER");
    BOOST_TEST(published.server.hits("/ocsp") == 0);
    BOOST_TEST(published.server.hits("/crl/issuing.crl") == 0);
    BOOST_TEST(published.server.hits("/certs/issuing.cer") == 0);
}

BOOST_AUTO_TEST_CASE(fetcher_limits_timeout_size_and_schemes) {
    HttpServer server;
    server.route("/slow", [](const std::string&, const std::vector<std::uint8_t>&) {
        return HttpServer::Response{200, bytes_of("late"), std::chrono::milliseconds(3000)};
    });
    server.route("/big", [](const std::string&, const std::vector<std::uint8_t>&) {
        return HttpServer::Response{200, std::vector<std::uint8_t>(3 * 1024 * 1024, 'x'), {}};
    });
    server.route("/small", [](const std::string&, const std::vector<std::uint8_t>&) {
        return HttpServer::Response{200, bytes_of("ok"), {}};
    });
    verification::CurlFetcher fetcher;
    validate::FetchLimits limits;
    limits.timeout = 300ms;
    limits.max_bytes = 1024 * 1024;
    std::string message;
    BOOST_TEST(error_code_of([&] { fetcher.get(server.base_url() + "/slow", limits); }, &message) == "fetch_failed");
    BOOST_TEST_MESSAGE(message);
    BOOST_TEST(error_code_of([&] { fetcher.get(server.base_url() + "/big", limits); }) == "response_too_large");
    BOOST_TEST(error_code_of([&] { fetcher.get(server.base_url() + "/missing", limits); }, &message) == "fetch_failed");
    BOOST_TEST(message.find("404") != std::string::npos);
    BOOST_TEST(error_code_of([&] { fetcher.get("file:///etc/passwd", limits); }) == "url_refused");
    BOOST_TEST(error_code_of([&] { fetcher.get("ldap://ldap.example/cn=CA", limits); }) == "url_refused");
    BOOST_TEST(fetcher.get(server.base_url() + "/small", limits) == bytes_of("ok"));

    // The session: cache, per-validation limit, refused schemes.
    validate::FetchSession session(&fetcher, validate::FetchLimits{300ms, 1024 * 1024, 2});
    BOOST_TEST(session.get(server.base_url() + "/small").has_value());
    BOOST_TEST(session.get(server.base_url() + "/small").has_value());
    BOOST_TEST(server.hits("/small") == 2);  // one from the fetcher above, one from the session: the second was cached
    std::string failure;
    BOOST_TEST(!session.get(server.base_url() + "/big", &failure).has_value());
    BOOST_TEST(failure.find("more than") != std::string::npos);
    BOOST_TEST(!session.get(server.base_url() + "/small?again", &failure).has_value());
    BOOST_TEST(failure.find("fetch limit") != std::string::npos);
    BOOST_TEST(!session.get("ftp://pki.example/ca.cer", &failure).has_value());
    BOOST_TEST(failure.find("not an http") != std::string::npos);
    BOOST_TEST(!validate::is_fetchable_url("http://"));
    BOOST_TEST(!validate::is_fetchable_url("http://host/a b"));
    BOOST_TEST(validate::is_fetchable_url("HTTPS://pki.danang.gov.vn/ca.cer"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sign::test
