// PAdES signatures as poppler sees them: B-B and B-T, ByteRange and placeholder, the
// hash-split, several signatures in sequence.

#include <boost/test/unit_test.hpp>

#include <regex>

#include <openssl/cms.h>

#include "pdf_fixtures.h"
#include "sign/error.h"
#include "sign/pades.h"
#include "sign/signature_scheme.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign;
using namespace sign::test;

namespace {

struct ByteRange {
    std::uint64_t a, b, c, d;
};

std::vector<ByteRange> byte_ranges(const std::string& pdf) {
    std::vector<ByteRange> result;
    std::regex pattern("/ByteRange \\[(\\d+) (\\d+) (\\d+) (\\d+) *\\]");
    for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), pattern); it != std::sregex_iterator(); ++it)
        result.push_back({std::stoull((*it)[1]), std::stoull((*it)[2]), std::stoull((*it)[3]), std::stoull((*it)[4])});
    return result;
}

// Every signature valid and trusted, and the last one covering the whole file.
void require_all_valid(const std::filesystem::path& pdf, std::size_t count) {
    BOOST_TEST(require_valid_signatures(pdf, count).back().total_document);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pades)

BOOST_AUTO_TEST_CASE(b_b_invisible_byte_range_covers_all_but_contents) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("leader");
    SystemClock clock;
    sign_pades(dir / "in.pdf", dir / "out.pdf", signer, clock, {});
    require_all_valid(dir / "out.pdf", 1);

    std::string out = read_file(dir / "out.pdf");
    auto ranges = byte_ranges(out);
    BOOST_REQUIRE_EQUAL(ranges.size(), 1u);
    auto r = ranges.front();
    BOOST_TEST(r.a == 0u);
    BOOST_TEST(r.c + r.d == out.size());
    BOOST_TEST(out[r.b] == '<');
    BOOST_TEST(out[r.c - 1] == '>');
    std::string hex = out.substr(r.b + 1, r.c - r.b - 2);
    BOOST_TEST(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
    BOOST_TEST(out.find("/SubFilter /ETSI.CAdES.detached") != std::string::npos);
    BOOST_TEST(out.find("/Filter /Adobe.PPKLite") != std::string::npos);
    std::string report;
    pdfsig(dir / "out.pdf", &report);
    BOOST_TEST(report.find("ETSI.CAdES.detached") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(b_t_carries_a_signature_timestamp) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("leader");
    SystemClock clock;
    PadesOptions options;
    options.level = SignatureLevel::b_t;
    sign_pades(dir / "in.pdf", dir / "out.pdf", signer, clock, options, &test_tsa());
    require_all_valid(dir / "out.pdf", 1);
    // The token is inside the CMS: openssl sees the id-aa-signatureTimeStampToken attribute.
    std::string out = read_file(dir / "out.pdf");
    auto r = byte_ranges(out).front();
    std::string hex = out.substr(r.b + 1, r.c - r.b - 2);
    std::string der;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) der.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    // The CMS is one DER SEQUENCE; the zero padding after it is not part of it.
    BOOST_REQUIRE(static_cast<unsigned char>(der[0]) == 0x30 && static_cast<unsigned char>(der[1]) == 0x82);
    der.resize(4 + (static_cast<unsigned char>(der[2]) << 8 | static_cast<unsigned char>(der[3])));
    write_file(dir / "cms.der", der);
    auto dump = run_command({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", (dir / "cms.der").string()});
    BOOST_TEST(dump.exit_code == 0, dump.output);
    BOOST_TEST(dump.output.find("id-smime-aa-timeStampToken") != std::string::npos, dump.output);
    auto signed_attributes = dump.output.substr(0, dump.output.find("unsignedAttrs:"));
    BOOST_TEST(signed_attributes.find("signingTime") == std::string::npos, "PAdES CMS has no signing-time attribute");
    BOOST_TEST(signed_attributes.find("id-smime-aa-signingCertificateV2") != std::string::npos, dump.output);
}

BOOST_AUTO_TEST_CASE(b_t_needs_a_timestamp_source) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("leader");
    SystemClock clock;
    PadesOptions options;
    options.level = SignatureLevel::b_t;
    BOOST_CHECK_EXCEPTION(sign_pades(dir / "in.pdf", dir / "out.pdf", signer, clock, options), Error,
                          [](const Error& e) { return e.code() == "timestamp_source_missing"; });
    BOOST_TEST(!std::filesystem::exists(dir / "out.pdf"));
}

BOOST_AUTO_TEST_CASE(placeholder_is_measured_not_guessed) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    SystemClock clock;
    // P-256 with its chain makes a much smaller CMS than RSA-3072; a fixed guess would not follow.
    auto citizen = TokenPki::shared().signer("citizen");
    auto leader = TokenPki::shared().signer("leader");
    sign_pades(dir / "in.pdf", dir / "ec.pdf", citizen, clock, {});
    sign_pades(dir / "in.pdf", dir / "rsa.pdf", leader, clock, {});
    auto ec = byte_ranges(read_file(dir / "ec.pdf")).front();
    auto rsa = byte_ranges(read_file(dir / "rsa.pdf")).front();
    BOOST_TEST((rsa.c - rsa.b) > (ec.c - ec.b));
    // The reserve is the CMS plus a margin under 1 KiB, not kilobytes of slack.
    for (auto* name : {"ec.pdf", "rsa.pdf"}) {
        std::string out = read_file(dir / name);
        auto r = byte_ranges(out).front();
        std::string hex = out.substr(r.b + 1, r.c - r.b - 2);
        auto used = hex.find_last_not_of('0') + 1;
        BOOST_TEST(hex.size() - used < 2 * 1024u, name);
    }
}

