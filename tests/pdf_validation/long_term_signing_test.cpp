// Long-term PAdES end to end, on a fresh PKI whose signer lives one day and whose TSA (RSA-4096)
// two: `signctl sign pdf --level b-lta` then, offline and past both expiries, our validator (with
// the validation time moved) and poppler's pdfsig (under faketime, no OCSP) judge the signature
// from what the file carries. Revocation after signing keeps it valid at its signing time;
// revocation before signing refuses to sign. `signctl extend` adds data to a signature made
// elsewhere (openssl), and again to a B-LTA file. The TSA is asked once per signature.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>

#include "command.h"
#include "pdf_fixtures.h"
#include "pdf_updates.h"
#include "short_lived_pki.h"
#include "sign/certificate.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "sign/pades_long_term.h"
#include "sign/validate/pades_validator.h"
#include "sign/validate/pdf_signatures.h"
#include "signctl_folder.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_client.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;
using namespace sign::validate;

namespace {

// pdfsig under faketime, without OCSP: what it makes of the file from its own bytes.
std::string pdfsig_in_the_future(const std::filesystem::path& pdf) {
    auto result = run_command({"faketime", "-f", "+400d", "pdfsig", "-no-ocsp", "-nssdir", ShortLivedPki::shared().nss_database(),
                               pdf.string()});
    return result.output;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Counts the requests that reach the TSA.
class CountingTsa final : public TimestampSource {
public:
    explicit CountingTsa(TimestampSource& inner) : inner_(inner) {}
    std::vector<std::uint8_t> timestamp(std::string_view digest_name, std::span<const std::uint8_t> digest) override {
        ++requests;
        return inner_.timestamp(digest_name, digest);
    }
    std::optional<std::size_t> expected_token_size(std::string_view digest_name) const override {
        return inner_.expected_token_size(digest_name);
    }
    int requests = 0;

private:
    TimestampSource& inner_;
};

// The test PKI's CA data at hand, no responder and no network.
CollectionSources test_pki_sources() {
    auto& pki = TokenPki::shared();
    CollectionSources sources;
    sources.trust.trust_anchors.push_back(pki.certificate("root-ca"));
    sources.trust.intermediates.push_back(pki.certificate("issuing-ca"));
    for (const char* ca : {"root-ca", "issuing-ca"}) {
        std::string pem = read_file(pki.path(std::string("crl/") + ca + ".pem"));
        sources.local.crls.emplace_back(pem.begin(), pem.end());
    }
    return sources;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(long_term_signing)

BOOST_AUTO_TEST_CASE(b_lta_stays_valid_offline_after_the_signer_and_the_tsa_expire) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signed_now = pki.sign(dir / "in.pdf", dir / "signed.pdf", "leader", "b-lta");
    BOOST_REQUIRE_MESSAGE(signed_now.exit_code == 0, signed_now.output);
    BOOST_TEST(qpdf_check(dir / "signed.pdf").exit_code == 0);

    auto inspected = inspect_pdf_signatures(dir / "signed.pdf");
    BOOST_REQUIRE_EQUAL(inspected.signatures.size(), 2u);
    BOOST_TEST((inspected.signatures[1].type == PdfSignatureType::document_timestamp));
    BOOST_TEST(inspected.dss.certificates.size() >= 4u);  // leader, issuing CA, root, TSA (and the OCSP responder)
    BOOST_TEST(!inspected.dss.ocsp_responses.empty());
    BOOST_TEST(!inspected.dss.crls.empty());  // the root's, for the issuing CA

    // Today, offline: everything from the file.
    auto today = validate_pdf(dir / "signed.pdf", pki.offline_at(std::chrono::system_clock::now()));
    BOOST_REQUIRE_EQUAL(today.signatures.size(), 1u);
    BOOST_TEST(to_string(today.signatures[0].indication) == "TOTAL-PASSED", today.to_text(Language::english));
    BOOST_TEST(today.signatures[0].level == "PAdES-BASELINE-LTA");
    for (const auto& evidence : today.signatures[0].revocation) BOOST_TEST(to_string(evidence.source) == "supplied");

    // 400 days on: the leader (1 day) and the TSA (2 days) have expired; the time-stamp and the
    // revocation data of signing time still prove the signature.
    auto later = validate_pdf(dir / "signed.pdf", pki.offline_at(after_expiry()));
    BOOST_REQUIRE_EQUAL(later.signatures.size(), 1u);
    const auto& signature = later.signatures[0];
    BOOST_TEST(later.offline);
    BOOST_TEST(later.fetches.empty());
    BOOST_TEST(to_string(signature.indication) == "TOTAL-PASSED", later.to_text(Language::english));
    BOOST_TEST(signature.best_signature_time_proven);
    BOOST_TEST(has_finding(signature, "certificate_expired_after_poe"));
    bool document_timestamp_seen = false;
    for (const auto& stamp : signature.timestamps) document_timestamp_seen |= stamp.type == "document-time-stamp" && stamp.valid;
    BOOST_TEST(document_timestamp_seen, later.to_text(Language::english));

    // pdfsig (22.12) in the future, with no network: the signature itself verifies; it reads no
    // /DSS, judges the leader's certificate at the current time, and does not validate ETSI.RFC3161
    // document time-stamps at all.
    std::string seen = pdfsig_in_the_future(dir / "signed.pdf");
    BOOST_TEST_MESSAGE("pdfsig 400 days on:\n" << seen);
    BOOST_TEST(count_of(seen, "Signature Validation: Signature is Valid.") == 1u, seen);
    BOOST_TEST(count_of(seen, "Certificate Validation: Certificate has Expired") == 1u, seen);
    BOOST_TEST(seen.find("Signature has not yet been verified.") != std::string::npos, seen);
}

BOOST_AUTO_TEST_CASE(revoked_after_signing_stays_valid_at_its_signing_time) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term");
    write_file(dir / "in.pdf", minimal_pdf());
    std::string pem = pki.issue_leader("leader-later-revoked");
    auto made = pki.sign(dir / "in.pdf", dir / "signed.pdf", "leader-later-revoked", "b-lt");
    BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.output);
    auto revoked = pki.signctl({"cert", "revoke", pki.serial(pem), "--reason", "key-compromise"});
    BOOST_REQUIRE_MESSAGE(revoked.exit_code == 0, revoked.output);
    pki.publish_crls();

