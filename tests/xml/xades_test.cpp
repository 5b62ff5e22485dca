// XAdES B-B, enveloped and detached, made with the test PKI's keys on its SoftHSM2 token and
// checked by xmlsec1; the hash-split; Vietnamese text; refusal of bad input.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <tuple>

#include <openssl/x509.h>

#include "error_code.h"
#include "sign/utc_time.h"
#include "sign/xades.h"
#include "temp_dir.h"
#include "token_pki.h"
#include "xades_support.h"

using namespace sign;
using namespace sign::test;

namespace {

struct Case {
    std::string label;
    SignatureScheme scheme;
    std::string method;  // the XML-DSig SignatureMethod it must produce
};

const std::vector<Case> cases = {
    {"leader", SignatureScheme::rsa_pkcs1v15, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"},
    {"citizen", SignatureScheme::ecdsa, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"},
};

XadesOptions detached(const std::string& uri) {
    XadesOptions options;
    options.packaging = XadesPackaging::detached;
    options.detached_uri = uri;
    return options;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

// The base64 of a certificate's DER: its PEM body without armour and line breaks.
std::string der_base64(const Certificate& certificate) {
    std::string body;
    std::string pem = certificate.to_pem();
    for (size_t line = 0; line < pem.size();) {
        size_t end = pem.find('\n', line);
        std::string text = pem.substr(line, end - line);
        if (!text.starts_with("-----")) body += text;
        line = end == std::string::npos ? pem.size() : end + 1;
    }
    return body;
}

// The text between `<tag` ... `>` and `</tag>` at its first occurrence.
std::string element_text(const std::string& document, const std::string& tag) {
    auto open = document.find("<" + tag);
    if (open == std::string::npos) return {};
    auto start = document.find('>', open) + 1;
    return document.substr(start, document.find("</" + tag + ">", start) - start);
}

// A CA database that knows one serial, as revoked.
class RevokedRegistry final : public CertificateRegistry {
public:
    explicit RevokedRegistry(std::string serial) : serial_(std::move(serial)) {}
    bool serial_exists(const std::string& serial) const override { return serial == serial_; }
    CertificateStatus status(const std::string& serial) const override {
        CertificateStatus status;
        if (serial == serial_) {
            status.state = CertificateStatus::State::revoked;
            status.reason = RevocationReason::key_compromise;
        }
        return status;
    }

private:
    std::string serial_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(xades)

BOOST_AUTO_TEST_CASE(enveloped_b_b_verifies_with_xmlsec_and_detects_tampering) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    auto clock = signing_clock();
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.label) {
            Signer signer = pki.signer(c.label, c.scheme);
            auto signed_document = sign_xades(signer, sample("application-form.xml"), {}, clock, nullptr);
            std::string text = text_of(signed_document);
            auto file = dir / (c.label + "-enveloped.xml");
            write_bytes(file, signed_document);

            auto result = xmlsec_verify(file);
            BOOST_TEST(verified(result), result.output);

            BOOST_TEST(contains(text, "<ds:Reference Id=\""));
            BOOST_TEST(contains(text, "URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
                                      "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>"));
            BOOST_TEST(contains(text, "<ds:SignatureMethod Algorithm=\"" + c.method + "\"/>"));
            BOOST_TEST(contains(text, "Type=\"http://uri.etsi.org/01903#SignedProperties\""));
            BOOST_TEST(element_text(text, "xades:SigningTime") == format_utc(clock.now()));
            // The signer's certificate and the issuing CA, not the root.
            BOOST_TEST(count(text, "<ds:X509Certificate>") == 2u);
            BOOST_TEST(contains(text, "<ds:X509Certificate>" + der_base64(pki.certificate(c.label)) + "</ds:X509Certificate>"));
            BOOST_TEST(contains(text, "<ds:X509Certificate>" + der_base64(pki.certificate("issuing-ca")) + "</ds:X509Certificate>"));
            BOOST_TEST(!contains(text, der_base64(pki.certificate("root-ca"))));

            // One character of the signed content changed: the reference digest no longer matches.
            auto tampered = dir / (c.label + "-enveloped-tampered.xml");
            write_bytes(tampered, bytes_of(replaced(text, "Trần Thị Bích Ngọc", "Trần Thị Bích Ngọt")));
            auto refused = xmlsec_verify(tampered);
            BOOST_TEST(!verified(refused), refused.output);
            BOOST_TEST(contains(refused.output, "FAIL"), refused.output);

            // A changed signing time breaks the SignedProperties reference.
            auto retimed = dir / (c.label + "-enveloped-retimed.xml");
            write_bytes(retimed, bytes_of(replaced(text, format_utc(clock.now()), "2020-01-01T00:00:00Z")));
            BOOST_TEST(!verified(xmlsec_verify(retimed)));
        }
    }
}

BOOST_AUTO_TEST_CASE(detached_b_b_verifies_with_xmlsec_and_detects_tampering) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    auto clock = signing_clock();
    // Any file: here bytes that are not XML at all.
    std::vector<uint8_t> content = bytes_of("%PDF-1.7\n\xe2\x80\x9c\xc4\x90\xc6\xa1n \xc4\x91\xe1\xbb\x81 ngh\xe1\xbb\x8b\xe2\x80\x9d\n%%EOF\n");
    content.push_back(0);
    content.push_back(0xff);
    auto content_file = dir / "don-de-nghi.pdf";
    write_bytes(content_file, content);
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.label) {
            Signer signer = pki.signer(c.label, c.scheme);
            auto signature = sign_xades(signer, content, detached("don-de-nghi.pdf"), clock, nullptr);
            std::string text = text_of(signature);
            BOOST_TEST(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ds:Signature "));
            BOOST_TEST(contains(text, "URI=\"don-de-nghi.pdf\""));
            BOOST_TEST(contains(text, "<xades:MimeType>application/octet-stream</xades:MimeType>"));
            auto file = dir / (c.label + "-detached.xml");
            write_bytes(file, signature);

            auto result = xmlsec_verify(file, "don-de-nghi.pdf", content_file);
            BOOST_TEST(verified(result), result.output);

            // One byte of the signed file changed.
            auto changed = content;
            changed[1] = 'Q';
            auto changed_file = dir / "changed.pdf";
            write_bytes(changed_file, changed);
            auto refused = xmlsec_verify(file, "don-de-nghi.pdf", changed_file);
            BOOST_TEST(!verified(refused), refused.output);
            BOOST_TEST(contains(refused.output, "FAIL"), refused.output);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_percent_encoded_file_name_is_kept_as_given) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    const std::string uri = "%C4%91%C6%A1n%20%C4%91%E1%BB%81%20ngh%E1%BB%8B.xml";  // "đơn đề nghị.xml"
    auto content = sample("application-form.xml");
    write_bytes(dir / "đơn đề nghị.xml", content);
    Signer citizen = pki.signer("citizen");
    auto signature = sign_xades(citizen, content, detached(uri), signing_clock(), nullptr);
    BOOST_TEST(contains(text_of(signature), "URI=\"" + uri + "\""));
    write_bytes(dir / "signature.xml", signature);
    // xmlsec1 decodes the URI before it looks in its URL map.
    auto result = xmlsec_verify(dir / "signature.xml", "đơn đề nghị.xml", dir / "đơn đề nghị.xml");
    BOOST_TEST(verified(result), result.output);
}

BOOST_AUTO_TEST_CASE(sha384_and_sha512_verify_too) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    for (auto [label, scheme, digest, method] :
         {std::tuple{"leader", SignatureScheme::rsa_pkcs1v15, "sha384", "rsa-sha384"},
          std::tuple{"citizen", SignatureScheme::ecdsa, "sha512", "ecdsa-sha512"}}) {
        BOOST_TEST_CONTEXT(method) {
            Signer signer = pki.signer(label, scheme, digest);
            std::string text = text_of(sign_xades(signer, sample("application-form.xml"), {}, signing_clock(), nullptr));
            BOOST_TEST(contains(text, std::string("<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#") + method + "\"/>"));
            write_bytes(dir / "signed.xml", bytes_of(text));
            auto result = xmlsec_verify(dir / "signed.xml");
            BOOST_TEST(verified(result), result.output);
        }
    }
}

