// The parsers at signd's edge refuse anything that is not exactly well formed:
// base64 with a stray character or non-canonical padding, multipart bodies that
// bend the grammar, access tokens that were not issued here or have expired.

#include <boost/test/unit_test.hpp>

#include "app/access_token.h"
#include "sign/base64.h"
#include "app/document_body.h"
#include "app/multipart_form.h"
#include "http/request_target.h"
#include "sign/percent_encoding.h"
#include "sign/utf8.h"
#include "error_code.h"

using namespace sign;
using namespace sign::signd;
using sign::test::error_code_of;

namespace {

std::vector<std::uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

const std::string form_type = "multipart/form-data; boundary=XyZ123";

}  // namespace

BOOST_AUTO_TEST_SUITE(base64)

BOOST_AUTO_TEST_CASE(round_trips_every_length) {
    for (std::size_t length = 0; length < 40; ++length) {
        std::vector<std::uint8_t> data(length);
        for (std::size_t i = 0; i < length; ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
        BOOST_TEST(decode_base64(encode_base64(data)).value() == data);
        BOOST_TEST(decode_base64url(encode_base64url(data)).value() == data);
        BOOST_TEST(encode_base64url(data).find_first_of("+/=") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(matches_rfc4648_test_vectors) {
    BOOST_TEST(encode_base64(bytes("f")) == "Zg==");
    BOOST_TEST(encode_base64(bytes("fo")) == "Zm8=");
    BOOST_TEST(encode_base64(bytes("foobar")) == "Zm9vYmFy");
    BOOST_TEST(decode_base64("Zm9vYg==").value() == bytes("foob"));
}

BOOST_AUTO_TEST_CASE(refuses_anything_not_canonical) {
    for (const char* text : {"Zg=", "Zg", "Z===", "Zm9v YmFy", "Zm9v\nYmFy", "Zm9v!mFy", "Zh==", "Zm8=Zm8=", "=Zm8", "Zm-_"})
        BOOST_TEST(!decode_base64(text).has_value(), text);
    for (const char* text : {"Zg==", "Zm+v", "Zm/v", "Z"}) BOOST_TEST(!decode_base64url(text).has_value(), text);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(multipart)

BOOST_AUTO_TEST_CASE(reads_the_parts_curl_sends) {
    std::string body =
        "--XyZ123\r\n"
        "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
        "xin chào\r\n"
        "--XyZ123\r\n"
        "Content-Disposition: form-data; name=\"document\"; filename=\"van ban.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n"
        "%PDF-1.7\r\n\r\n--XyZ12 is not the boundary\r\n"
        "--XyZ123--\r\n";
    auto parts = parse_multipart_form(body, form_type);
    BOOST_TEST_REQUIRE(parts.size() == 2u);
    BOOST_TEST(parts[0].name == "note");
    BOOST_TEST(parts[0].content_type == "text/plain");
    BOOST_TEST(parts[0].body == "xin chào");
    BOOST_TEST(parts[1].name == "document");
    BOOST_TEST(parts[1].filename.value() == "van ban.pdf");
    BOOST_TEST(parts[1].content_type == "application/pdf");
    BOOST_TEST(parts[1].body == "%PDF-1.7\r\n\r\n--XyZ12 is not the boundary");
}

BOOST_AUTO_TEST_CASE(takes_a_quoted_boundary) {
    auto parts = parse_multipart_form("--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--",
                                      "multipart/form-data; boundary=\"a b\"");
    BOOST_TEST_REQUIRE(parts.size() == 1u);
    BOOST_TEST(parts[0].body == "1");
}

BOOST_AUTO_TEST_CASE(refuses_malformed_bodies) {
    const std::string part = "Content-Disposition: form-data; name=\"document\"\r\n\r\nabc\r\n";
    std::vector<std::pair<std::string, std::string>> cases = {
        {"preamble\r\n--XyZ123\r\n" + part + "--XyZ123--", form_type},
        {"--XyZ123\r\n" + part, form_type},                                               // no closing boundary
        {"--XyZ123\r\n" + part + "--XyZ123--trailing", form_type},                        // text after the end
        {"--XyZ123\r\nContent-Disposition: attachment; name=\"d\"\r\n\r\nabc\r\n--XyZ123--", form_type},
        {"--XyZ123\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--XyZ123--", form_type},  // no name
        {"--XyZ123\r\nContent-Type: text/plain\r\n\r\nabc\r\n--XyZ123--", form_type},       // no disposition
        {"--XyZ123\r\nContent-Disposition: form-data; name=\"d\r\n\r\nabc\r\n--XyZ123--", form_type},
        {"--XyZ123\r\n" + part + "--XyZ123\r\n" + part + "--XyZ123--", form_type},           // repeated name
        {"--XyZ123\nContent-Disposition: form-data; name=\"d\"\n\nabc\n--XyZ123--", form_type},  // bare LF
        {"--XyZ123--", form_type},                                                           // no parts
        {"--XyZ123\r\n" + part + "--XyZ123--", "multipart/form-data"},                       // no boundary
        {"--XyZ123\r\n" + part + "--XyZ123--", "multipart/mixed; boundary=XyZ123"},
    };
    for (const auto& [body, type] : cases)
        BOOST_TEST(error_code_of([&] { parse_multipart_form(body, type); }) == "invalid_multipart", body);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(document_body)

sign::signd::HttpRequest request_of(const std::string& type, const std::string& body) {
    HttpRequest request;
    request.method = "POST";
    request.headers["content-type"] = type;
    request.body = body;
    return request;
}

BOOST_AUTO_TEST_CASE(accepts_the_three_forms) {
    BOOST_TEST(read_document(request_of("application/pdf", "%PDF"), 100) == bytes("%PDF"));
    BOOST_TEST(read_document(request_of("Application/XML; charset=utf-8", "<a/>"), 100) == bytes("<a/>"));
    BOOST_TEST(read_document(request_of("application/json", R"({"document":"Zm9vYmFy"})"), 100) == bytes("foobar"));
    BOOST_TEST(read_document(request_of(form_type, "--XyZ123\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\n"
                                                   "abc\r\n--XyZ123--\r\n"),
                             100) == bytes("abc"));
}

BOOST_AUTO_TEST_CASE(names_each_refusal) {
    BOOST_TEST(error_code_of([] { read_document(request_of("application/json", "{\"document\":"), 100); }) == "invalid_json");
    BOOST_TEST(error_code_of([] { read_document(request_of("application/json", "{\"doc\":\"Zg==\"}"), 100); }) == "missing_document");
    BOOST_TEST(error_code_of([] { read_document(request_of("application/json", "{\"document\":\"Zg=\"}"), 100); }) == "invalid_base64");
    BOOST_TEST(error_code_of([] { read_document(request_of("application/json", "{\"document\":\"\"}"), 100); }) == "empty_document");
    BOOST_TEST(error_code_of([] { read_document(request_of("text/plain", "abc"), 100); }) == "unsupported_media_type");
    BOOST_TEST(error_code_of([] { read_document(request_of("application/pdf", ""), 100); }) == "empty_document");
    std::string big = "{\"document\":\"" + encode_base64(std::vector<std::uint8_t>(101, 7)) + "\"}";
    BOOST_TEST(error_code_of([&] { read_document(request_of("application/json", big), 100); }) == "base64_document_too_large");
    std::string fits = "{\"document\":\"" + encode_base64(std::vector<std::uint8_t>(100, 7)) + "\"}";
    BOOST_TEST(read_document(request_of("application/json", fits), 100).size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(access_tokens)

BOOST_AUTO_TEST_CASE(issue_verify_expire_and_forge) {
    std::vector<unsigned char> secret(32, 0x5a);
    AccessTokens tokens(secret);
    auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    std::string token = tokens.issue("cong-dich-vu", now);
    BOOST_TEST(token.find('.') == std::string::npos);
    auto claims = tokens.verify(token, now + std::chrono::minutes(59));
    BOOST_TEST(claims.client_id == "cong-dich-vu");
    BOOST_TEST(AccessTokens::claimed_client(token).value() == "cong-dich-vu");
    BOOST_TEST(error_code_of([&] { tokens.verify(token, now + AccessTokens::lifetime); }) == "token_expired");

    std::vector<unsigned char> other_secret(32, 0x5b);
    AccessTokens other(other_secret);
    BOOST_TEST(error_code_of([&] { other.verify(token, now); }) == "invalid_credential");
    // Another client id under the same MAC is refused: the MAC covers the id.
    auto raw = decode_base64url(token).value();
    raw[10] ^= 1;
    BOOST_TEST(error_code_of([&] { tokens.verify(encode_base64url(raw), now); }) == "invalid_credential");
    BOOST_TEST(error_code_of([&] { tokens.verify("not a token", now); }) == "invalid_credential");
    BOOST_TEST(error_code_of([&] { tokens.verify(token.substr(0, token.size() - 2), now); }) == "invalid_credential");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(text_codecs)

BOOST_AUTO_TEST_CASE(utf8_validation_follows_rfc3629) {
    for (const std::string& good : std::vector<std::string>{"", "ascii", "Đà Nẵng", "Phiếu kết quả", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                             "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", std::string("nul\0inside", 10)})
        BOOST_TEST(is_valid_utf8(good), good);
    for (const std::string& bad : std::vector<std::string>{"\xff", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf", "\xf0\x80\x80\xaf",
                            "\xf0\x8f\xbf\xbf", "\x80", "a\xbf", "\xc3", "\xe1\x80", "\xed\xa0\x80", "\xed\xbf\xbf",
                            "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xc3\x28"})
        BOOST_TEST(!is_valid_utf8(bad), escape_invalid_utf8(bad));
}

BOOST_AUTO_TEST_CASE(escaping_keeps_valid_text_and_names_each_bad_byte) {
    BOOST_TEST(escape_invalid_utf8("Đà Nẵng") == "Đà Nẵng");
    BOOST_TEST(escape_invalid_utf8("/api/\xff/pdf") == "/api/\\xFF/pdf");
    BOOST_TEST(escape_invalid_utf8("\xc0\xaf..") == "\\xC0\\xAF..");
    BOOST_TEST(escape_invalid_utf8("\xed\xa0\x80x") == "\\xED\\xA0\\x80x");
    BOOST_TEST(escape_invalid_utf8("\xe1\x80") == "\\xE1\\x80");
    BOOST_TEST(is_valid_utf8(escape_invalid_utf8("\xf8\x88\x80\x80\x80 Đ \xc3")));
}

BOOST_AUTO_TEST_CASE(percent_decoding_refuses_broken_escapes) {
    BOOST_TEST(percent_decode("%C4%90%c3%a0+N").value() == "Đà+N");
    BOOST_TEST(percent_decode("%C4%90%c3%a0+N", {.plus_is_space = true}).value() == "Đà N");
    BOOST_TEST(percent_decode("%ff").value() == "\xff");
    for (std::string broken : {"%", "%4", "%zz", "a%g0", "%%41"}) BOOST_TEST(!percent_decode(broken).has_value(), broken);
}

BOOST_AUTO_TEST_CASE(request_targets_that_are_not_utf8_are_refused) {
    BOOST_TEST(parse_request_target("/open?name=%C4%90%C3%A0+N%E1%BA%B5ng")->query.at("name") == "Đà Nẵng");
    for (std::string target : {"/%ff", "/\xff", "/app/..%c0%af..%c0%afetc/passwd", "/x?a=%ed%a0%80", "/x?%c3=1",
                               "/x?a=\xc3\x28", "/%00"})
        BOOST_TEST(!parse_request_target(target).has_value(), escape_invalid_utf8(target));
}

BOOST_AUTO_TEST_SUITE_END()
