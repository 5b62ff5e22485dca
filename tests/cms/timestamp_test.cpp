// The RFC 3161 TSA and client: requests made by `openssl ts -query`, answers
// checked by `openssl ts -reply/-verify`, and a client that refuses answers which
// do not match its request or do not chain to its trust anchor.

#include <boost/test/unit_test.hpp>

#include <openssl/ts.h>

#include "cms_fixture.h"
#include "command.h"
#include "error_code.h"
#include "sign/error.h"
#include "sign/serial_number.h"
#include "temp_dir.h"

using namespace sign;
using namespace sign::test;

namespace {

TsRespPtr parse_response(const std::vector<std::uint8_t>& der) {
    const unsigned char* cursor = der.data();
    TsRespPtr response(d2i_TS_RESP(nullptr, &cursor, static_cast<long>(der.size())));
    BOOST_TEST_REQUIRE(response.get() != nullptr);
    return response;
}

long status_of(TS_RESP* response) {
    return ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response)));
}

bool failure_bit(TS_RESP* response, int bit) {
    const ASN1_BIT_STRING* info = TS_STATUS_INFO_get0_failure_info(TS_RESP_get_status_info(response));
    return info != nullptr && ASN1_BIT_STRING_get_bit(info, bit) == 1;
}

// `openssl ts -query` over `data`, with extra options such as "-cert" or "-sha1".
std::vector<std::uint8_t> openssl_query(const TempDir& dir, const std::string& name, const std::vector<std::string>& options) {
    write_text(dir / "data.txt", "Quyết định số 123/QĐ-UBND");
    std::vector<std::string> argv = {"openssl", "ts", "-query", "-data", (dir / "data.txt").string(), "-out",
                                     (dir / name).string()};
    argv.insert(argv.end(), options.begin(), options.end());
    auto result = run_command(argv);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return read_bytes(dir / name);
}

// A transport to the local TSA that changes the request on the way, as a broken or hostile
// network path would; the TSA then honestly signs something the client did not ask for.
TimestampClient::Transport rewriting(std::function<void(TS_REQ*)> change) {
    return [change](const std::vector<std::uint8_t>& der) {
        const unsigned char* cursor = der.data();
        TsReqPtr request(d2i_TS_REQ(nullptr, &cursor, static_cast<long>(der.size())));
        change(request.get());
        std::vector<std::uint8_t> changed(static_cast<size_t>(i2d_TS_REQ(request.get(), nullptr)));
        unsigned char* out = changed.data();
        i2d_TS_REQ(request.get(), &out);
        return LocalTsa::shared().authority->respond(changed);
    };
}

TimestampClient client_over(TimestampClient::Transport transport, std::optional<std::string> policy = {}) {
    auto& pki = TokenPki::shared();
    std::vector<Certificate> intermediates;
    intermediates.push_back(pki.certificate("issuing-ca"));
    return TimestampClient(std::move(transport), pki.certificate("root-ca"), std::move(intermediates),
                           LocalTsa::shared().clock, std::move(policy));
}

const std::vector<std::uint8_t> some_digest = sha256_of(bytes_of("đơn đề nghị cấp giấy phép xây dựng"));

}  // namespace

BOOST_AUTO_TEST_SUITE(timestamp_authority)