BOOST_AUTO_TEST_CASE(signing_certificate_v2_names_the_signer) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    Signer signer = pki.signer("citizen");
    std::string text = text_of(sign_xades(signer, sample("application-form.xml"), {}, signing_clock(), nullptr));

    // CertDigest: SHA-256 of the certificate's DER.
    std::string digest_b64 = element_text(element_text(text, "xades:CertDigest"), "ds:DigestValue");
    auto der = signer.certificate.to_der();
    write_bytes(dir / "cert.der", der);
    auto fingerprint = openssl({"dgst", "-sha256", "-binary", "-out", (dir / "cert.sha256").string(), (dir / "cert.der").string()});
    BOOST_REQUIRE(fingerprint.exit_code == 0);
    auto base64 = openssl({"base64", "-A", "-in", (dir / "cert.sha256").string()});
    BOOST_TEST(base64.output == digest_b64);

    // IssuerSerialV2: DER IssuerSerial with the issuing CA's name and the certificate's serial.
    write_bytes(dir / "issuer-serial.b64", bytes_of(element_text(text, "xades:IssuerSerialV2") + "\n"));
    BOOST_REQUIRE(openssl({"base64", "-d", "-A", "-in", (dir / "issuer-serial.b64").string(), "-out", (dir / "issuer-serial.der").string()}).exit_code == 0);
    auto parsed = openssl({"asn1parse", "-inform", "DER", "-i", "-in", (dir / "issuer-serial.der").string()});
    BOOST_TEST(parsed.exit_code == 0, parsed.output);
    BOOST_TEST(contains(parsed.output, "cont [ 4 ]"), parsed.output);
    std::string serial = signer.certificate.serial_hex();
    for (auto& ch : serial) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    BOOST_TEST(contains(parsed.output, "INTEGER           :" + serial), parsed.output);
    // ... and the issuer is the issuing CA's subject, byte for byte.
    auto issuer_serial = read_bytes(dir / "issuer-serial.der");
    Certificate issuing_ca = pki.certificate("issuing-ca");
    X509_NAME* issuer = X509_get_subject_name(issuing_ca.native());
    unsigned char* name_der = nullptr;
    int name_length = i2d_X509_NAME(issuer, &name_der);
    BOOST_REQUIRE(name_length > 0);
    std::vector<uint8_t> name(name_der, name_der + name_length);
    OPENSSL_free(name_der);
    BOOST_TEST((std::search(issuer_serial.begin(), issuer_serial.end(), name.begin(), name.end()) != issuer_serial.end()));
}

