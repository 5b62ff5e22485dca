// Hostile and malformed signatures: each gets a FORMAT_FAILURE report, never an exception.

#include <boost/test/unit_test.hpp>

#include <random>

#include "validate_fixture.h"

namespace sign::test {
namespace {

const std::vector<std::uint8_t> document = bytes_of("Giấy mời họp.\n");

void check_format_failure(const std::vector<std::uint8_t>& input, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
        validate::ValidationOptions options;
        options.trust.trust_anchors.push_back(ValidatePki::shared().pki.root.copy());
        validate::ValidationReport report;
        BOOST_REQUIRE_NO_THROW(report = validate::validate_cms(input, validate::SignedContent::detached(document), options));
        BOOST_REQUIRE_EQUAL(report.signatures.size(), 1u);
        BOOST_TEST(validate::to_string(report.signatures[0].indication) == "TOTAL-FAILED");
        BOOST_REQUIRE(report.signatures[0].sub_indication.has_value());
        BOOST_TEST(validate::to_string(*report.signatures[0].sub_indication) == "FORMAT_FAILURE");
        BOOST_TEST(report.to_text().find("không hợp lệ") != std::string::npos);
    }
}

// A DER header: tag and a definite length in the shortest form.
std::vector<std::uint8_t> header(std::uint8_t tag, std::size_t length) {
    std::vector<std::uint8_t> out{tag};
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
    } else {
        std::vector<std::uint8_t> bytes;
        for (std::size_t l = length; l; l >>= 8) bytes.insert(bytes.begin(), static_cast<std::uint8_t>(l & 0xff));
        out.push_back(static_cast<std::uint8_t>(0x80 | bytes.size()));
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(malformed_input)

BOOST_AUTO_TEST_CASE(truncated_random_nested_and_oversized_inputs_are_format_failures) {
    auto& fixture = ValidatePki::shared();
    auto valid = sign_with_libsign(fixture.signer(fixture.pki.leaves.at("citizen"), SignatureScheme::ecdsa), document, true);

    check_format_failure({}, "empty");
    check_format_failure(std::vector<std::uint8_t>(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(valid.size() / 2)), "truncated");
    check_format_failure(std::vector<std::uint8_t>(valid.begin(), valid.end() - 1), "one byte short");
    auto trailing = valid;
    trailing.push_back('A');
    check_format_failure(trailing, "trailing byte");

    std::mt19937 random(20261207);
    std::vector<std::uint8_t> noise(4096);
    for (auto& byte : noise) byte = static_cast<std::uint8_t>(random());
    check_format_failure(noise, "random bytes");
    noise[0] = 0x30;  // starts like a SEQUENCE
    check_format_failure(noise, "random bytes after a SEQUENCE tag");

    // 100 000 nested SEQUENCEs, each declaring the rest as its content.
    std::vector<std::uint8_t> nested;
    const int depth = 100000;
    std::vector<std::uint8_t> inner;
    for (int i = 0; i < depth; ++i) {
        std::size_t length = static_cast<std::size_t>((depth - i - 1)) * 6;
        auto h = header(0x30, length);
        h.resize(6, 0);  // fixed-size placeholder; the lengths are wrong on purpose past the first levels
        nested.insert(nested.end(), h.begin(), h.end());
    }
    check_format_failure(nested, "deeply nested");
    std::vector<std::uint8_t> indefinite;
    for (int i = 0; i < depth; ++i) indefinite.insert(indefinite.end(), {0x30, 0x80});
    check_format_failure(indefinite, "deeply nested, indefinite lengths");

    // A SEQUENCE declaring 2^62 bytes of content it does not have.
    std::vector<std::uint8_t> huge{0x30, 0x88, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x09};
    check_format_failure(huge, "huge declared length");
    // The real signature's outer length raised to 1 GiB.
    auto lying = valid;
    lying[1] = 0x84;
    lying.insert(lying.begin() + 2, {0x40, 0x00, 0x00});
    check_format_failure(lying, "outer length lies");

    check_format_failure(bytes_of("-----BEGIN CMS-----\nbm90IGEgc2lnbmF0dXJl\n-----END CMS-----\n"), "PEM with garbage inside");
    check_format_failure(bytes_of("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "PEM of another kind");

    // Over the size limit.
    validate::ValidationOptions small;
    small.input_limits.max_signature_bytes = 100;
    auto report = validate::validate_cms(valid, validate::SignedContent::detached(document), small);
    BOOST_TEST(validate::to_string(*only(report).sub_indication) == "FORMAT_FAILURE");
    // Over the certificate limit.
    validate::ValidationOptions few;
    few.input_limits.max_certificates = 1;
    report = validate::validate_cms(valid, validate::SignedContent::detached(document), few);
    BOOST_TEST(validate::to_string(*only(report).sub_indication) == "FORMAT_FAILURE");
}

BOOST_AUTO_TEST_CASE(signed_data_without_signers_or_of_another_type_is_a_format_failure) {
    TempDir folder("validate");
    auto& fixture = ValidatePki::shared();
    fixture.write_pem_files(fixture.pki.leaves.at("citizen"), folder.path());
    // A certificates-only SignedData (no SignerInfo), as openssl crl2pkcs7 writes it.
    CommandResult bundle = run_command({"openssl", "crl2pkcs7", "-nocrl", "-certfile", (folder / "chain.pem").string(), "-outform", "DER",
                                        "-out", (folder / "bundle.p7c").string()});
    BOOST_REQUIRE_EQUAL(bundle.exit_code, 0);
    check_format_failure(read_bytes(folder / "bundle.p7c"), "no signer");
    // EnvelopedData is CMS, but not a signature.
    write_bytes(folder / "doc.bin", document);
    CommandResult enveloped = run_command({"openssl", "cms", "-encrypt", "-binary", "-in", (folder / "doc.bin").string(), "-outform", "DER",
                                           "-out", (folder / "enveloped.der").string(), "-aes256", (folder / "root.pem").string()});
    BOOST_REQUIRE_EQUAL(enveloped.exit_code, 0);
    check_format_failure(read_bytes(folder / "enveloped.der"), "enveloped data");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sign::test