BOOST_AUTO_TEST_CASE(openssl_accepts_a_response_to_its_own_request) {
    auto& pki = TokenPki::shared();
    TempDir dir("tsa");
    auto request = openssl_query(dir, "req.tsq", {"-sha256", "-cert"});
    write_bytes(dir / "resp.tsr", LocalTsa::shared().authority->respond(request));

    auto text = run_command({"openssl", "ts", "-reply", "-in", (dir / "resp.tsr").string(), "-text"});
    BOOST_TEST_REQUIRE(text.exit_code == 0, text.output);
    BOOST_TEST(text.output.find("Status: Granted.") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("Policy OID: 1.3.6.1.4.1.32473.1.4") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("Hash Algorithm: sha256") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("Accuracy: 0x01 seconds, unspecified millis, unspecified micros") != std::string::npos,
               text.output);
    BOOST_TEST(text.output.find("Nonce: unspecified") == std::string::npos, text.output);
    BOOST_TEST(text.output.find("Nonce: 0x") != std::string::npos, text.output);

    auto verify = run_command({"openssl", "ts", "-verify", "-queryfile", (dir / "req.tsq").string(), "-in",
                               (dir / "resp.tsr").string(), "-CAfile", pki.path("certs/root-ca.pem"), "-untrusted",
                               pki.path("certs/issuing-ca.pem")});
    BOOST_TEST(verify.exit_code == 0, verify.output);
    BOOST_TEST(verify.output.find("Verification: OK") != std::string::npos, verify.output);
}

BOOST_AUTO_TEST_CASE(the_nonce_is_echoed_and_certificates_sent_only_on_request) {
    TempDir dir("tsa-certreq");
    auto with_certs = openssl_query(dir, "with.tsq", {"-sha256", "-cert"});
    auto without_certs = openssl_query(dir, "without.tsq", {"-sha384"});
    auto& authority = *LocalTsa::shared().authority;
    for (const auto* request : {&with_certs, &without_certs}) {
        const unsigned char* cursor = request->data();
        TsReqPtr parsed(d2i_TS_REQ(nullptr, &cursor, static_cast<long>(request->size())));
        auto response = parse_response(authority.respond(*request));
        BOOST_TEST_REQUIRE(status_of(response.get()) == TS_STATUS_GRANTED);
        TS_TST_INFO* info = TS_RESP_get_tst_info(response.get());
        BOOST_TEST(ASN1_INTEGER_cmp(TS_TST_INFO_get_nonce(info), TS_REQ_get_nonce(parsed.get())) == 0);
        STACK_OF(X509)* certificates = TS_RESP_get_token(response.get())->d.sign->cert;
        int count = certificates ? sk_X509_num(certificates) : 0;
        // The TSA certificate and the issuing CA, never the root, when certReq is set.
        BOOST_TEST(count == (request == &with_certs ? 2 : 0));
    }
}

BOOST_AUTO_TEST_CASE(every_response_has_its_own_random_serial) {
    TempDir dir("tsa-serial");
    auto request = openssl_query(dir, "req.tsq", {"-sha256"});
    auto& authority = *LocalTsa::shared().authority;
    auto first = parse_response(authority.respond(request));
    auto second = parse_response(authority.respond(request));
    const ASN1_INTEGER* first_serial = TS_TST_INFO_get_serial(TS_RESP_get_tst_info(first.get()));
    const ASN1_INTEGER* second_serial = TS_TST_INFO_get_serial(TS_RESP_get_tst_info(second.get()));
    BOOST_TEST(ASN1_INTEGER_cmp(first_serial, second_serial) != 0);
    // 127 random bits above 2^64, as certificate serials: 9 to 16 bytes of hex.
    auto hex = serial_to_hex(first_serial);
    BOOST_TEST(hex.size() >= 18u);
    BOOST_TEST(hex.size() <= 32u);
}

BOOST_AUTO_TEST_CASE(gen_time_comes_from_the_clock) {
    auto& pki = TokenPki::shared();
    auto key = pki.key("tsa");
    auto at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::hours(1);
    FixedClock clock(at);
    std::vector<Certificate> chain;
    chain.push_back(pki.certificate("issuing-ca"));
    TimestampAuthority authority(pki.certificate("tsa"), key, std::move(chain), clock);
    TempDir dir("tsa-time");
    auto response = parse_response(authority.respond(openssl_query(dir, "req.tsq", {"-sha512"})));
    BOOST_TEST_REQUIRE(status_of(response.get()) == TS_STATUS_GRANTED);
    const ASN1_GENERALIZEDTIME* gen_time = TS_TST_INFO_get_time(TS_RESP_get_tst_info(response.get()));
    int days = 0;
    int seconds = 0;
    Asn1TimePtr expected(ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(at)));
    BOOST_TEST_REQUIRE(ASN1_TIME_diff(&days, &seconds, gen_time, expected.get()) == 1);
    BOOST_TEST(days == 0);
    BOOST_TEST(seconds == 0);
}