BOOST_AUTO_TEST_CASE(hash_split_gives_the_same_bytes_as_one_shot) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    auto clock = signing_clock();
    auto document = sample("application-form.xml");

    // RSA PKCS#1 v1.5 is deterministic: the split path reproduces the one-shot output exactly.
    Signer leader = pki.signer("leader", SignatureScheme::rsa_pkcs1v15);
    auto one_shot = sign_xades(leader, document, {}, clock, nullptr);
    PreparedSignature prepared = prepare_xades(leader, document, {}, clock);
    BOOST_TEST(prepared.digest.size() == 32u);
    BOOST_TEST(prepared.digest_name == "sha256");
    auto value = sign_digest(leader.key, prepared.scheme, prepared.digest_name, prepared.digest);
    auto split = finalize_xades(prepared, value, nullptr);
    BOOST_TEST(split == one_shot);

    // ECDSA is randomised: the same prepared state and the same value give the same bytes, and
    // preparing again gives the same digest and state.
    Signer citizen = pki.signer("citizen");
    auto options = detached("application-form.xml");
    PreparedSignature first = prepare_xades(citizen, document, options, clock);
    PreparedSignature second = prepare_xades(citizen, document, options, clock.now());
    BOOST_TEST(first.digest == second.digest);
    BOOST_TEST(first.state == second.state);
    auto ecdsa_value = sign_digest(citizen.key, first.scheme, first.digest_name, first.digest);
    auto a = finalize_xades(first, ecdsa_value, nullptr);
    auto b = finalize_xades(second, ecdsa_value, nullptr);
    BOOST_TEST(a == b);
    write_bytes(dir / "split.xml", a);
    write_bytes(dir / "application-form.xml", document);
    auto result = xmlsec_verify(dir / "split.xml", "application-form.xml", dir / "application-form.xml");
    BOOST_TEST(verified(result), result.output);
    // XML-DSig's raw r||s for P-256: 64 bytes, 88 base64 characters.
    BOOST_TEST(element_text(text_of(a), "ds:SignatureValue").size() == 88u);
}

