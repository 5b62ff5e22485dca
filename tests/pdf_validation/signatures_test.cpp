// Reading signatures and checking their ByteRange: ours (once, twice, with xref and object
// streams), poppler's, tampered ranges, bytes after %%EOF and hostile files. pdfsig and qpdf
// --check say what they can of the same files.

#include <boost/test/unit_test.hpp>

#include <charconv>
#include <random>

#include <openssl/cms.h>
#include <openssl/evp.h>

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

// The SHA-256 of the ByteRange's bytes, cut out of the file independently of the library.
std::vector<std::uint8_t> sha256_of_range(const std::string& bytes, const std::array<std::uint64_t, 4>& r) {
    std::string covered = bytes.substr(r[0], r[1]) + bytes.substr(r[2], r[3]);
    std::vector<std::uint8_t> out(32);
    unsigned length = 0;
    EVP_Digest(covered.data(), covered.size(), out.data(), &length, EVP_sha256(), nullptr);
    return out;
}

void require_parses_as_cms(const std::vector<std::uint8_t>& der) {
    const unsigned char* p = der.data();
    CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size()));
    BOOST_REQUIRE(cms != nullptr);
    BOOST_TEST(p == der.data() + der.size());
    CMS_ContentInfo_free(cms);
}

// Rewrites the numbers of the n-th /ByteRange in place (libsign pads it to a fixed width).
std::string with_byte_range(std::string bytes, const std::array<std::uint64_t, 4>& r) {
    auto at = bytes.find("/ByteRange [");
    BOOST_REQUIRE(at != std::string::npos);
    auto end = bytes.find(']', at);
    std::string text = "/ByteRange [" + std::to_string(r[0]) + " " + std::to_string(r[1]) + " " + std::to_string(r[2]) +
                       " " + std::to_string(r[3]);
    BOOST_REQUIRE(text.size() <= end - at);
    text.resize(end - at, ' ');
    bytes.replace(at, end - at, text);
    return bytes;
}

bool has_problem(const PdfSignature& s, const std::string& code) {
    for (const auto& p : s.problems)
        if (p.code == code) return true;
    return false;
}

template <typename Function>
std::string error_code_of(Function&& function) {
    try {
        function();
    } catch (const Error& e) {
        return e.code();
    }
    return "no error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pdf_signatures)

BOOST_AUTO_TEST_CASE(one_signature_is_read_with_its_dictionary_and_signed_bytes) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf", "lanh_dao");

    auto result = inspect_pdf_signatures(dir / "signed.pdf");
    std::string bytes = read_file(dir / "signed.pdf");
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
    BOOST_TEST(result.revisions.size() == 2u);
    BOOST_TEST(result.trailing_bytes == 0u);
    BOOST_TEST(!result.certification.has_value());
    const auto& s = result.signatures.front();
    BOOST_TEST(s.field_name == "lanh_dao");
    BOOST_TEST(s.sub_filter == "ETSI.CAdES.detached");
    BOOST_TEST(s.type == PdfSignatureType::signature);
    BOOST_TEST(s.reason == "Ký ban hành");
    BOOST_TEST(s.location == "Đà Nẵng");
    BOOST_TEST(s.signing_time.rfind("D:20", 0) == 0);
    BOOST_TEST(s.revision == 1);
    BOOST_TEST(s.byte_range_valid);
    BOOST_TEST(s.problems.empty());
    BOOST_TEST(s.covers_whole_file);
    BOOST_TEST(s.bytes_after == 0u);
    BOOST_TEST(s.byte_range[2] + s.byte_range[3] == bytes.size());
    BOOST_TEST(s.changes.verdict == ChangeVerdict::unchanged);
    require_parses_as_cms(s.cms);
    BOOST_TEST(digest_signed_bytes(dir / "signed.pdf", s, "sha256") == sha256_of_range(bytes, s.byte_range));
    // pdfsig agrees: one valid signature over the whole document.
    auto seen = require_valid_signatures(dir / "signed.pdf", 1);
    BOOST_TEST(seen.front().total_document == s.covers_whole_file);
}

