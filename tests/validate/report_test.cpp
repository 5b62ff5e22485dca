// The reports: the Vietnamese text with Circular 15's seven fields, English, and JSON.

#include <boost/test/unit_test.hpp>

#include "sign/utc_time.h"
#include "validate_fixture.h"

namespace sign::test {

BOOST_AUTO_TEST_SUITE(reports)

BOOST_AUTO_TEST_CASE(vietnamese_report_has_the_seven_fields_with_the_right_values) {
    auto& fixture = ValidatePki::shared();
    // A leader of a city department, with diacritics in UTF8String and a CCCD in UID.
    IssuedLeaf leaf = fixture.issue(
        "CN=Đặng Thị Hương,title=Chánh Văn phòng,OU=Văn phòng Sở,O=Sở Tư pháp thành phố Đà Nẵng,L=Đà Nẵng,C=VN,UID=CCCD:001099012345",
        "rsa-2048", {}, "leader");
    auto document = bytes_of("Tờ trình số 45/TTr-STP.\n");
    auto signature = sign_with_libsign(fixture.signer(leaf, SignatureScheme::rsa_pss), document, true, true);
    auto options = fixture.options();
    auto report = validate::validate_cms(signature, validate::SignedContent::detached(document), options);
    const auto& signed_one = only(report);
    BOOST_REQUIRE(signed_one.indication == validate::MainIndication::total_passed);
    std::string text = report.to_text();
    BOOST_TEST_MESSAGE(text);

    BOOST_TEST(text.find("Kết luận: hợp lệ") != std::string::npos);
    // 1. the issuing CA
    BOOST_TEST(text.find("1. Tổ chức cung cấp dịch vụ chứng thực chữ ký số (CA cấp chứng thư): Đà Nẵng Issuing CA 1 (TEST) (Ủy ban nhân dân thành phố Đà Nẵng)") !=
               std::string::npos);
    // 2. the signer: name, CCCD, title
    BOOST_TEST(text.find("2. Người ký: Đặng Thị Hương; số định danh: CCCD:001099012345; chức danh: Chánh Văn phòng") != std::string::npos);
    // 3. the unit managing the certificate
    BOOST_TEST(text.find("3. Đơn vị quản lý chứng thư số: Văn phòng Sở, Sở Tư pháp thành phố Đà Nẵng") != std::string::npos);
    // 4. signing time and time-stamp, in +07:00
    BOOST_REQUIRE(signed_one.claimed_signing_time && signed_one.timestamps.size() == 1 && signed_one.timestamps[0].generation_time);
    BOOST_TEST(text.find("4. Thời điểm ký: " + format_utc(*signed_one.claimed_signing_time, UtcFormat::vietnam) + " (do người ký khai); dấu thời gian: " +
                         format_utc(*signed_one.timestamps[0].generation_time, UtcFormat::vietnam) + " (hợp lệ") != std::string::npos);
    BOOST_TEST(format_utc(*signed_one.claimed_signing_time, UtcFormat::vietnam).ends_with("+07:00"));
    // 5. integrity
    BOOST_TEST(text.find("5. Tính toàn vẹn của dữ liệu được ký: toàn vẹn, không bị thay đổi sau khi ký") != std::string::npos);
    // 6. validity at signing time
    BOOST_TEST(text.find("6. Hiệu lực của chữ ký số tại thời điểm ký: hợp lệ (xét tại " +
                         format_utc(*signed_one.timestamps[0].generation_time, UtcFormat::vietnam) + ", theo dấu thời gian)") != std::string::npos);
    // 7. the certificate's validity period, in +07:00
    BOOST_TEST(text.find("7. Thời hạn hiệu lực của chứng thư số: từ " + format_utc(leaf.certificate.not_before(), UtcFormat::vietnam) + " đến " +
                         format_utc(leaf.certificate.not_after(), UtcFormat::vietnam)) != std::string::npos);

    std::string english = report.to_text(validate::Language::english);
    BOOST_TEST(english.find("Verdict: valid (TOTAL-PASSED)") != std::string::npos);
    BOOST_TEST(english.find("2. Signer: Đặng Thị Hương; identifier: CCCD:001099012345; title: Chánh Văn phòng") != std::string::npos);

    // A tampered document: "không hợp lệ", with the integrity field saying so.
    auto tampered = bytes_of("Tờ trình số 46/TTr-STP.\n");
    auto failed = validate::validate_cms(signature, validate::SignedContent::detached(tampered), options);
    std::string failed_text = failed.to_text();
    BOOST_TEST(failed_text.find("Kết luận: không hợp lệ (TOTAL-FAILED)") != std::string::npos);
    BOOST_TEST(failed_text.find("5. Tính toàn vẹn của dữ liệu được ký: đã bị thay đổi sau khi ký") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_report_carries_indications_chain_and_revocation_sources) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    auto document = bytes_of("Công văn số 7/UBND.\n");
    auto signature = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true);
    auto options = fixture.options();
    auto json = validate::validate_cms(signature, validate::SignedContent::detached(document), options).to_json();
    BOOST_TEST(json["indication"] == "TOTAL-PASSED");
    BOOST_TEST(json["offline"] == true);
    const auto& one = json["signatures"][0];
    BOOST_TEST(one["indication"] == "TOTAL-PASSED");
    BOOST_TEST(one["subIndication"].is_null());
    BOOST_TEST(one["level"] == "CAdES-BASELINE-B");
    BOOST_TEST(one["signer"]["commonName"] == "Nguyễn Văn An");
    BOOST_TEST(one["signer"]["identifiers"][0] == "CCCD:048090001234");
    BOOST_TEST(one["signer"]["title"] == "Phó Giám đốc");
    BOOST_TEST(one["chain"].size() == 3u);
    BOOST_TEST(one["chain"][0]["source"] == "signature");
    BOOST_TEST(one["chain"][2]["trustAnchor"] == true);
    BOOST_TEST(one["chain"][2]["source"] == "local");
    BOOST_TEST(one["revocation"][0]["type"] == "crl");
    BOOST_TEST(one["revocation"][0]["source"] == "supplied");
    BOOST_TEST(one["bestSignatureTimeProven"] == false);
    BOOST_TEST(std::string(one["claimedSigningTime"]).ends_with("Z"));

