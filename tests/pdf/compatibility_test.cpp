// What the validators at hand make of our PDF signatures, per scheme and digest: poppler's
// pdfsig, qpdf, `openssl cms -verify` on the CMS taken out of the PDF, and mupdf's
// `mutool sign -v`. The evidence behind docs/compatibility.md.

#include <boost/test/unit_test.hpp>

#include <charconv>

#include "pdf_fixtures.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign::test;

namespace {

// The bytes the last signature covers and its CMS, cut out along its /ByteRange.
struct SignatureParts {
    std::string signed_bytes;
    std::string cms;
};

SignatureParts last_signature(const std::filesystem::path& pdf) {
    std::string bytes = read_file(pdf);
    auto at = bytes.rfind("/ByteRange [");
    BOOST_REQUIRE(at != std::string::npos);
    std::uint64_t range[4] = {};
    const char* p = bytes.data() + at + 12;
    for (auto& value : range) {
        while (*p == ' ') ++p;
        auto [end, ec] = std::from_chars(p, bytes.data() + bytes.size(), value);
        BOOST_REQUIRE(ec == std::errc());
        p = end;
    }
    SignatureParts parts;
    parts.signed_bytes = bytes.substr(range[0], range[1]) + bytes.substr(range[2], range[3]);
    std::string hex = bytes.substr(range[1] + 1, range[2] - range[1] - 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        parts.cms.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    // The placeholder's zero padding follows the DER SEQUENCE (30 82 hi lo).
    BOOST_REQUIRE(parts.cms.size() > 4 && static_cast<unsigned char>(parts.cms[1]) == 0x82);
    std::size_t length = 4 + (static_cast<unsigned char>(parts.cms[2]) << 8 | static_cast<unsigned char>(parts.cms[3]));
    parts.cms.resize(length);
    return parts;
}

// `openssl cms -verify` of the last signature against the test root.
CommandResult openssl_verify(const std::filesystem::path& pdf, const std::filesystem::path& work) {
    auto parts = last_signature(pdf);
    write_file(work / "signed.bin", parts.signed_bytes);
    write_file(work / "signature.der", parts.cms);
    return run_command({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", (work / "signature.der").string(),
                        "-content", (work / "signed.bin").string(), "-CAfile",
                        TokenPki::shared().path("certs/root-ca.pem"), "-purpose", "any", "-out", "/dev/null"});
}

CommandResult sign_with(const std::string& label, const std::filesystem::path& in, const std::filesystem::path& out,
                        std::vector<std::string> options) {
    auto& pki = TokenPki::shared();
    std::vector<std::string> argv = {"sign", "pdf", "--key", "pkcs11:object=" + label + ";type=private", "--cert",
                                     pki.path("certs/" + label + ".pem"), in.string(), "--out", out.string()};
    argv.insert(argv.end(), options.begin(), options.end());
    return pki.folder().signctl(pki.folder().as_owner(argv, label));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(compatibility)

// mupdf checks RSA signatures as PKCS#1 v1.5 only: it reports "Digest error" for RSASSA-PSS and
// accepts the same key's PKCS#1 v1.5 signature; the other validators accept both.
BOOST_AUTO_TEST_CASE(rsa_pss_and_pkcs1_with_each_validator) {
    TempDir dir("compatibility");
    write_file(dir / "in.pdf", minimal_pdf());
    for (std::string scheme : {"rsa-pss", "rsa-pkcs1"}) {
        BOOST_TEST_CONTEXT(scheme) {
            auto out = dir / (scheme + ".pdf");
            auto signed_pdf = sign_with("leader", dir / "in.pdf", out, {"--scheme", scheme});
            BOOST_TEST_REQUIRE(signed_pdf.exit_code == 0, signed_pdf.output);
            require_valid_signatures(out, 1);  // pdfsig and qpdf --check
            auto openssl = openssl_verify(out, dir.path());
            BOOST_TEST(openssl.output.find("Verification successful") != std::string::npos, openssl.output);
            auto mupdf = run_command({"mutool", "sign", "-v", out.string()});
            if (scheme == "rsa-pkcs1") {
                BOOST_TEST(mupdf.output.find("The document is unchanged since signing.") != std::string::npos, mupdf.output);
            } else {
                BOOST_TEST(mupdf.output.find("Digest error") != std::string::npos, mupdf.output);
            }
        }
    }
}

// ECDSA and RSA with SHA-3: each digest gets its own signature algorithm (ecdsa-with-SHA3-*,
// RSASSA-PSS with SHA-3 parameters, PKCS#1 v1.5 under a SHA-3 digestAlgorithm) that OpenSSL verifies.
BOOST_AUTO_TEST_CASE(sha3_digests_with_ecdsa_pss_and_pkcs1) {
    TempDir dir("compatibility");
    write_file(dir / "in.pdf", minimal_pdf());
    struct Case {
        std::string label, scheme, digest, algorithm;
    };
    for (const Case& c : {Case{"citizen", "ecdsa", "sha3-256", "ecdsa_with_SHA3-256"},
                          Case{"citizen", "ecdsa", "sha3-384", "ecdsa_with_SHA3-384"},
                          Case{"citizen", "ecdsa", "sha3-512", "ecdsa_with_SHA3-512"},
                          Case{"leader", "rsa-pss", "sha3-256", "rsassaPss"},
                          Case{"leader", "rsa-pkcs1", "sha3-384", "rsaEncryption"}}) {
        BOOST_TEST_CONTEXT(c.scheme << " " << c.digest) {
            auto out = dir / (c.scheme + "-" + c.digest + ".pdf");
            auto signed_pdf = sign_with(c.label, dir / "in.pdf", out, {"--scheme", c.scheme, "--digest", c.digest});
            BOOST_TEST_REQUIRE(signed_pdf.exit_code == 0, signed_pdf.output);
            BOOST_TEST(qpdf_check(out).exit_code == 0);
            auto openssl = openssl_verify(out, dir.path());
            BOOST_TEST(openssl.output.find("Verification successful") != std::string::npos, openssl.output);
            auto printed = run_command({"openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                                        (dir / "signature.der").string()});
            BOOST_TEST(printed.output.find(c.algorithm) != std::string::npos, printed.output);
            // Certificates name rsaEncryption too: PKCS#1 shows as the absence of RSASSA-PSS.
            BOOST_TEST((c.scheme == "rsa-pss") == (printed.output.find("rsassaPss") != std::string::npos), printed.output);
            BOOST_TEST(printed.output.find(c.digest) != std::string::npos, printed.output);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