BOOST_AUTO_TEST_CASE(a_signature_value_for_something_else_is_refused) {
    auto& pki = TokenPki::shared();
    auto clock = signing_clock();
    Signer leader = pki.signer("leader", SignatureScheme::rsa_pkcs1v15);
    PreparedSignature prepared = prepare_xades(leader, sample("application-form.xml"), {}, clock);
    auto other = prepared.digest;
    other[0] ^= 1;
    auto wrong = sign_digest(leader.key, prepared.scheme, prepared.digest_name, other);
    BOOST_TEST(error_code_of([&] { finalize_xades(prepared, wrong, nullptr); }) == "signature_value_mismatch");

    PreparedSignature damaged = prepared;
    damaged.state.resize(damaged.state.size() / 2);
    auto right = sign_digest(leader.key, prepared.scheme, prepared.digest_name, prepared.digest);
    BOOST_TEST(error_code_of([&] { finalize_xades(damaged, right, nullptr); }) != "no error");
    PreparedSignature garbage = prepared;
    garbage.state = bytes_of("not a state");
    BOOST_TEST(error_code_of([&] { finalize_xades(garbage, right, nullptr); }) == "invalid_prepared_state");
}

BOOST_AUTO_TEST_CASE(vietnamese_text_survives_signing) {
    auto& pki = TokenPki::shared();
    Signer citizen = pki.signer("citizen");
    std::string original = text_of(sample("application-form.xml"));
    std::string signed_text = text_of(sign_xades(citizen, bytes_of(original), {}, signing_clock(), nullptr));
    for (const std::string phrase :
         {"Trần Thị Bích Ngọc", "Cấp giấy phép xây dựng đối với công trình nhà ở riêng lẻ", "donVi=\"m²\"",
          "phường Hòa Khánh Bắc, quận Liên Chiểu", "Tôi xin cam đoan những nội dung kê khai trên là đúng sự thật",
          "gia đình &amp; cho thuê tầng trệt làm cửa hàng \"tạp hóa\"",
          "<!-- Đơn đề nghị cấp giấy phép xây dựng, nộp qua Cổng dịch vụ công thành phố Đà Nẵng -->"})
        BOOST_TEST(contains(signed_text, phrase), phrase);
    BOOST_TEST(!contains(signed_text, "&#"));
    // Everything before the signature is the original document, byte for byte after the declaration.
    auto body_start = original.find("<!--");
    auto signature_start = signed_text.find("<ds:Signature ");
    BOOST_REQUIRE(signature_start != std::string::npos);
    std::string before_signature = signed_text.substr(signed_text.find("<!--"), signature_start - signed_text.find("<!--"));
    BOOST_TEST(before_signature == original.substr(body_start, original.rfind("</DonDeNghi>") - body_start));
}