BOOST_AUTO_TEST_CASE(a_sha1_imprint_is_rejected_with_bad_alg) {
    TempDir dir("tsa-sha1");
    auto response = parse_response(LocalTsa::shared().authority->respond(openssl_query(dir, "req.tsq", {"-sha1", "-cert"})));
    BOOST_TEST(status_of(response.get()) == TS_STATUS_REJECTION);
    BOOST_TEST(failure_bit(response.get(), TS_INFO_BAD_ALG));
    BOOST_TEST(TS_RESP_get_token(response.get()) == nullptr);
}

BOOST_AUTO_TEST_CASE(garbage_and_trailing_bytes_get_bad_data_format) {
    TempDir dir("tsa-garbage");
    auto valid = openssl_query(dir, "req.tsq", {"-sha256"});
    auto trailing = valid;
    trailing.push_back(0x00);
    for (const auto& request : {bytes_of("GET / HTTP/1.1\r\n\r\n"), std::vector<std::uint8_t>{}, trailing,
                                std::vector<std::uint8_t>(valid.begin(), valid.end() - 3)}) {
        auto der = LocalTsa::shared().authority->respond(request);
        auto response = parse_response(der);
        BOOST_TEST(status_of(response.get()) == TS_STATUS_REJECTION);
        BOOST_TEST(failure_bit(response.get(), TS_INFO_BAD_DATA_FORMAT));
        write_bytes(dir / "resp.tsr", der);
        auto text = run_command({"openssl", "ts", "-reply", "-in", (dir / "resp.tsr").string(), "-text"});
        BOOST_TEST(text.output.find("Status: Rejected.") != std::string::npos, text.output);
    }
}

BOOST_AUTO_TEST_CASE(another_policy_is_refused) {
    TempDir dir("tsa-policy");
    auto request = openssl_query(dir, "req.tsq", {"-sha256", "-tspolicy", "1.3.6.1.4.1.32473.9.9"});
    auto response = parse_response(LocalTsa::shared().authority->respond(request));
    BOOST_TEST(status_of(response.get()) == TS_STATUS_REJECTION);
    BOOST_TEST(failure_bit(response.get(), TS_INFO_UNACCEPTED_POLICY));
}

