// OCSP: responses checked by `openssl ocsp` (good, revoked, unknown, signature
// and nonce) and by Botan; malformed requests get a malformedRequest response.

#include <boost/test/unit_test.hpp>

#include "error_code.h"

#include <fstream>

#include <botan/certstor.h>
#include <botan/ocsp.h>

#include "command.h"
#include "sign/error.h"
#include "sign/ocsp_responder.h"
#include "temp_dir.h"
#include "test_pki.h"

using namespace sign::test;

namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One directory with the PKI written out, a responder and a helper running `openssl ocsp`.
struct OcspFixture {
    TestPki& pki = TestPki::shared();
    TempDir dir{"x509-ocsp"};
    sign::OcspResponder responder{pki.sub.copy(), pki.leaves.at("ocsp").certificate.copy(), *pki.leaves.at("ocsp").key,
                                  pki.registry};

    OcspFixture() {
        write_file(dir / "root.pem", pki.root.to_pem());
        write_file(dir / "sub.pem", pki.sub.to_pem());
    }

    // Asks `openssl ocsp` for a request about `leaf`, answers it, and lets `openssl ocsp` check the answer.
    // By default the responder is checked through the chain (-CAfile root, -verify_other sub); `trust_responder`
    // trusts the responder certificate directly (-VAfile), as clients configured for one responder do.
    sign::test::CommandResult round_trip(const std::string& name, const sign::Certificate& leaf, bool nonce = false,
                                         const std::string& issuer = "sub.pem", bool trust_responder = false) {
        write_file(dir / (name + ".pem"), leaf.to_pem());
        std::vector<std::string> request{"openssl", "ocsp", "-issuer", (dir / issuer).string(), "-cert",
                                         (dir / (name + ".pem")).string(), "-reqout", (dir / (name + ".req")).string()};
        if (!nonce) request.push_back("-no_nonce");
        auto made = run_command(request);
        BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.output);
        auto response = responder.respond(read_bytes(dir / (name + ".req")), std::chrono::system_clock::now());
        write_file(dir / (name + ".resp"), response);
        std::vector<std::string> check{"openssl", "ocsp", "-respin", (dir / (name + ".resp")).string(), "-issuer",
                                       (dir / issuer).string(), "-cert", (dir / (name + ".pem")).string(), "-no_nonce"};
        if (trust_responder) {
            write_file(dir / "responder.pem", pki.leaves.at("ocsp").certificate.to_pem());
            check.insert(check.end(), {"-VAfile", (dir / "responder.pem").string()});
        } else {
            check.insert(check.end(), {"-CAfile", (dir / "root.pem").string(), "-verify_other", (dir / "sub.pem").string()});
        }
        return run_command(check);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ocsp, OcspFixture)

BOOST_AUTO_TEST_CASE(good_certificate) {
    auto result = round_trip("good", pki.leaves.at("leader").certificate);
    BOOST_TEST(result.exit_code == 0, result.output);
    BOOST_TEST(result.output.find("Response verify OK") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("good.pem: good") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("Next Update:") != std::string::npos, result.output);
}

BOOST_AUTO_TEST_CASE(revoked_certificate) {
    IssuedLeaf leaf = pki.issue("citizen", "CN=Phạm Thị Hoa,C=VN,UID=CCCD:048170000002", "ec-p256");
    pki.registry.revoke(leaf.certificate.serial_hex(), std::chrono::system_clock::now() - std::chrono::minutes(2),
                        sign::RevocationReason::key_compromise);
    auto result = round_trip("revoked", leaf.certificate);
    BOOST_TEST(result.output.find("Response verify OK") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("revoked.pem: revoked") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("Reason: keyCompromise") != std::string::npos, result.output);
}

BOOST_AUTO_TEST_CASE(unknown_serial_and_foreign_issuer) {
    // Issued, but never recorded: the registry does not know the serial.
    IssuedLeaf leaf = pki.issue("citizen", "CN=Hồ Văn Nam,C=VN,UID=CCCD:048170000003", "ec-p256", {}, false);
    auto result = round_trip("unknown", leaf.certificate);
    BOOST_TEST(result.output.find("Response verify OK") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("unknown.pem: unknown") != std::string::npos, result.output);
    // Asking about the sub-CA (issued by the root) is asking about another issuer. RFC 6960 lets a delegated
    // responder answer only for its own CA, so clients accept this signed "unknown" only when they trust the
    // responder directly.
    auto foreign = round_trip("foreign", pki.sub, false, "root.pem", true);
    BOOST_TEST(foreign.output.find("Response verify OK") != std::string::npos, foreign.output);
    BOOST_TEST(foreign.output.find("foreign.pem: unknown") != std::string::npos, foreign.output);
}

