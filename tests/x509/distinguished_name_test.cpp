// Distinguished names: RFC 4514 text in, UTF8String DER out, and back byte for byte.

#include <boost/test/unit_test.hpp>

#include "error_code.h"
#include "sign/distinguished_name.h"
#include "sign/error.h"
#include "test_pki.h"

using sign::DistinguishedName;

using sign::test::error_code_of;

BOOST_AUTO_TEST_SUITE(distinguished_name)

BOOST_AUTO_TEST_CASE(vietnamese_name_round_trips_through_a_certificate) {
    auto& pki = sign::test::TestPki::shared();
    const std::string& text = sign::test::subjects::leader;
    const auto& issued = pki.leaves.at("leader").certificate;
    // Through PEM and back, as a relying party would read it.
    sign::Certificate reparsed = sign::Certificate::from_pem(issued.to_pem());
    BOOST_TEST(reparsed.subject().to_string() == text);
    BOOST_TEST(DistinguishedName::parse(text).to_string() == text);
    BOOST_TEST(reparsed.subject().get("title").value() == "Phó Giám đốc");
    BOOST_TEST(reparsed.subject().get("uid").value() == "CCCD:048090001234");

    // Each value must appear in the subject's DER as UTF8String (0x0C) or, for C, PrintableString (0x13).
    X509_NAME* subject = X509_get_subject_name(reparsed.native());
    unsigned char* der = nullptr;
    int der_length = i2d_X509_NAME(subject, &der);
    std::string subject_der(reinterpret_cast<char*>(der), static_cast<size_t>(der_length));
    OPENSSL_free(der);
    auto encoded = [](unsigned char tag, const std::string& value) {
        std::string tlv(1, static_cast<char>(tag));
        tlv += static_cast<char>(value.size());  // all values here are shorter than 128 bytes
        return tlv + value;
    };
    auto name = DistinguishedName::parse(text);
    for (const char* attribute : {"CN", "title", "O", "L", "ST", "UID"})
        BOOST_TEST(subject_der.find(encoded(0x0C, *name.get(attribute))) != std::string::npos, attribute);
    BOOST_TEST(subject_der.find(encoded(0x13, "VN")) != std::string::npos);
    for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
        const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(subject, i)));
        BOOST_TEST(ASN1_STRING_type(value) == (nid == NID_countryName ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING));
    }
    // RFC 4514 order is reversed in DER: C first... CN near the end, UID last.
    BOOST_TEST(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(subject, 0))) == NID_userId);
    BOOST_TEST(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(subject, 1))) == NID_countryName);
    BOOST_TEST(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(subject, 6))) == NID_commonName);
}

BOOST_AUTO_TEST_CASE(escapes_spaces_and_case) {
    auto name = DistinguishedName::parse(R"( cn = Lê\, Văn\+B\\C\=D ,o=  Sở Nội vụ  ,c=VN)");
    BOOST_TEST(name.get("CN").value() == R"(Lê, Văn+B\C=D)");
    BOOST_TEST(name.get("O").value() == "Sở Nội vụ");
    BOOST_TEST(name.to_string() == R"(CN=Lê\, Văn\+B\\C=D,O=Sở Nội vụ,C=VN)");
    BOOST_TEST((DistinguishedName::parse(name.to_string()) == name));
    // Escaped edge spaces and a leading '#' survive.
    auto spaced = DistinguishedName::parse(R"(CN=\ x\ ,OU=\#1,C=VN)");
    BOOST_TEST(spaced.get("CN").value() == " x ");
    BOOST_TEST(spaced.get("OU").value() == "#1");
    BOOST_TEST((DistinguishedName::parse(spaced.to_string()) == spaced));
    // Hex escapes give UTF-8 bytes.
    BOOST_TEST(DistinguishedName::parse(R"(CN=\C4\90\C3\A0,C=VN)").get("CN").value() == "Đà");
}

BOOST_AUTO_TEST_CASE(aliases_oids_and_multi_valued_rdns) {
    auto name = DistinguishedName::parse("commonName=A+userId=B,E=a@danang.gov.vn,2.5.4.10=Org,1.2.3.4=x,C=VN");
    BOOST_TEST(name.to_string() == "CN=A+UID=B,emailAddress=a@danang.gov.vn,O=Org,1.2.3.4=x,C=VN");
    BOOST_TEST(name.rdns().front().size() == 2u);
    auto back = DistinguishedName::from_x509(name.to_x509().get());
    BOOST_TEST(back.get("emailAddress").value() == "a@danang.gov.vn");
    BOOST_TEST(back.get("1.2.3.4").value() == "x");
    BOOST_TEST(back.rdns().size() == 5u);
    sign::X509NamePtr x509 = name.to_x509();
    int email = X509_NAME_get_index_by_NID(x509.get(), NID_pkcs9_emailAddress, -1);
    BOOST_TEST(ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(x509.get(), email))) == V_ASN1_IA5STRING);
}

BOOST_AUTO_TEST_CASE(bad_names_are_refused) {
    auto parse = [](std::string text) { return error_code_of([&] { DistinguishedName::parse(text); }); };
    BOOST_TEST(parse("") == "invalid_name");
    BOOST_TEST(parse("CN=,C=VN") == "invalid_name");
    BOOST_TEST(parse("CN=  ,C=VN") == "invalid_name");
    BOOST_TEST(parse("Foo=bar") == "unknown_attribute");
    BOOST_TEST(parse("CN=x,C=VNM") == "invalid_name");
    BOOST_TEST(parse("CN=x,C=V1") == "invalid_name");
    BOOST_TEST(parse("CN=x,C=vn") == "invalid_name");
    BOOST_TEST(parse("CN=\xff\xfe") == "invalid_name");
    BOOST_TEST(parse("CN=\xc0\xaf") == "invalid_name");  // overlong '/'
    BOOST_TEST(parse("CN=a\\") == "invalid_name");
    BOOST_TEST(parse("CN=a\\q") == "invalid_name");
    BOOST_TEST(parse("CN=a,") == "invalid_name");
    BOOST_TEST(parse("CN") == "invalid_name");
    BOOST_TEST(parse("emailAddress=người@danang.gov.vn") == "invalid_name");
    BOOST_TEST(parse("CN=" + std::string(65, 'a')) == "invalid_name");
    BOOST_TEST(parse("CN=" + std::string(64, 'a')) == "no error");
}

BOOST_AUTO_TEST_SUITE_END()
