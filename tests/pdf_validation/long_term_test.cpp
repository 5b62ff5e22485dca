// The PDF side of long-term signatures: a /DSS with the chain and the CRL, then a document
// time-stamp, both as incremental updates that leave every earlier signature allowed, checked by
// our reader, qpdf, pdfsig and `openssl ts -verify`.

#include <boost/test/unit_test.hpp>

#include <qpdf/QPDF.hh>

#include "command.h"
#include "pdf_fixtures.h"
#include "pdf_updates.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "sign/validate/pdf_signatures.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;
using namespace sign::validate;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

std::vector<std::uint8_t> crl_der(const std::filesystem::path& work) {
    auto result = run_command({"openssl", "crl", "-in", TokenPki::shared().path("crl/issuing-ca.pem"), "-outform", "DER",
                               "-out", (work / "crl.der").string()});
    BOOST_REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    return bytes_of(read_file(work / "crl.der"));
}

PdfValidationData leader_chain(const std::filesystem::path& work) {
    auto& pki = TokenPki::shared();
    PdfValidationData data;
    for (const char* label : {"leader", "issuing-ca", "root-ca"}) data.certificates.push_back(pki.certificate(label).to_der());
    data.crls.push_back(crl_der(work));
    return data;
}

// The decoded streams of /Root /DSS /<key>.
std::vector<std::vector<std::uint8_t>> dss_items(const std::filesystem::path& pdf, const std::string& key) {
    QPDF q;
    q.processFile(pdf.c_str());
    std::vector<std::vector<std::uint8_t>> items;
    auto array = q.getRoot().getKey("/DSS").getKey(key);
    for (int i = 0; i < array.getArrayNItems(); ++i) {
        auto data = array.getArrayItem(i).getStreamData(qpdf_dl_generalized);
        items.emplace_back(data->getBuffer(), data->getBuffer() + data->getSize());
    }
    return items;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pdf_long_term)

BOOST_AUTO_TEST_CASE(dss_then_document_timestamp_after_the_leader) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("leader");
    SystemClock clock;
    sign_pades(dir / "in.pdf", dir / "signed.pdf", signer, clock, {});
    auto data = leader_chain(dir.path());
    add_pdf_dss(dir / "signed.pdf", dir / "dss.pdf", data);
    BOOST_TEST(qpdf_check(dir / "dss.pdf").exit_code == 0);
    BOOST_TEST(dss_items(dir / "dss.pdf", "/Certs") == data.certificates);
    BOOST_TEST(dss_items(dir / "dss.pdf", "/CRLs") == data.crls);

    // The same data again adds nothing; one new certificate is appended to what is there.
    add_pdf_dss(dir / "dss.pdf", dir / "again.pdf", data);
    BOOST_TEST(read_file(dir / "again.pdf") == read_file(dir / "dss.pdf"));
    PdfValidationData tsa;
    tsa.certificates.push_back(TokenPki::shared().certificate("tsa").to_der());
    add_pdf_dss(dir / "dss.pdf", dir / "more.pdf", tsa);
    BOOST_TEST(dss_items(dir / "more.pdf", "/Certs").size() == 4u);
    BOOST_TEST(dss_items(dir / "more.pdf", "/CRLs") == data.crls);

    add_document_timestamp(dir / "more.pdf", dir / "lta.pdf", test_tsa());
    BOOST_TEST(qpdf_check(dir / "lta.pdf").exit_code == 0);
    auto result = inspect_pdf_signatures(dir / "lta.pdf");
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 2u);
    const auto& leader = result.signatures[0];
    const auto& stamp = result.signatures[1];
    BOOST_TEST(leader.changes.verdict == ChangeVerdict::allowed_changes_only);
    bool dss_seen = false, stamp_seen = false;
    for (const auto& c : leader.changes.changes) {
        BOOST_TEST(c.allowed, c.path << " " << c.kind << ": " << c.reason);
        dss_seen |= c.kind == "dss";
        stamp_seen |= c.kind == "signature_added" && c.reason.find("document time-stamp") != std::string::npos;
    }
    BOOST_TEST(dss_seen);
    BOOST_TEST(stamp_seen);
    BOOST_TEST(stamp.type == PdfSignatureType::document_timestamp);
    BOOST_TEST(stamp.sub_filter == "ETSI.RFC3161");
    BOOST_TEST(stamp.field_name == "Timestamp1");
    BOOST_TEST(stamp.byte_range_valid);
    BOOST_TEST(stamp.covers_whole_file);
    BOOST_TEST(stamp.problems.empty());

    // OpenSSL checks the token against the bytes its ByteRange covers.
    std::string bytes = read_file(dir / "lta.pdf");
    const auto& r = stamp.byte_range;
    write_file(dir / "covered.bin", bytes.substr(r[0], r[1]) + bytes.substr(r[2], r[3]));
    write_file(dir / "token.der", std::string(stamp.cms.begin(), stamp.cms.end()));
    auto& pki = TokenPki::shared();
    auto verified = run_command({"openssl", "ts", "-verify", "-data", (dir / "covered.bin").string(), "-in",
                                 (dir / "token.der").string(), "-token_in", "-CAfile", pki.path("certs/root-ca.pem"),
                                 "-untrusted", pki.path("certs/issuing-ca.pem")});
    BOOST_TEST(verified.output.find("Verification: OK") != std::string::npos, verified.output);
    // pdfsig still finds the leader's signature valid under the added updates.
    std::string report;
    auto seen = pdfsig(dir / "lta.pdf", &report);
    BOOST_REQUIRE_GE(seen.size(), 1u);
    BOOST_TEST(seen.front().valid, report);

    BOOST_CHECK_THROW(add_pdf_dss(dir / "lta.pdf", dir / "none.pdf", {}), Error);
    BOOST_TEST(!std::filesystem::exists(dir / "none.pdf"));
}

// Validation data and a document time-stamp are what a "no changes" certification still allows.
BOOST_AUTO_TEST_CASE(long_term_updates_keep_a_no_changes_certification_intact) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf({.signature_field = true}));
    sign_with_openssl(dir / "in.pdf", dir / "certified.pdf", "chu_ky_lanh_dao",
                      "<< /TransformMethod /DocMDP /TransformParams << /P 1 >> >>", true);
    PdfValidationData data;
    data.crls.push_back(crl_der(dir.path()));
    add_pdf_dss(dir / "certified.pdf", dir / "dss.pdf", data);
    add_document_timestamp(dir / "dss.pdf", dir / "lta.pdf", test_tsa());
    auto result = inspect_pdf_signatures(dir / "lta.pdf");
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 2u);
    const auto& certification = result.signatures[0].changes;
    BOOST_TEST(certification.verdict == ChangeVerdict::allowed_changes_only);
    for (const auto& c : certification.changes) BOOST_TEST(c.allowed, c.path << " " << c.kind << ": " << c.reason);
    BOOST_TEST(result.signatures[1].type == PdfSignatureType::document_timestamp);
}

BOOST_AUTO_TEST_SUITE_END()