    auto tampered = validate::validate_cms(signature, validate::SignedContent::detached(bytes_of("khác")), options).to_json();
    BOOST_TEST(tampered["indication"] == "TOTAL-FAILED");
    BOOST_TEST(tampered["signatures"][0]["subIndication"] == "HASH_FAILURE");
    BOOST_TEST(tampered["signatures"][0]["integrity"] == false);
}

BOOST_AUTO_TEST_CASE(vietnam_time_display_is_the_same_instant_plus_seven_hours) {
    auto instant = parse_utc("2026-11-27T20:15:42Z");
    BOOST_TEST(format_utc(instant) == "2026-11-27T20:15:42Z");
    BOOST_TEST(format_utc(instant, UtcFormat::vietnam) == "2026-11-28T03:15:42+07:00");
}

BOOST_AUTO_TEST_CASE(indications_round_trip_with_the_standard_spellings) {
    BOOST_TEST(validate::to_string(validate::MainIndication::total_passed) == "TOTAL-PASSED");
    BOOST_TEST(validate::to_string(validate::SubIndication::no_certificate_chain_found) == "NO_CERTIFICATE_CHAIN_FOUND");
    BOOST_TEST(validate::to_string(validate::SubIndication::crypto_constraints_failure_no_poe) == "CRYPTO_CONSTRAINTS_FAILURE_NO_POE");
    for (auto sub : {validate::SubIndication::format_failure, validate::SubIndication::try_later, validate::SubIndication::revoked_ca_no_poe})
        BOOST_TEST((validate::parse_sub_indication(validate::to_string(sub)) == sub));
    BOOST_TEST(!validate::parse_sub_indication("NOT_A_THING").has_value());
    BOOST_TEST((validate::main_indication_of(validate::SubIndication::hash_failure) == validate::MainIndication::total_failed));
    BOOST_TEST((validate::main_indication_of(validate::SubIndication::try_later) == validate::MainIndication::indeterminate));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sign::test