BOOST_AUTO_TEST_CASE(leader_then_agency_seal_the_seal_signs_detached) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    auto clock = signing_clock();
    Signer leader = pki.signer("leader", SignatureScheme::rsa_pkcs1v15);
    Signer seal = pki.signer("agency-seal", SignatureScheme::rsa_pkcs1v15);
    auto signed_by_leader = sign_xades(leader, sample("application-form.xml"), {}, clock, nullptr);
    write_bytes(dir / "don-de-nghi.xml", signed_by_leader);

    // A second enveloped signature would break the leader's: refused, nothing produced.
    std::string message;
    BOOST_TEST(error_code_of([&] { sign_xades(seal, signed_by_leader, {}, clock, nullptr); }, &message) == "document_already_signed");
    BOOST_TEST(contains(message, "detached"), message);

    // The seal signs the leader-signed document detached; both verify.
    auto seal_signature = sign_xades(seal, signed_by_leader, detached("don-de-nghi.xml"), clock, nullptr);
    write_bytes(dir / "don-de-nghi.xml.seal.xml", seal_signature);
    auto leader_check = xmlsec_verify(dir / "don-de-nghi.xml");
    BOOST_TEST(verified(leader_check), leader_check.output);
    auto seal_check = xmlsec_verify(dir / "don-de-nghi.xml.seal.xml", "don-de-nghi.xml", dir / "don-de-nghi.xml");
    BOOST_TEST(verified(seal_check), seal_check.output);
}

BOOST_AUTO_TEST_CASE(a_utf16_document_is_signed_and_comes_out_as_utf8) {
    auto& pki = TokenPki::shared();
    TempDir dir("xades");
    std::string utf8 = replaced(text_of(sample("application-form.xml")), "encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    write_bytes(dir / "form-utf8.xml", bytes_of(utf8));
    auto converted = run_command({"iconv", "-f", "UTF-8", "-t", "UTF-16", "-o", (dir / "form-utf16.xml").string(),
                                  (dir / "form-utf8.xml").string()});
    BOOST_REQUIRE(converted.exit_code == 0);
    auto utf16 = read_bytes(dir / "form-utf16.xml");
    BOOST_REQUIRE(utf16.size() > utf8.size());

    Signer citizen = pki.signer("citizen");
    std::string signed_text = text_of(sign_xades(citizen, utf16, {}, signing_clock(), nullptr));
    BOOST_TEST(signed_text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    BOOST_TEST(contains(signed_text, "<HoTen>Trần Thị Bích Ngọc</HoTen>"));
    write_bytes(dir / "signed.xml", bytes_of(signed_text));
    auto result = xmlsec_verify(dir / "signed.xml");
    BOOST_TEST(verified(result), result.output);
}

BOOST_AUTO_TEST_CASE(non_xml_input_is_refused) {
    auto& pki = TokenPki::shared();
    Signer citizen = pki.signer("citizen");
    auto clock = signing_clock();
    std::string message;
    auto png = read_bytes(pki.path("images/agency-seal.png"));
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, png, {}, clock, nullptr); }, &message) == "not_xml");
    BOOST_TEST(contains(message, "the document is not well-formed XML"), message);
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, {}, {}, clock, nullptr); }) == "not_xml");
    auto truncated = sample("application-form.xml");
    truncated.resize(truncated.size() - 20);
    BOOST_TEST(error_code_of([&] { prepare_xades(citizen, truncated, {}, clock); }, &message) == "not_xml");
    BOOST_TEST(contains(message, "line "), message);
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, bytes_of("just some text"), {}, clock, nullptr); }) == "not_xml");
}