BOOST_AUTO_TEST_CASE(nonce_is_echoed) {
    auto result = round_trip("nonce", pki.leaves.at("agency").certificate, true);
    BOOST_TEST(result.output.find("Response verify OK") != std::string::npos, result.output);
    auto request_der = read_bytes(dir / "nonce.req");
    auto response_der = read_bytes(dir / "nonce.resp");
    const unsigned char* cursor = request_der.data();
    sign::OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &cursor, static_cast<long>(request_der.size())));
    cursor = response_der.data();
    sign::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(response_der.size())));
    sign::OcspBasicResponsePtr basic(OCSP_response_get1_basic(response.get()));
    BOOST_TEST(OCSP_check_nonce(request.get(), basic.get()) == 1);
    // And `openssl ocsp` checking against the request itself agrees.
    auto checked = run_command({"openssl", "ocsp", "-reqin", (dir / "nonce.req").string(), "-respin", (dir / "nonce.resp").string(),
                                "-CAfile", (dir / "root.pem").string(), "-verify_other", (dir / "sub.pem").string()});
    BOOST_TEST(checked.output.find("Response verify OK") != std::string::npos, checked.output);
    BOOST_TEST(checked.output.find("Nonce") == std::string::npos, checked.output);
}

BOOST_AUTO_TEST_CASE(botan_agrees) {
    round_trip("botan", pki.leaves.at("tsa").certificate);
    Botan::OCSP::Response response(read_bytes(dir / "botan.resp"));
    Botan::Certificate_Store_In_Memory trusted;
    trusted.add_certificate(to_botan(pki.root));
    auto sub = std::make_shared<const Botan::X509_Certificate>(to_botan(pki.sub));
    auto signature = response.check_signature({&trusted}, {sub});
    BOOST_TEST((signature == Botan::Certificate_Status_Code::OCSP_SIGNATURE_OK), Botan::to_string(signature));
    auto status = response.status_for(*sub, to_botan(pki.leaves.at("tsa").certificate));
    BOOST_TEST((status == Botan::Certificate_Status_Code::OCSP_RESPONSE_GOOD), Botan::to_string(status));
}

BOOST_AUTO_TEST_CASE(malformed_request_gets_malformed_response) {
    for (std::vector<std::uint8_t> garbage : {std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{0x30, 0x03, 0x02, 0x01},
                                              std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o'},
                                              // A CertID whose hash algorithm's parameters hold a stray end-of-contents
                                              // tag: OpenSSL reads it but cannot copy it into a response.
                                              std::vector<std::uint8_t>{
                                                 0x30, 0x55, 0x30, 0x53, 0x30, 0x51, 0x30, 0x4f, 0x30, 0x4d,
                                                 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x24, 0x1a, 0x20,
                                                 0x00, 0x04, 0x14, 0xcb, 0xe8, 0xd2, 0x9d, 0x00, 0x74, 0xf8,
                                                 0x95, 0x1b, 0x16, 0x7e, 0x0a, 0x95, 0x34, 0x3f, 0x92, 0xd0,
                                                 0x88, 0xa2, 0xc4, 0x04, 0x14, 0x18, 0x67, 0x12, 0xf5, 0x60,
                                                 0x75, 0x85, 0x4c, 0x5e, 0x34, 0x17, 0xb9, 0x80, 0x68, 0xf1,
                                                 0x63, 0xdd, 0xf8, 0xda, 0xd3, 0x02, 0x14, 0x74, 0x56, 0x92,
                                                 0x35, 0xf6, 0x88, 0x8d, 0x60, 0xb8, 0x0b, 0x10, 0xad, 0x46,
                                                 0xa6, 0xbf, 0xbf, 0xc4, 0xfa, 0x4f, 0x72}}) {
        auto der = responder.respond(garbage, std::chrono::system_clock::now());
        const unsigned char* cursor = der.data();
        sign::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &cursor, static_cast<long>(der.size())));
        BOOST_REQUIRE(response);
        BOOST_TEST(OCSP_response_status(response.get()) == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }
}

BOOST_AUTO_TEST_CASE(responder_must_be_authorized) {
    // A leader certificate has no OCSPSigning EKU.
    BOOST_TEST(sign::test::error_code_of([&] { sign::OcspResponder(pki.sub.copy(), pki.leaves.at("leader").certificate.copy(), *pki.leaves.at("leader").key, pki.registry); }) ==
               "responder_not_authorized");
    BOOST_TEST(sign::test::error_code_of([&] { sign::OcspResponder(pki.sub.copy(), pki.leaves.at("ocsp").certificate.copy(), pki.sub_key, pki.registry); }) ==
               "responder_key_mismatch");
    // The CA may answer for itself.
    BOOST_TEST(sign::test::error_code_of([&] { sign::OcspResponder(pki.sub.copy(), pki.sub.copy(), pki.sub_key, pki.registry); }) == "no error");
}

BOOST_AUTO_TEST_SUITE_END()