BOOST_AUTO_TEST_CASE(leader_then_seal_in_classic_and_in_object_stream_files) {
    TempDir dir("pdf-validation");
    write_file(dir / "plain.pdf", minimal_pdf({.text_fields = true}));
    qpdf_convert(dir / "plain.pdf", dir / "streams.pdf", {"--object-streams=generate"});
    for (std::string input : {"plain", "streams"}) {
        BOOST_TEST_CONTEXT(input) {
            auto leader = dir / (input + "-leader.pdf"), sealed = dir / (input + "-sealed.pdf");
            sign_as("leader", dir / (input + ".pdf"), leader, "lanh_dao");
            sign_as("agency-seal", leader, sealed, "con_dau");
            auto result = inspect_pdf_signatures(sealed);
            BOOST_REQUIRE_EQUAL(result.signatures.size(), 2u);
            const auto& first = result.signatures[0];
            const auto& second = result.signatures[1];
            BOOST_TEST(first.field_name == "lanh_dao");
            BOOST_TEST(second.field_name == "con_dau");
            BOOST_TEST(first.revision == 1);
            BOOST_TEST(second.revision == 2);
            BOOST_TEST(first.byte_range_valid);
            BOOST_TEST(second.byte_range_valid);
            BOOST_TEST(!first.covers_whole_file);
            BOOST_TEST(first.bytes_after == std::filesystem::file_size(sealed) - std::filesystem::file_size(leader));
            BOOST_TEST(second.covers_whole_file);
            // The seal only adds a signature: allowed, and every change says so.
            BOOST_TEST(first.changes.verdict == ChangeVerdict::allowed_changes_only);
            for (const auto& c : first.changes.changes)
                BOOST_TEST(c.allowed, c.object << " " << c.path << " " << c.kind << ": " << c.reason);
            bool signature_added = false;
            for (const auto& c : first.changes.changes) signature_added |= c.kind == "signature_added";
            BOOST_TEST(signature_added);
            BOOST_TEST(second.changes.verdict == ChangeVerdict::unchanged);
            std::string bytes = read_file(sealed);
            for (const auto& s : result.signatures)
                BOOST_TEST(digest_signed_bytes(sealed, s, "sha256") == sha256_of_range(bytes, s.byte_range));
            auto seen = require_valid_signatures(sealed, 2);
            BOOST_TEST(seen[0].total_document == first.covers_whole_file);
            BOOST_TEST(seen[1].total_document == second.covers_whole_file);
        }
    }
}

// pdfsig signs with NSS (adbe.pkcs7.detached, its own field and ByteRange layout); the seal
// added after it is an allowed change.
BOOST_AUTO_TEST_CASE(signature_made_by_pdfsig) {
    TempDir dir("pdf-validation");
    auto nss = "sql:" + (dir / "nss").string();
    std::filesystem::create_directory(dir / "nss");
    BOOST_REQUIRE(run_command({"certutil", "-N", "-d", nss, "--empty-password"}).exit_code == 0);
    auto exported = run_command({"openssl", "pkcs12", "-export", "-inkey", throwaway_key().key.string(), "-in",
                                 throwaway_key().certificate.string(), "-name", "office", "-passout", "pass:p12",
                                 "-out", (dir / "office.p12").string()});
    BOOST_REQUIRE_MESSAGE(exported.exit_code == 0, exported.output);
    auto imported = run_command({"pk12util", "-i", (dir / "office.p12").string(), "-d", nss, "-W", "p12", "-K", ""});
    BOOST_REQUIRE_MESSAGE(imported.exit_code == 0, imported.output);
    write_file(dir / "in.pdf", minimal_pdf());
    auto signed_pdf = run_command({"pdfsig", "-nssdir", nss, "-add-signature", "-nick", "office",
                                   "-new-signature-field-name", "poppler", "-reason", "approved",
                                   (dir / "in.pdf").string(), (dir / "poppler.pdf").string()});
    BOOST_REQUIRE_MESSAGE(signed_pdf.exit_code == 0, signed_pdf.output);

    auto result = inspect_pdf_signatures(dir / "poppler.pdf");
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
    const auto& s = result.signatures.front();
    BOOST_TEST(s.field_name == "poppler");
    BOOST_TEST(s.sub_filter == "adbe.pkcs7.detached");
    BOOST_TEST(s.reason == "approved");
    BOOST_TEST(s.byte_range_valid, (s.problems.empty() ? "" : s.problems.front().message));
    BOOST_TEST(s.covers_whole_file);
    require_parses_as_cms(s.cms);
    std::string bytes = read_file(dir / "poppler.pdf");
    BOOST_TEST(digest_signed_bytes(dir / "poppler.pdf", s, "sha256") == sha256_of_range(bytes, s.byte_range));

    sign_as("agency-seal", dir / "poppler.pdf", dir / "sealed.pdf", "con_dau");
    auto sealed = inspect_pdf_signatures(dir / "sealed.pdf");
    BOOST_REQUIRE_EQUAL(sealed.signatures.size(), 2u);
    BOOST_TEST(sealed.signatures[0].field_name == "poppler");
    BOOST_TEST(sealed.signatures[0].changes.verdict == ChangeVerdict::allowed_changes_only);
    for (const auto& c : sealed.signatures[0].changes.changes) BOOST_TEST(c.allowed, c.path << ": " << c.reason);
    std::string report;
    auto seen = pdfsig(dir / "sealed.pdf", &report);
    BOOST_REQUIRE_EQUAL(seen.size(), 2u);
    BOOST_TEST(seen[0].valid, report);
    BOOST_TEST(!seen[0].total_document);
}