BOOST_AUTO_TEST_CASE(too_small_placeholder_is_grown_by_sign_pades) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("leader");
    SystemClock clock;
    PadesOptions options;
    options.level = SignatureLevel::b_t;
    options.contents_size = 64;  // far too small: the first CMS cannot fit
    sign_pades(dir / "in.pdf", dir / "out.pdf", signer, clock, options, &test_tsa());
    require_all_valid(dir / "out.pdf", 1);
    auto r = byte_ranges(read_file(dir / "out.pdf")).front();
    BOOST_TEST((r.c - r.b - 2) / 2 > 64u);
}

BOOST_AUTO_TEST_CASE(too_small_placeholder_in_finalize_is_an_error_and_writes_nothing) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("leader");
    SystemClock clock;
    PadesOptions options;
    options.contents_size = 64;
    auto prepared = prepare_pades(dir / "in.pdf", dir / "prepared.pdf", signer, clock, options);
    auto value = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
    BOOST_CHECK_EXCEPTION(finalize_pades(prepared, value, nullptr, dir / "out.pdf"), Error,
                          [](const Error& e) { return e.code() == "placeholder_too_small"; });
    BOOST_TEST(!std::filesystem::exists(dir / "out.pdf"));
}

BOOST_AUTO_TEST_CASE(hash_split_equals_one_shot_byte_for_byte) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    // PKCS#1 v1.5 is deterministic, so one-shot and split make the same signature value.
    auto signer = TokenPki::shared().signer("leader", SignatureScheme::rsa_pkcs1v15);
    FixedClock clock(SystemClock().now());
    PadesOptions options;
    options.placement = PageRect{1, rect_from_mm(110, 40, 60, 25)};
    options.image = TokenPki::shared().path("images/leader-signature.png");
    sign_pades(dir / "in.pdf", dir / "one-shot.pdf", signer, clock, options);

    auto prepared = prepare_pades(dir / "in.pdf", dir / "prepared.pdf", signer, clock, options);
    BOOST_TEST(prepared.digest_name == "sha256");
    BOOST_TEST(prepared.digest.size() == 32u);
    auto value = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
    finalize_pades(prepared, value, nullptr, dir / "split.pdf");
    BOOST_TEST((read_file(dir / "split.pdf") == read_file(dir / "one-shot.pdf")));
    require_all_valid(dir / "split.pdf", 1);

    // In place: the prepared file itself becomes the signed PDF.
    finalize_pades(prepared, value, nullptr, dir / "prepared.pdf");
    BOOST_TEST((read_file(dir / "prepared.pdf") == read_file(dir / "one-shot.pdf")));
}

BOOST_AUTO_TEST_CASE(hash_split_with_a_randomised_scheme_reuses_the_signature_value) {
    // RSA-PSS signs differently each time; given the one-shot file's own signature value and the
    // same time, prepare + finalize rebuild it byte for byte.
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("leader", SignatureScheme::rsa_pss);
    FixedClock clock(SystemClock().now());
    sign_pades(dir / "in.pdf", dir / "one-shot.pdf", signer, clock, {});
    std::string out = read_file(dir / "one-shot.pdf");
    auto r = byte_ranges(out).front();
    std::vector<unsigned char> der;
    for (std::size_t i = r.b + 1; i + 1 < r.c - 1; i += 2) der.push_back(static_cast<unsigned char>(std::stoi(out.substr(i, 2), nullptr, 16)));
    const unsigned char* p = der.data();
    std::unique_ptr<CMS_ContentInfo, decltype(&CMS_ContentInfo_free)> cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())), CMS_ContentInfo_free);
    BOOST_REQUIRE(cms);
    auto* info = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
    ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(info);
    std::vector<std::uint8_t> value(ASN1_STRING_get0_data(signature), ASN1_STRING_get0_data(signature) + ASN1_STRING_length(signature));

    auto prepared = prepare_pades(dir / "in.pdf", dir / "prepared.pdf", signer, clock, {});
    finalize_pades(prepared, value, nullptr, dir / "split.pdf");
    BOOST_TEST((read_file(dir / "split.pdf") == out));
}