    // The newer CRL, which names the revocation, is at hand as well as the file's own data.
    auto options = pki.offline_at(after_expiry());
    std::string crl = read_file(pki.path("crl/issuing-ca.crl"));
    options.extra.crls.emplace_back(crl.begin(), crl.end());
    auto report = validate_pdf(dir / "signed.pdf", options);
    BOOST_REQUIRE_EQUAL(report.signatures.size(), 1u);
    BOOST_TEST(to_string(report.signatures[0].indication) == "TOTAL-PASSED", report.to_text(Language::english));
    BOOST_TEST(report.signatures[0].level == "PAdES-BASELINE-LT");
}

BOOST_AUTO_TEST_CASE(revoked_before_signing_is_refused) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term");
    write_file(dir / "in.pdf", minimal_pdf());
    std::string pem = pki.issue_leader("leader-revoked");
    auto revoked = pki.signctl({"cert", "revoke", pki.serial(pem)});
    BOOST_REQUIRE_MESSAGE(revoked.exit_code == 0, revoked.output);
    pki.publish_crls();
    auto refused = pki.sign(dir / "in.pdf", dir / "signed.pdf", "leader-revoked", "b-lt");
    BOOST_TEST(refused.exit_code == 4, refused.output);
    BOOST_TEST(refused.output.find("revoked") != std::string::npos, refused.output);
    BOOST_TEST(!std::filesystem::exists(dir / "signed.pdf"));
}

// The placeholder is sized from a dry run of the CMS and the TSA's last token: once the source has
// answered, each signature is one request, and a B-LTA extension one more (the document time-stamp).
BOOST_AUTO_TEST_CASE(the_tsa_is_asked_once_per_signature) {
    auto& pki = TokenPki::shared();
    SystemClock clock;
    hsm::PrivateKey key = pki.key("tsa");
    std::vector<Certificate> chain;
    chain.push_back(pki.certificate("issuing-ca"));
    TimestampAuthority authority(pki.certificate("tsa"), key, std::move(chain), clock);
    std::vector<Certificate> intermediates;
    intermediates.push_back(pki.certificate("issuing-ca"));
    TimestampClient client = TimestampClient::local(authority, pki.certificate("root-ca"), std::move(intermediates), clock);
    CountingTsa tsa(client);
    BOOST_TEST(!client.expected_token_size("sha256"));

    TempDir dir("long-term");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = pki.signer("leader");
    PadesOptions options;
    options.level = SignatureLevel::b_t;
    // A source that never answered is asked once to measure its tokens.
    sign_pades(dir / "in.pdf", dir / "first.pdf", signer, clock, options, &tsa);
    BOOST_TEST(tsa.requests == 2);
    BOOST_TEST(client.expected_token_size("sha256").has_value());
    for (int n = 0; n < 3; ++n) {
        int before = tsa.requests;
        sign_pades(dir / "in.pdf", dir / ("again" + std::to_string(n) + ".pdf"), signer, clock, options, &tsa);
        BOOST_TEST(tsa.requests == before + 1);
    }
    int before = tsa.requests;
    auto sources = test_pki_sources();
    extend_pades(dir / "again0.pdf", dir / "lta.pdf", SignatureLevel::b_lta, sources, &tsa);
    BOOST_TEST(tsa.requests == before + 1);
    auto report = validate_pdf(dir / "lta.pdf", [] {
        ValidationOptions offline;
        offline.trust.trust_anchors.push_back(TokenPki::shared().certificate("root-ca"));
        return offline;
    }());
    BOOST_REQUIRE_EQUAL(report.signatures.size(), 1u);
    BOOST_TEST(to_string(report.signatures[0].indication) == "TOTAL-PASSED", report.to_text(Language::english));
    BOOST_TEST(report.signatures[0].level == "PAdES-BASELINE-LTA");
}