BOOST_AUTO_TEST_CASE(bytes_after_the_last_eof_are_reported) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf");
    const std::string appended = "% appended after signing\n";
    write_file(dir / "appended.pdf", read_file(dir / "signed.pdf") + appended);

    auto result = inspect_pdf_signatures(dir / "appended.pdf");
    BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
    const auto& s = result.signatures.front();
    BOOST_TEST(result.trailing_bytes == appended.size());
    BOOST_TEST(s.byte_range_valid);
    BOOST_TEST(!s.covers_whole_file);
    BOOST_TEST(s.bytes_after == appended.size());
    BOOST_TEST(s.changes.verdict == ChangeVerdict::disallowed_changes);
    BOOST_REQUIRE_EQUAL(s.changes.changes.size(), 1u);
    BOOST_TEST(s.changes.changes.front().kind == "trailing_bytes");
    BOOST_TEST(!pdfsig(dir / "appended.pdf").front().total_document);

    // Padding after %%EOF (some writers add it) is reported but allowed.
    write_file(dir / "padded.pdf", read_file(dir / "signed.pdf") + std::string(16, '\0'));
    auto padded = inspect_pdf_signatures(dir / "padded.pdf").signatures.front();
    BOOST_TEST(!padded.covers_whole_file);
    BOOST_TEST(padded.changes.verdict == ChangeVerdict::allowed_changes_only);
}

BOOST_AUTO_TEST_CASE(tampered_byte_ranges_are_problems_not_crashes) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf");
    std::string bytes = read_file(dir / "signed.pdf");
    auto good = inspect_pdf_signatures(dir / "signed.pdf").signatures.front().byte_range;
    struct Case {
        std::string name;
        std::array<std::uint64_t, 4> range;
        std::string code;
    };
    std::uint64_t size = bytes.size();
    for (const Case& c : {
             Case{"gap larger than /Contents", {0, good[1] - 10, good[2], good[3]}, "byte_range_gap_not_contents"},
             Case{"gap smaller than /Contents", {0, good[1] + 2, good[2], good[3]}, "byte_range_gap_not_contents"},
             Case{"overlapping ranges", {0, good[2] + 5, good[2], good[3]}, "byte_range_overlap"},
             Case{"past the end of the file", {0, good[1], good[2], good[3] + 100}, "byte_range_outside_file"},
             Case{"not from the start", {1, good[1] - 1, good[2], good[3]}, "byte_range_not_from_start"},
             Case{"short of the revision's end", {0, good[1], good[2], good[3] - 20}, "byte_range_not_revision_end"},
         }) {
        BOOST_TEST_CONTEXT(c.name) {
            (void)size;
            write_file(dir / "tampered.pdf", with_byte_range(bytes, c.range));
            auto result = inspect_pdf_signatures(dir / "tampered.pdf");
            BOOST_REQUIRE_EQUAL(result.signatures.size(), 1u);
            const auto& s = result.signatures.front();
            BOOST_TEST(!s.byte_range_valid);
            BOOST_TEST(has_problem(s, c.code));
            BOOST_TEST(s.changes.verdict == ChangeVerdict::disallowed_changes);
            // pdfsig does not find it valid either.
            BOOST_TEST(!pdfsig(dir / "tampered.pdf").front().valid);
        }
    }
}