BOOST_AUTO_TEST_CASE(only_a_timestamping_certificate_with_its_own_key_is_accepted) {
    auto& pki = TokenPki::shared();
    auto& clock = LocalTsa::shared().clock;
    auto tsa_key = pki.key("tsa");
    auto leader_key = pki.key("leader");
    std::string message;
    BOOST_TEST(error_code_of([&] { TimestampAuthority(pki.certificate("agency-seal"), pki.key("agency-seal"), {}, clock); },
                             &message) == "tsa_certificate_unfit", message);
    BOOST_TEST(error_code_of([&] { TimestampAuthority(pki.certificate("tsa"), leader_key, {}, clock); }) ==
               "tsa_key_mismatch");
    BOOST_TEST(error_code_of([&] {
                   TimestampAuthority(pki.certificate("tsa"), tsa_key, {}, clock, {.policy_oid = "not an oid"});
               }) == "invalid_policy_oid");
    BOOST_TEST(error_code_of([&] {
                   TimestampAuthority(pki.certificate("tsa"), tsa_key, {}, clock, {.digest = "sha1"});
               }) == "weak_digest");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(timestamp_client)

BOOST_AUTO_TEST_CASE(a_good_token_is_returned_and_openssl_verifies_it) {
    auto& pki = TokenPki::shared();
    auto client = LocalTsa::shared().client();
    auto token = client.timestamp("sha256", some_digest);
    TempDir dir("tsa-client");
    write_bytes(dir / "token.der", token);
    auto verify = run_command({"openssl", "ts", "-verify", "-digest", hex_of(some_digest), "-in",
                               (dir / "token.der").string(), "-token_in", "-CAfile", pki.path("certs/root-ca.pem"),
                               "-untrusted", pki.path("certs/issuing-ca.pem")});
    BOOST_TEST(verify.output.find("Verification: OK") != std::string::npos, verify.output);
}

BOOST_AUTO_TEST_CASE(a_response_to_another_nonce_is_refused) {
    auto client = client_over(rewriting([](TS_REQ* request) {
        Asn1IntegerPtr other(ASN1_INTEGER_new());
        ASN1_INTEGER_set(other.get(), 42);
        TS_REQ_set_nonce(request, other.get());
    }));
    BOOST_TEST(error_code_of([&] { client.timestamp("sha256", some_digest); }) == "tsa_nonce_mismatch");
}

BOOST_AUTO_TEST_CASE(a_token_over_another_digest_is_refused) {
    auto client = client_over(rewriting([](TS_REQ* request) {
        auto other = sha256_of(bytes_of("another document"));
        TS_MSG_IMPRINT_set_msg(TS_REQ_get_msg_imprint(request), other.data(), static_cast<int>(other.size()));
    }));
    BOOST_TEST(error_code_of([&] { client.timestamp("sha256", some_digest); }) == "tsa_imprint_mismatch");
}

BOOST_AUTO_TEST_CASE(a_tsa_outside_the_trust_anchor_is_refused) {
    TempDir dir("tsa-untrusted");
    auto made = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                             "-nodes", "-subj", "/CN=Another root/C=VN", "-days", "30", "-keyout",
                             (dir / "other.key").string(), "-out", (dir / "other.pem").string()});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    auto& tsa = LocalTsa::shared();
    TimestampClient client = TimestampClient::local(*tsa.authority, Certificate::load((dir / "other.pem").string()), {},
                                                    tsa.clock);
    std::string message;
    BOOST_TEST(error_code_of([&] { client.timestamp("sha256", some_digest); }, &message) == "tsa_untrusted", message);
}

BOOST_AUTO_TEST_CASE(rejections_and_garbage_are_reported) {
    auto refused = client_over([](const std::vector<std::uint8_t>& request) {
        return LocalTsa::shared().authority->respond(request);
    }, "1.3.6.1.4.1.32473.9.9");
    std::string message;
    BOOST_TEST(error_code_of([&] { refused.timestamp("sha256", some_digest); }, &message) == "tsa_rejected", message);
    BOOST_TEST(message.find("policy") != std::string::npos, message);

    auto garbage = client_over([](const std::vector<std::uint8_t>&) { return bytes_of("<html>502 Bad Gateway</html>"); });
    BOOST_TEST(error_code_of([&] { garbage.timestamp("sha256", some_digest); }) == "tsa_bad_response");

    auto client = LocalTsa::shared().client();
    BOOST_TEST(error_code_of([&] { client.timestamp("sha1", std::vector<std::uint8_t>(20)); }) == "weak_digest");
    BOOST_TEST(error_code_of([&] { client.timestamp("sha256", std::vector<std::uint8_t>(20)); }) ==
               "digest_length_mismatch");

    try {
        client_over([](const std::vector<std::uint8_t>&) { return std::vector<std::uint8_t>{}; }, "not an oid");
        BOOST_FAIL("a policy that is not an OID was accepted");
    } catch (const Error& error) {
        BOOST_TEST(error.code() == "invalid_policy_oid");
        BOOST_TEST((error.kind() == ErrorKind::invalid_input));
    }
}

BOOST_AUTO_TEST_SUITE_END()