BOOST_AUTO_TEST_CASE(hash_split_b_t) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("agency-seal");
    SystemClock clock;
    PadesOptions options;
    options.level = SignatureLevel::b_t;
    auto prepared = prepare_pades(dir / "in.pdf", dir / "prepared.pdf", signer, clock, options, &test_tsa());
    // The state carries no PDF bytes: it stays small whatever the document's size.
    BOOST_TEST(prepared.state.size() < 16 * 1024u);
    auto value = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
    BOOST_CHECK_EXCEPTION(finalize_pades(prepared, value, nullptr, dir / "out.pdf"), Error,
                          [](const Error& e) { return e.code() == "timestamp_source_missing"; });
    finalize_pades(prepared, value, &test_tsa(), dir / "out.pdf");
    require_all_valid(dir / "out.pdf", 1);
    // A signature value that is not over this digest is refused, and nothing is written.
    auto wrong = value;
    wrong[wrong.size() / 2] ^= 0x01;
    BOOST_CHECK_EXCEPTION(finalize_pades(prepared, wrong, &test_tsa(), dir / "wrong.pdf"), Error,
                          [](const Error& e) { return e.code() == "signature_mismatch"; });
    BOOST_TEST(!std::filesystem::exists(dir / "wrong.pdf"));
}

BOOST_AUTO_TEST_CASE(prepared_file_changed_is_refused) {
    TempDir dir("pades");
    write_file(dir / "in.pdf", minimal_pdf());
    auto signer = TokenPki::shared().signer("citizen");
    SystemClock clock;
    auto prepared = prepare_pades(dir / "in.pdf", dir / "prepared.pdf", signer, clock, {});
    auto value = sign_digest(signer.key, prepared.scheme, prepared.digest_name, prepared.digest);
    std::string bytes = read_file(dir / "prepared.pdf");
    bytes[bytes.find("QUYET DINH")] = 'X';
    write_file(dir / "prepared.pdf", bytes);
    BOOST_CHECK_EXCEPTION(finalize_pades(prepared, value, nullptr, dir / "out.pdf"), Error,
                          [](const Error& e) { return e.code() == "prepared_file_changed"; });
    BOOST_TEST(!std::filesystem::exists(dir / "out.pdf"));
}

BOOST_AUTO_TEST_CASE(three_signatures_in_sequence_stay_valid) {
    TempDir dir("pades");
    write_file(dir / "hand.pdf", minimal_pdf({.pages = 2}));
    qpdf_convert(dir / "hand.pdf", dir / "in.pdf", {"--object-streams=generate"});
    SystemClock clock;
    auto citizen = TokenPki::shared().signer("citizen");
    auto leader = TokenPki::shared().signer("leader");
    auto agency = TokenPki::shared().signer("agency-seal");
    PadesOptions bt;
    bt.level = SignatureLevel::b_t;
    sign_pades(dir / "in.pdf", dir / "1.pdf", citizen, clock, {});
    sign_pades(dir / "1.pdf", dir / "2.pdf", leader, clock, bt, &test_tsa());
    sign_pades(dir / "2.pdf", dir / "3.pdf", agency, clock, bt, &test_tsa());
    auto signatures = require_valid_signatures(dir / "3.pdf", 3);
    BOOST_TEST(signatures.back().total_document, signatures.back().block);
    BOOST_TEST(signatures[0].block.find("Trần Thị Bích Ngọc") != std::string::npos, signatures[0].block);
    BOOST_TEST(signatures[1].block.find("Nguyễn Văn An") != std::string::npos, signatures[1].block);
    // Each later file begins with the earlier one, byte for byte.
    std::string one = read_file(dir / "1.pdf"), three = read_file(dir / "3.pdf");
    BOOST_TEST((three.compare(0, one.size(), one) == 0));
    BOOST_TEST(byte_ranges(three).size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