BOOST_AUTO_TEST_CASE(contents_that_is_not_one_der_object) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    sign_as("leader", dir / "in.pdf", dir / "signed.pdf");
    std::string bytes = read_file(dir / "signed.pdf");
    auto s = inspect_pdf_signatures(dir / "signed.pdf").signatures.front();
    // Data in the padding after the DER object.
    std::string padded = bytes;
    padded[s.byte_range[2] - 3] = '7';
    write_file(dir / "trailing.pdf", padded);
    auto trailing = inspect_pdf_signatures(dir / "trailing.pdf").signatures.front();
    BOOST_TEST(has_problem(trailing, "contents_trailing_data"));
    BOOST_TEST(trailing.cms.empty());
    // Not a SEQUENCE at all.
    std::string garbage = bytes;
    garbage[s.byte_range[1] + 1] = '4';
    write_file(dir / "not-der.pdf", garbage);
    auto not_der = inspect_pdf_signatures(dir / "not-der.pdf").signatures.front();
    BOOST_TEST(has_problem(not_der, "contents_not_der"));
    // Larger than the limit.
    PdfLimits limits;
    limits.max_contents_size = 100;
    auto large = inspect_pdf_signatures(dir / "signed.pdf", limits).signatures.front();
    BOOST_TEST(has_problem(large, "contents_too_large"));
    BOOST_TEST(!large.byte_range_valid);
}

BOOST_AUTO_TEST_CASE(hostile_files_give_clear_errors) {
    TempDir dir("pdf-validation");
    write_file(dir / "in.pdf", minimal_pdf());
    sign_as("leader", dir / "in.pdf", dir / "one.pdf");
    sign_as("agency-seal", dir / "one.pdf", dir / "two.pdf");
    std::string bytes = read_file(dir / "two.pdf");

    write_file(dir / "truncated.pdf", bytes.substr(0, bytes.size() / 2));
    BOOST_TEST(qpdf_check(dir / "truncated.pdf").exit_code != 0);
    // Half the file still holds the first revision whole: it is that revision that is read.
    auto truncated = inspect_pdf_signatures(dir / "truncated.pdf");
    BOOST_TEST(truncated.trailing_bytes > 0u);

    write_file(dir / "garbage.pdf", std::string(4096, 'x'));
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "garbage.pdf"); }) == "pdf_unreadable");
    write_file(dir / "header-only.pdf", "%PDF-1.7\n" + std::string(100, ' ') + "\nstartxref\n99999\n%%EOF\n");
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "header-only.pdf"); }) == "pdf_unreadable");
    write_file(dir / "empty.pdf", "");
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "empty.pdf"); }) == "pdf_unreadable");
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "missing.pdf"); }) == "file_not_found");

    PdfLimits limits;
    limits.max_file_size = bytes.size() - 1;
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "two.pdf", limits); }) == "pdf_too_large");
    limits = {};
    limits.max_revisions = 2;
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "two.pdf", limits); }) == "pdf_too_many_revisions");
    limits = {};
    limits.max_signatures = 1;
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "two.pdf", limits); }) == "pdf_too_many_signatures");
    limits = {};
    limits.max_objects = 5;
    BOOST_TEST(error_code_of([&] { inspect_pdf_signatures(dir / "two.pdf", limits); }) == "pdf_too_many_objects");

    // Bytes changed at random places: a result or a sign::Error, never a crash or a hang.
    std::mt19937 random(20261207);
    int results = 0, errors = 0;
    for (int round = 0; round < 150; ++round) {
        std::string damaged = bytes;
        for (int k = 0; k < 4; ++k)
            damaged[random() % damaged.size()] = static_cast<char>(random() % 256);
        write_file(dir / "damaged.pdf", damaged);
        try {
            auto r = inspect_pdf_signatures(dir / "damaged.pdf");
            ++results;
        } catch (const Error& e) {
            BOOST_TEST((e.kind() == ErrorKind::invalid_input), e.code() << ": " << e.what());
            ++errors;
        }
    }
    BOOST_TEST(results + errors == 150);
    BOOST_TEST_MESSAGE("damaged files: " << results << " read, " << errors << " refused");
}

BOOST_AUTO_TEST_SUITE_END()