// Anyone's signature: one openssl made (a throwaway root the relying party trusts) gets its data and
// a document time-stamp; again on the B-LTA file, the data of that time-stamp and a new one over it.
BOOST_AUTO_TEST_CASE(extend_adds_data_to_a_foreign_signature_and_again_to_a_b_lta_file) {
    TempDir dir("long-term");
    write_file(dir / "in.pdf", minimal_pdf({.signature_field = true}));
    sign_with_openssl(dir / "in.pdf", dir / "foreign.pdf", "chu_ky_lanh_dao", "", false);
    auto sources = test_pki_sources();
    sources.trust.trust_anchors.push_back(Certificate::load(throwaway_key().certificate.string()));

    auto first = extend_pades(dir / "foreign.pdf", dir / "foreign.pdf", SignatureLevel::b_lta, sources, &test_tsa());
    BOOST_TEST(first.dss_updated);
    BOOST_TEST(first.document_timestamp == "Timestamp1");
    auto once = inspect_pdf_signatures(dir / "foreign.pdf");
    BOOST_REQUIRE_EQUAL(once.signatures.size(), 2u);
    BOOST_TEST(qpdf_check(dir / "foreign.pdf").exit_code == 0);

    auto second = extend_pades(dir / "foreign.pdf", dir / "renewed.pdf", SignatureLevel::b_lta, sources, &test_tsa());
    BOOST_TEST(second.document_timestamp == "Timestamp2");
    auto twice = inspect_pdf_signatures(dir / "renewed.pdf");
    BOOST_REQUIRE_EQUAL(twice.signatures.size(), 3u);
    BOOST_TEST((twice.signatures[2].type == PdfSignatureType::document_timestamp));
    // The first time-stamp's TSA chain and status were gathered for it and are in the /DSS.
    auto tsa_der = TokenPki::shared().certificate("tsa").to_der();
    BOOST_TEST((std::find(twice.dss.certificates.begin(), twice.dss.certificates.end(), tsa_der) != twice.dss.certificates.end()));
    BOOST_TEST(twice.dss.crls.size() >= 2u);
    for (const auto& signature : twice.signatures)
        BOOST_TEST((signature.changes.verdict != ChangeVerdict::disallowed_changes), signature.field_name);

    auto state = pades_long_term_state(dir / "renewed.pdf");
    BOOST_TEST(state.last_document_timestamp.has_value());
    BOOST_CHECK_THROW(extend_pades(dir / "in.pdf", dir / "none.pdf", SignatureLevel::b_lt, sources, nullptr), Error);
    BOOST_TEST(!std::filesystem::exists(dir / "none.pdf"));
}

// signctl extend: in place on a B-T file signctl made, then a folder run that skips it as recent.
BOOST_AUTO_TEST_CASE(signctl_extend_file_and_folder) {
    auto& pki = ShortLivedPki::shared();
    TempDir dir("long-term");
    std::filesystem::create_directories(dir / "archive");
    write_file(dir / "in.pdf", minimal_pdf());
    auto made = pki.sign(dir / "in.pdf", dir / "archive" / "a.pdf", "leader", "b-t");
    BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.output);
    auto copied = pki.sign(dir / "in.pdf", dir / "archive" / "b.pdf", "leader", "b-t");
    BOOST_REQUIRE_MESSAGE(copied.exit_code == 0, copied.output);
    auto before = read_file(dir / "archive" / "a.pdf");

    auto extended = pki.signctl({"extend", (dir / "archive" / "a.pdf").string(), "--level", "b-lta", "--offline"});
    BOOST_REQUIRE_MESSAGE(extended.exit_code == 0, extended.output);
    auto after = read_file(dir / "archive" / "a.pdf");
    BOOST_TEST(after.size() > before.size());
    BOOST_TEST((after.compare(0, before.size(), before) == 0));  // an incremental update
    auto report = validate_pdf(dir / "archive" / "a.pdf", pki.offline_at(after_expiry()));
    BOOST_TEST(to_string(report.signatures.at(0).indication) == "TOTAL-PASSED", report.to_text(Language::english));
    BOOST_TEST(report.signatures.at(0).level == "PAdES-BASELINE-LTA");

    auto folder = pki.signctl({"--json", "extend", "--folder", (dir / "archive").string(), "--level", "b-lta", "--offline"});
    BOOST_REQUIRE_MESSAGE(folder.exit_code == 0, folder.output);
    BOOST_TEST(folder.output.find("\"skipped\":true") != std::string::npos, folder.output);  // a.pdf, just time-stamped
    BOOST_TEST(inspect_pdf_signatures(dir / "archive" / "b.pdf").signatures.size() == 2u);
    BOOST_TEST(read_file(dir / "archive" / "a.pdf") == after);

    auto unsigned_file = pki.signctl({"extend", (dir / "in.pdf").string(), "--level", "b-lt", "--offline"});
    BOOST_TEST(unsigned_file.exit_code == 3, unsigned_file.output);
}

BOOST_AUTO_TEST_SUITE_END()