BOOST_AUTO_TEST_CASE(documents_with_a_dtd_are_refused) {
    auto& pki = TokenPki::shared();
    Signer citizen = pki.signer("citizen");
    auto clock = signing_clock();
    TempDir dir("xades");
    write_bytes(dir / "secret.txt", bytes_of("BI-MAT-KHONG-DUOC-LO"));
    std::string file_uri = "file://" + (dir / "secret.txt").string();

    std::string external = "<?xml version=\"1.0\"?>\n<!DOCTYPE don [<!ENTITY xxe SYSTEM \"" + file_uri +
                           "\">]>\n<don Id=\"a\">&xxe;</don>\n";
    std::string message;
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, bytes_of(external), {}, clock, nullptr); }, &message) == "xml_dtd_refused");
    BOOST_TEST(!contains(message, "BI-MAT"));
    BOOST_TEST(contains(message, "DTD"), message);

    std::string parameter = "<?xml version=\"1.0\"?>\n<!DOCTYPE don [<!ENTITY % p SYSTEM \"" + file_uri + "\"> %p;]>\n<don/>\n";
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, bytes_of(parameter), {}, clock, nullptr); }, &message) == "xml_dtd_refused");
    BOOST_TEST(!contains(message, "BI-MAT"));

    std::string network = "<!DOCTYPE don SYSTEM \"http://127.0.0.1:9/don.dtd\"><don/>";
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, bytes_of(network), {}, clock, nullptr); }) == "xml_dtd_refused");

    std::string laughs = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                         "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>";
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, bytes_of(laughs), {}, clock, nullptr); }) == "xml_dtd_refused");
}

BOOST_AUTO_TEST_CASE(unsupported_requests_are_refused_before_signing) {
    auto& pki = TokenPki::shared();
    auto clock = signing_clock();
    auto document = sample("application-form.xml");
    std::string message;

    Signer pss = pki.signer("leader", SignatureScheme::rsa_pss);
    BOOST_TEST(error_code_of([&] { sign_xades(pss, document, {}, clock, nullptr); }, &message) == "unsupported_scheme_for_format");
    BOOST_TEST(contains(message, "RSA-PSS"), message);

    Signer citizen = pki.signer("citizen");
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, document, detached(""), clock, nullptr); }) == "detached_uri_required");
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, document, detached("đơn đề nghị.pdf"), clock, nullptr); }) == "invalid_detached_uri");
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, document, detached("#don-2026-000123"), clock, nullptr); }) == "invalid_detached_uri");
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, document, detached("don%2"), clock, nullptr); }) == "invalid_detached_uri");

    XadesOptions b_t;
    b_t.level = SignatureLevel::b_t;
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, document, b_t, clock, nullptr); }) == "timestamp_source_required");

    XadesOptions taken;
    taken.signature_id = "don-2026-000123";  // the root element's Id
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, document, taken, clock, nullptr); }) == "signature_id_in_use");

    Signer sha1 = pki.signer("citizen", std::nullopt, "sha1");
    BOOST_TEST(error_code_of([&] { sign_xades(sha1, document, {}, clock, nullptr); }) == "weak_digest");

    // The agency seal's certificate with the citizen's key.
    Signer mismatched = pki.signer("citizen");
    mismatched.certificate = pki.certificate("agency-seal");
    BOOST_TEST(error_code_of([&] { sign_xades(mismatched, document, {}, clock, nullptr); }) == "key_certificate_mismatch");

    // A signing time before the certificate existed.
    FixedClock too_early(citizen.certificate.not_before() - std::chrono::hours(24));
    BOOST_TEST(error_code_of([&] { sign_xades(citizen, document, {}, too_early, nullptr); }) == "certificate_not_yet_valid");

    // Revoked in our CA database.
    RevokedRegistry registry(citizen.certificate.serial_hex());
    XadesOptions checked;
    checked.registry = &registry;
    BOOST_TEST(error_code_of([&] { prepare_xades(citizen, document, checked, clock); }) == "certificate_revoked");
    Signer leader = pki.signer("leader", SignatureScheme::rsa_pkcs1v15);
    BOOST_TEST(prepare_xades(leader, document, checked, clock).digest.size() == 32u);
}

BOOST_AUTO_TEST_SUITE_END()
