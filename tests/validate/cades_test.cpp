// The EN 319 102-1 process over CAdES signatures made by libsign and by the openssl command,
// with openssl cms -verify as the second opinion on valid and tampered input.

#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <openssl/pem.h>

#include "sign/error.h"
#include "sign/ocsp_responder.h"

#include "validate_fixture.h"

namespace sign::test {
namespace {

using namespace std::chrono_literals;
using validate::SignedContent;
using validate::ValidationReport;

const std::vector<std::uint8_t> document = bytes_of("Quyết định số 123/QĐ-UBND về việc phê duyệt kế hoạch.\n");

// DER by hand, to put revocation data into a SignedData the way CAdES-BASELINE-LT carries it.
std::vector<std::uint8_t> tlv(std::uint8_t tag, const std::vector<std::uint8_t>& content) {
    std::vector<std::uint8_t> out{tag};
    if (content.size() < 0x80) {
        out.push_back(static_cast<std::uint8_t>(content.size()));
    } else {
        std::vector<std::uint8_t> length;
        for (std::size_t l = content.size(); l; l >>= 8) length.insert(length.begin(), static_cast<std::uint8_t>(l & 0xff));
        out.push_back(static_cast<std::uint8_t>(0x80 | length.size()));
        out.insert(out.end(), length.begin(), length.end());
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

// The content of one DER TLV and its children.
std::vector<std::uint8_t> content_of(const std::vector<std::uint8_t>& element) {
    std::size_t header = 2;
    if (element[1] & 0x80) header += element[1] & 0x7f;
    return {element.begin() + static_cast<std::ptrdiff_t>(header), element.end()};
}

std::vector<std::vector<std::uint8_t>> children_of(const std::vector<std::uint8_t>& content) {
    std::vector<std::vector<std::uint8_t>> out;
    std::size_t at = 0;
    while (at < content.size()) {
        std::size_t length = content[at + 1];
        std::size_t header = 2;
        if (length & 0x80) {
            std::size_t bytes = length & 0x7f;
            length = 0;
            for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | content[at + 2 + i];
            header += bytes;
        }
        out.emplace_back(content.begin() + static_cast<std::ptrdiff_t>(at), content.begin() + static_cast<std::ptrdiff_t>(at + header + length));
        at += header + length;
    }
    return out;
}

// Adds RevocationInfoChoices ([1]) before the SignerInfos: `crls` as CRL choices, `ocsp` as
// OtherRevocationInfoFormat id-ri-ocsp-response (RFC 5940).
std::vector<std::uint8_t> with_revocation_values(const std::vector<std::uint8_t>& content_info, const std::vector<std::vector<std::uint8_t>>& crls,
                                                 const std::vector<std::vector<std::uint8_t>>& ocsp) {
    auto outer = children_of(content_of(content_info));          // contentType, [0]
    auto fields = children_of(content_of(content_of(outer[1]))); // SignedData's fields
    std::vector<std::uint8_t> choices;
    for (const auto& crl : crls) choices.insert(choices.end(), crl.begin(), crl.end());
    const std::vector<std::uint8_t> ri_ocsp_response{0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x10, 0x02};
    for (const auto& response : ocsp) {
        std::vector<std::uint8_t> other = ri_ocsp_response;
        other.insert(other.end(), response.begin(), response.end());
        auto choice = tlv(0xa1, other);
        choices.insert(choices.end(), choice.begin(), choice.end());
    }
    std::vector<std::uint8_t> signed_data;
    for (std::size_t i = 0; i + 1 < fields.size(); ++i) signed_data.insert(signed_data.end(), fields[i].begin(), fields[i].end());
    auto revocation = tlv(0xa1, choices);
    signed_data.insert(signed_data.end(), revocation.begin(), revocation.end());
    signed_data.insert(signed_data.end(), fields.back().begin(), fields.back().end());
    std::vector<std::uint8_t> info = outer[0];
    auto wrapped = tlv(0xa0, tlv(0x30, signed_data));
    info.insert(info.end(), wrapped.begin(), wrapped.end());
    return tlv(0x30, info);
}

std::vector<std::uint8_t> ocsp_request_for(const Certificate& certificate, const Certificate& issuer) {
    OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_request_add0_id(request.get(), OCSP_cert_to_id(EVP_sha1(), certificate.native(), issuer.native()));
    std::vector<std::uint8_t> der(static_cast<std::size_t>(i2d_OCSP_REQUEST(request.get(), nullptr)));
    unsigned char* cursor = der.data();
    i2d_OCSP_REQUEST(request.get(), &cursor);
    return der;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cades_validation)

BOOST_AUTO_TEST_CASE(libsign_detached_attached_and_hash_only_pass_and_openssl_agrees) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    TempDir folder("validate");
    fixture.write_pem_files(leader, folder.path());
    auto options = fixture.options();

    auto detached = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true);
    ValidationReport report = validate::validate_cms(detached, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "TOTAL-PASSED");
    BOOST_TEST(only(report).level == "CAdES-BASELINE-B");
    BOOST_TEST(only(report).integrity.value_or(false));
    BOOST_TEST(only(report).chain.size() == 3u);
    BOOST_TEST(only(report).chain.back().trust_anchor);
    BOOST_TEST(only(report).chain[0].revocation_status == "good");
    BOOST_TEST(only(report).chain[1].revocation_status == "good");
    BOOST_TEST(openssl_cms_verify(folder.path(), detached, &document) == 0);
    // Zero padding after the CMS, as a PDF's /Contents carries it, is not an error.
    auto padded = detached;
    padded.resize(padded.size() + 512, 0);
    CHECK_VERDICT(validate::validate_cms(padded, SignedContent::detached(document), options), "TOTAL-PASSED");

    auto attached = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pkcs1v15), document, false);
    CHECK_VERDICT(validate::validate_cms(attached, SignedContent::attached(), options), "TOTAL-PASSED");
    BOOST_TEST(openssl_cms_verify(folder.path(), attached, nullptr) == 0);

    std::vector<std::uint8_t> digest(32);
    EVP_Digest(document.data(), document.size(), digest.data(), nullptr, EVP_sha256(), nullptr);
    CHECK_VERDICT(validate::validate_cms(detached, SignedContent::digest("sha256", digest), options), "TOTAL-PASSED");
    // A digest made with another algorithm than the signer's cannot be compared.
    ValidationReport wrong = validate::validate_cms(detached, SignedContent::digest("sha384", std::vector<std::uint8_t>(48)), options);
    CHECK_VERDICT(wrong, "INDETERMINATE/SIGNED_DATA_NOT_FOUND");
    // A digester over the content in two pieces, as a PDF ByteRange is read.
    auto pieces = SignedContent::digester([&](const std::string& digest_name) {
        EvpMdCtxPtr context(EVP_MD_CTX_new());
        EVP_DigestInit_ex(context.get(), EVP_get_digestbyname(digest_name.c_str()), nullptr);
        EVP_DigestUpdate(context.get(), document.data(), 10);
        EVP_DigestUpdate(context.get(), document.data() + 10, document.size() - 10);
        std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_CTX_get_size(context.get())));
        EVP_DigestFinal_ex(context.get(), out.data(), nullptr);
        return out;
    });
    CHECK_VERDICT(validate::validate_cms(detached, pieces, options), "TOTAL-PASSED");
    auto unreadable = SignedContent::digester([](const std::string&) -> std::vector<std::uint8_t> {
        throw Error(ErrorKind::invalid_input, "byte_range_outside_file", "the ByteRange points past the end of the file");
    });
    ValidationReport unread = validate::validate_cms(detached, unreadable, options);
    CHECK_VERDICT(unread, "INDETERMINATE/SIGNED_DATA_NOT_FOUND");
    BOOST_TEST(finding_text(only(unread), "signed_data_unreadable").find("ByteRange") != std::string::npos);
    // A detached signature validated as if attached has no content to check.
    CHECK_VERDICT(validate::validate_cms(detached, SignedContent::attached(), options), "INDETERMINATE/SIGNED_DATA_NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(ecdsa_with_sha3_and_pem_input_pass) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& citizen = fixture.pki.leaves.at("citizen");
    auto signature = sign_with_libsign(fixture.signer(citizen, SignatureScheme::ecdsa, "sha3-256"), document, true);
    auto options = fixture.options();
    ValidationReport report = validate::validate_cms(signature, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "TOTAL-PASSED");
    BOOST_TEST(only(report).digest_algorithm == "sha3-256");
    BOOST_TEST(only(report).signature_algorithm == "ecdsa 256 bit");

    // The same signature as PEM, the way openssl cms -outform PEM writes it.
    TempDir folder("validate");
    write_bytes(folder / "s.der", signature);
    CommandResult pem = run_command({"openssl", "cms", "-cmsout", "-inform", "DER", "-in", (folder / "s.der").string(),
                                     "-outform", "PEM", "-out", (folder / "s.pem").string()});
    BOOST_REQUIRE_EQUAL(pem.exit_code, 0);
    CHECK_VERDICT(validate::validate_cms(read_bytes(folder / "s.pem"), SignedContent::detached(document), options), "TOTAL-PASSED");
}

BOOST_AUTO_TEST_CASE(openssl_signatures_pass_and_tampering_fails_for_both) {
    auto& fixture = ValidatePki::shared();
    TempDir folder("validate");
    auto options = fixture.options();
    struct Case {
        std::string leaf;
        std::vector<std::string> extra;
        std::string scheme;
    };
    const Case cases[] = {
        {"leader", {}, "rsa-pkcs1"},
        {"leader", {"-keyopt", "rsa_padding_mode:pss"}, "rsa-pss"},
        {"citizen", {}, "ecdsa"},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.scheme) {
            const IssuedLeaf& leaf = fixture.pki.leaves.at(c.leaf);
            fixture.write_pem_files(leaf, folder.path());
            auto detached = sign_with_openssl(folder.path(), document, true, c.extra);
            ValidationReport report = validate::validate_cms(detached, SignedContent::detached(document), options);
            CHECK_VERDICT(report, "TOTAL-PASSED");
            BOOST_TEST(only(report).signature_algorithm.rfind(c.scheme, 0) == 0u);
            BOOST_TEST(openssl_cms_verify(folder.path(), detached, &document) == 0);

            // A flipped byte in the document: both say no.
            std::vector<std::uint8_t> tampered = document;
            tampered[5] ^= 0x01;
            CHECK_VERDICT(validate::validate_cms(detached, SignedContent::detached(tampered), options), "TOTAL-FAILED/HASH_FAILURE");
            BOOST_TEST(openssl_cms_verify(folder.path(), detached, &tampered) != 0);

            // The signature value corrupted: both say no.
            auto attached = sign_with_openssl(folder.path(), document, false, c.extra);
            CHECK_VERDICT(validate::validate_cms(attached, SignedContent::attached(), options), "TOTAL-PASSED");
            BOOST_TEST(openssl_cms_verify(folder.path(), attached, nullptr) == 0);
            std::vector<std::uint8_t> corrupted = attached;
            // The signature value is the last OCTET STRING of the SignerInfo, at the end of the DER.
            corrupted[corrupted.size() - 10] ^= 0x01;
            CHECK_VERDICT(validate::validate_cms(corrupted, SignedContent::attached(), options), "TOTAL-FAILED/SIG_CRYPTO_FAILURE");
            BOOST_TEST(openssl_cms_verify(folder.path(), corrupted, nullptr) != 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(missing_chain_and_untrusted_root_are_indeterminate) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    auto without_chain = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss, "sha256", false), document, true);
    auto options = fixture.options();
    ValidationReport report = validate::validate_cms(without_chain, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND");
    BOOST_TEST(has_finding(only(report), "no_certificate_chain_found"));
    // openssl cannot build it either without the intermediate.
    TempDir folder("validate");
    fixture.write_pem_files(leader, folder.path());
    write_bytes(folder / "s.der", without_chain);
    write_bytes(folder / "doc.bin", document);
    CommandResult openssl = run_command({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", (folder / "s.der").string(),
                                         "-content", (folder / "doc.bin").string(), "-CAfile", (folder / "root.pem").string(),
                                         "-purpose", "any", "-out", (folder / "out.bin").string()});
    BOOST_TEST(openssl.exit_code != 0);
    // The intermediate supplied by the caller completes the chain.
    options.trust.intermediates.push_back(fixture.pki.sub.copy());
    CHECK_VERDICT(validate::validate_cms(without_chain, SignedContent::detached(document), options), "TOTAL-PASSED");

    // Another root: the chain ends at a root nobody trusts.
    auto with_chain = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true);
    validate::ValidationOptions stranger;
    SoftwareKey other_key = SoftwareKey::generate("ec-p256");
    stranger.trust.trust_anchors.push_back(CertificateAuthority::create_root(
        DistinguishedName::parse("CN=Other Root (TEST),O=Another Provider,C=VN"), other_key, fixture.pki.profiles.get("root"), std::nullopt, "sha256",
        std::chrono::system_clock::now() - 1h));
    stranger.extra = options.extra;
    stranger.trust.intermediates.push_back(fixture.pki.root.copy());
    ValidationReport untrusted = validate::validate_cms(with_chain, SignedContent::detached(document), stranger);
    CHECK_VERDICT(untrusted, "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND");
    BOOST_TEST(has_finding(only(untrusted), "untrusted_root"));
}

BOOST_AUTO_TEST_CASE(revocation_before_and_after_signing) {
    auto& fixture = ValidatePki::shared();
    auto now = std::chrono::system_clock::now();

    // Revoked two minutes before it signed: the signer's own signing time is after the revocation.
    IssuedLeaf early = fixture.issue("CN=Lê Văn Bình,L=Đà Nẵng,C=VN,UID=CCCD:048090000011", "ec-p256");
    auto signed_after_revocation = sign_with_libsign(fixture.signer(early, SignatureScheme::ecdsa), document, true);
    auto options = fixture.options(now + 1min, {{early.certificate.serial_hex(), now - 2min, RevocationReason::key_compromise}});
    options.validation_time = now + 2min;
    ValidationReport revoked = validate::validate_cms(signed_after_revocation, SignedContent::detached(document), options);
    CHECK_VERDICT(revoked, "TOTAL-FAILED/REVOKED");
    BOOST_TEST(only(revoked).chain[0].revocation_status == "revoked");
    BOOST_REQUIRE(!only(revoked).revocation.empty());
    BOOST_TEST(only(revoked).revocation[0].revocation_reason == "keyCompromise");

    // Time-stamped now, revoked a minute later: valid at its signing time (EN 319 102-1 validation with time).
    IssuedLeaf later = fixture.issue("CN=Lê Văn Cường,L=Đà Nẵng,C=VN,UID=CCCD:048090000012", "ec-p256");
    auto stamped = sign_with_libsign(fixture.signer(later, SignatureScheme::ecdsa), document, true, true);
    auto after = fixture.options(now + 2min, {{later.certificate.serial_hex(), now + 1min, RevocationReason::superseded}});
    after.validation_time = now + 3min;
    ValidationReport passed = validate::validate_cms(stamped, SignedContent::detached(document), after);
    CHECK_VERDICT(passed, "TOTAL-PASSED");
    BOOST_TEST(only(passed).best_signature_time_proven);
    BOOST_TEST(has_finding(only(passed), "revoked_after_signing"));
    BOOST_TEST(only(passed).level == "CAdES-BASELINE-T");

    // A policy that refuses signers revoked since.
    after.policy = validate::ValidationPolicy::parse("name = \"strict\"\n[constraints]\nrevoked_after_signing = \"FAIL\"\n");
    CHECK_VERDICT(validate::validate_cms(stamped, SignedContent::detached(document), after), "INDETERMINATE/REVOKED_NO_POE");

    // Without a time-stamp nothing proves the signature came before the revocation.
    auto unstamped = sign_with_libsign(fixture.signer(later, SignatureScheme::ecdsa), document, true);
    after.policy.reset();
    ValidationReport no_poe = validate::validate_cms(unstamped, SignedContent::detached(document), after);
    CHECK_VERDICT(no_poe, "INDETERMINATE/REVOKED_NO_POE");
}

BOOST_AUTO_TEST_CASE(unknown_revocation_is_indeterminate_never_passed) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    auto signature = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true, true);
    validate::ValidationOptions options;
    options.trust.trust_anchors.push_back(fixture.pki.root.copy());
    ValidationReport report = validate::validate_cms(signature, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "INDETERMINATE/TRY_LATER");
    BOOST_TEST(has_finding(only(report), "revocation_unknown"));
    BOOST_TEST(only(report).chain[0].revocation_status == "unknown");
    BOOST_TEST(report.to_text().find("không xác định") != std::string::npos);

    // A CRL published long before, expired by now, is not fresh: still indeterminate.
    auto stale = fixture.options(std::chrono::system_clock::now() - std::chrono::hours(24 * 20));
    CHECK_VERDICT(validate::validate_cms(signature, SignedContent::detached(document), stale), "INDETERMINATE/TRY_LATER");

    // With a policy that only warns, it passes with the warning kept.
    options.policy = validate::ValidationPolicy::parse("name = \"lenient\"\n[constraints]\nrevocation_status = \"WARN\"\n");
    ValidationReport lenient = validate::validate_cms(signature, SignedContent::detached(document), options);
    CHECK_VERDICT(lenient, "TOTAL-PASSED");
    BOOST_TEST(has_finding(only(lenient), "revocation_unknown"));
    // IGNORE does not look at all.
    options.policy = validate::ValidationPolicy::parse("name = \"none\"\n[constraints]\nrevocation_status = \"IGNORE\"\n");
    ValidationReport ignored = validate::validate_cms(signature, SignedContent::detached(document), options);
    CHECK_VERDICT(ignored, "TOTAL-PASSED");
    BOOST_TEST(!has_finding(only(ignored), "revocation_unknown"));
    BOOST_TEST(only(ignored).chain[0].revocation_status == "not-checked");
}

BOOST_AUTO_TEST_CASE(forged_revocation_data_is_not_believed) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    auto signature = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true);
    auto now = std::chrono::system_clock::now();
    // Someone else's key under the issuing CA's name: its CRL says the leader is revoked, its OCSP says good.
    SoftwareKey impostor_key = SoftwareKey::generate("ec-p384");
    Certificate impostor = CertificateAuthority::create_root(DistinguishedName::parse(subjects::sub_ca), impostor_key,
                                                             fixture.pki.profiles.get("root"), std::nullopt, "sha256", now - 1h);
    X509CrlPtr forged_crl = build_crl(impostor, impostor_key, {{leader.certificate.serial_hex(), now - 1h, RevocationReason::key_compromise}}, 1,
                                      now, now + 24h);
    OcspResponder impostor_responder(impostor.copy(), impostor.copy(), impostor_key, fixture.pki.registry);
    validate::ValidationOptions options;
    options.trust.trust_anchors.push_back(fixture.pki.root.copy());
    options.extra.crls.push_back(crl_to_der(forged_crl.get()));
    options.extra.crls.push_back(fixture.root_crl(now));
    options.extra.ocsp_responses.push_back(impostor_responder.respond(ocsp_request_for(leader.certificate, impostor), now));
    ValidationReport report = validate::validate_cms(signature, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "INDETERMINATE/TRY_LATER");
    BOOST_TEST(only(report).chain[0].revocation_status == "unknown");
    BOOST_TEST(finding_text(only(report), "revocation_unknown").find("không có chữ ký hợp lệ của CA cấp chứng thư") != std::string::npos);
    // The real CRL next to the forged data settles it.
    options.extra.crls.push_back(fixture.issuing_crl({}, now));
    CHECK_VERDICT(validate::validate_cms(signature, SignedContent::detached(document), options), "TOTAL-PASSED");
}

BOOST_AUTO_TEST_CASE(supplied_ocsp_response_gives_the_status) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    const IssuedLeaf& responder_leaf = fixture.pki.leaves.at("ocsp");
    auto signature = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true);
    OcspResponder responder(fixture.pki.sub.copy(), responder_leaf.certificate.copy(), *responder_leaf.key, fixture.pki.registry);
    auto request_der = ocsp_request_for(leader.certificate, fixture.pki.sub);

    validate::ValidationOptions options;
    options.trust.trust_anchors.push_back(fixture.pki.root.copy());
    options.extra.ocsp_responses.push_back(responder.respond(request_der, std::chrono::system_clock::now()));
    options.extra.crls.push_back(fixture.root_crl(std::chrono::system_clock::now()));
    ValidationReport report = validate::validate_cms(signature, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "TOTAL-PASSED");
    BOOST_REQUIRE(!only(report).revocation.empty());
    BOOST_TEST(only(report).revocation[0].kind == "ocsp");
    BOOST_TEST(validate::to_string(only(report).revocation[0].source) == "supplied");
    BOOST_TEST(only(report).revocation[0].status == "good");
}

BOOST_AUTO_TEST_CASE(revocation_values_inside_the_signature_make_it_lt_and_suffice_offline) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    const IssuedLeaf& responder_leaf = fixture.pki.leaves.at("ocsp");
    auto stamped = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true, true);
    OcspResponder responder(fixture.pki.sub.copy(), responder_leaf.certificate.copy(), *responder_leaf.key, fixture.pki.registry);
    auto now = std::chrono::system_clock::now();
    // The signer's status by OCSP, the TSA's and the issuing CA's by CRL, all inside the SignedData.
    auto lt = with_revocation_values(stamped, {fixture.issuing_crl({}, now), fixture.root_crl(now)},
                                     {responder.respond(ocsp_request_for(leader.certificate, fixture.pki.sub), now)});
    validate::ValidationOptions options;
    options.trust.trust_anchors.push_back(fixture.pki.root.copy());
    ValidationReport report = validate::validate_cms(lt, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "TOTAL-PASSED");
    BOOST_TEST(only(report).level == "CAdES-BASELINE-LT");
    auto signer_evidence = std::find_if(only(report).revocation.begin(), only(report).revocation.end(),
                                        [&](const auto& item) { return item.certificate_serial == leader.certificate.serial_hex(); });
    BOOST_REQUIRE(signer_evidence != only(report).revocation.end());
    BOOST_TEST(signer_evidence->kind == "ocsp");
    BOOST_TEST(validate::to_string(signer_evidence->source) == "signature");
    TempDir folder("validate");
    fixture.write_pem_files(leader, folder.path());
    BOOST_TEST(openssl_cms_verify(folder.path(), lt, &document) == 0);

    // Two years on, with the network off, the embedded data still speaks for the signing time.
    options.validation_time = now + std::chrono::hours(24 * 365 * 2);
    CHECK_VERDICT(validate::validate_cms(lt, SignedContent::detached(document), options), "TOTAL-PASSED");
    // The B-T signature alone has nothing to show then.
    CHECK_VERDICT(validate::validate_cms(stamped, SignedContent::detached(document), options), "INDETERMINATE/TRY_LATER");
}

BOOST_AUTO_TEST_CASE(sha1_and_rsa_1024_fail_by_policy_with_the_reason) {
    auto& fixture = ValidatePki::shared();
    auto options = fixture.options();
    TempDir folder("validate");
    fixture.write_pem_files(fixture.pki.leaves.at("leader"), folder.path());
    auto sha1 = sign_with_openssl(folder.path(), document, true, {"-md", "sha1"});
    ValidationReport report = validate::validate_cms(sha1, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "TOTAL-FAILED/CRYPTO_CONSTRAINTS_FAILURE");
    BOOST_TEST(finding_text(only(report), "algorithm_refused").find("SHA-1 không được chấp nhận") != std::string::npos);
    BOOST_TEST(report.to_text().find("SHA-1 không được chấp nhận") != std::string::npos);
    BOOST_TEST(report.to_text(validate::Language::english).find("SHA-1 is not accepted") != std::string::npos);
    // openssl verifies it cryptographically: the refusal is the policy's, not the maths'.
    BOOST_TEST(openssl_cms_verify(folder.path(), sha1, &document) == 0);

    // An RSA-1024 certificate, which our CA refuses to issue, made with the openssl command from the issuing CA.
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), fixture.pki.sub_key.native(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    write_bytes(folder / "ca-key.pem", std::vector<std::uint8_t>(data, data + length));
    write_bytes(folder / "ext.cnf", bytes_of("keyUsage = critical, digitalSignature, nonRepudiation\n"));
    BOOST_REQUIRE_EQUAL(run_command({"openssl", "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", (folder / "key.pem").string(),
                                     "-subj", "/CN=Weak Key/C=VN", "-out", (folder / "weak.csr").string()})
                            .exit_code,
                        0);
    CommandResult issued = run_command({"openssl", "x509", "-req", "-in", (folder / "weak.csr").string(), "-CA", (folder / "chain.pem").string(),
                                        "-CAkey", (folder / "ca-key.pem").string(), "-set_serial", "0x7e57", "-days", "30",
                                        "-extfile", (folder / "ext.cnf").string(), "-out", (folder / "cert.pem").string()});
    BOOST_REQUIRE_MESSAGE(issued.exit_code == 0, issued.output);
    auto weak = sign_with_openssl(folder.path(), document, true);
    ValidationReport weak_report = validate::validate_cms(weak, SignedContent::detached(document), options);
    CHECK_VERDICT(weak_report, "TOTAL-FAILED/CRYPTO_CONSTRAINTS_FAILURE");
    BOOST_TEST(finding_text(only(weak_report), "algorithm_refused").find("RSA 1024 bit") != std::string::npos);
    BOOST_TEST(openssl_cms_verify(folder.path(), weak, &document) == 0);

    // A certificate the CA signed with SHA-1: the chain is refused even when the signature uses SHA-256.
    BOOST_REQUIRE_EQUAL(run_command({"openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", (folder / "key.pem").string(),
                                     "-subj", "/CN=Old Chain/C=VN", "-out", (folder / "old.csr").string()})
                            .exit_code,
                        0);
    CommandResult sha1_issued = run_command({"openssl", "x509", "-req", "-sha1", "-in", (folder / "old.csr").string(), "-CA",
                                             (folder / "chain.pem").string(), "-CAkey", (folder / "ca-key.pem").string(), "-set_serial",
                                             "0x7e58", "-days", "30", "-extfile", (folder / "ext.cnf").string(), "-out",
                                             (folder / "cert.pem").string()});
    BOOST_REQUIRE_MESSAGE(sha1_issued.exit_code == 0, sha1_issued.output);
    auto old_chain = sign_with_openssl(folder.path(), document, true);
    ValidationReport old_report = validate::validate_cms(old_chain, SignedContent::detached(document), options);
    CHECK_VERDICT(old_report, "TOTAL-FAILED/CRYPTO_CONSTRAINTS_FAILURE");
    BOOST_TEST(finding_text(only(old_report), "chain_algorithm_refused").find("SHA-1 không được chấp nhận") != std::string::npos);
    BOOST_TEST(!has_finding(only(old_report), "algorithm_refused"));

    // A policy that only warns about algorithms lets SHA-1 through with the warning.
    options.policy = validate::ValidationPolicy::parse("name = \"legacy\"\n[constraints]\ncryptographic = \"WARN\"\n");
    ValidationReport warned = validate::validate_cms(sha1, SignedContent::detached(document), options);
    CHECK_VERDICT(warned, "TOTAL-PASSED");
    BOOST_TEST(has_finding(only(warned), "algorithm_refused"));
}

BOOST_AUTO_TEST_CASE(expired_certificate_with_and_without_time_stamp) {
    auto& fixture = ValidatePki::shared();
    auto now = std::chrono::system_clock::now();
    IssuedLeaf short_lived = fixture.issue("CN=Võ Thị Diệu,L=Đà Nẵng,C=VN,UID=CCCD:048090000013", "ec-p256", 1);
    auto unstamped = sign_with_libsign(fixture.signer(short_lived, SignatureScheme::ecdsa), document, true);
    auto stamped = sign_with_libsign(fixture.signer(short_lived, SignatureScheme::ecdsa), document, true, true);
    // Three days on, with revocation data published after the signing.
    auto options = fixture.options(now + 1min);
    options.validation_time = now + std::chrono::hours(72);

    ValidationReport without = validate::validate_cms(unstamped, SignedContent::detached(document), options);
    CHECK_VERDICT(without, "INDETERMINATE/OUT_OF_BOUNDS_NO_POE");
    BOOST_TEST(has_finding(only(without), "certificate_expired_no_poe"));

    ValidationReport with = validate::validate_cms(stamped, SignedContent::detached(document), options);
    CHECK_VERDICT(with, "TOTAL-PASSED");
    BOOST_TEST(has_finding(only(with), "certificate_expired_after_poe"));
    BOOST_TEST(only(with).best_signature_time_proven);
    BOOST_REQUIRE(only(with).best_signature_time.has_value());
    BOOST_TEST((*only(with).best_signature_time <= now + 1min));

    // Validated "in the past", before the certificate existed: not yet valid.
    auto past = fixture.options(now - std::chrono::hours(1));
    past.validation_time = now - std::chrono::hours(1);
    ValidationReport early = validate::validate_cms(unstamped, SignedContent::detached(document), past);
    BOOST_TEST(verdict(only(early)).find("NOT_YET_VALID") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(time_stamp_is_validated_and_openssl_ts_agrees) {
    auto& fixture = ValidatePki::shared();
    const IssuedLeaf& leader = fixture.pki.leaves.at("leader");
    auto before = std::chrono::system_clock::now() - 2s;
    auto stamped = sign_with_libsign(fixture.signer(leader, SignatureScheme::rsa_pss), document, true, true);
    auto options = fixture.options();
    ValidationReport report = validate::validate_cms(stamped, SignedContent::detached(document), options);
    CHECK_VERDICT(report, "TOTAL-PASSED");
    BOOST_REQUIRE_EQUAL(only(report).timestamps.size(), 1u);
    const auto& stamp = only(report).timestamps[0];
    BOOST_TEST(stamp.valid);
    BOOST_TEST(stamp.tsa.find("Dịch vụ cấp dấu thời gian Đà Nẵng") != std::string::npos);
    BOOST_REQUIRE(stamp.generation_time.has_value());
    BOOST_TEST((*stamp.generation_time >= before - 1s && *stamp.generation_time <= std::chrono::system_clock::now() + 1s));

    // Past the limit on tokens, they are not looked at.
    auto no_tokens = fixture.options();
    no_tokens.input_limits.max_timestamps = 0;
    ValidationReport limited = validate::validate_cms(stamped, SignedContent::detached(document), no_tokens);
    BOOST_TEST(only(limited).timestamps.empty());
    BOOST_TEST(has_finding(only(limited), "too_many_timestamps"));
    BOOST_TEST(!only(limited).best_signature_time_proven);

    // The TSA's certificate revoked an hour before: the token proves nothing, so the signature has no proven time.
    const IssuedLeaf& tsa = fixture.pki.leaves.at("tsa");
    auto tsa_revoked = fixture.options({}, {{tsa.certificate.serial_hex(), std::chrono::system_clock::now() - 1h, RevocationReason::key_compromise}});
    ValidationReport without_poe = validate::validate_cms(stamped, SignedContent::detached(document), tsa_revoked);
    BOOST_REQUIRE_EQUAL(only(without_poe).timestamps.size(), 1u);
    BOOST_TEST(!only(without_poe).timestamps[0].valid);
    BOOST_TEST(only(without_poe).timestamps[0].findings.at(0).code == "timestamp_tsa_revoked");
    BOOST_TEST(!only(without_poe).best_signature_time_proven);

    // openssl ts -verify on the same token over the same signature value.
    CmsPtr cms;
    {
        const unsigned char* cursor = stamped.data();
        cms.reset(d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(stamped.size())));
    }
    CMS_SignerInfo* info = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
    ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(info);
    ASN1_TYPE* token = X509_ATTRIBUTE_get0_type(
        CMS_unsigned_get_attr(info, CMS_unsigned_get_attr_by_NID(info, NID_id_smime_aa_timeStampToken, -1)), 0);
    TempDir folder("validate");
    fixture.write_pem_files(leader, folder.path());
    write_bytes(folder / "token.der", std::vector<std::uint8_t>(token->value.sequence->data, token->value.sequence->data + token->value.sequence->length));
    write_bytes(folder / "value.bin", std::vector<std::uint8_t>(ASN1_STRING_get0_data(value), ASN1_STRING_get0_data(value) + ASN1_STRING_length(value)));
    CommandResult verified = run_command({"openssl", "ts", "-verify", "-token_in", "-in", (folder / "token.der").string(), "-data",
                                          (folder / "value.bin").string(), "-CAfile", (folder / "root.pem").string(), "-untrusted",
                                          (folder / "chain.pem").string()});
    BOOST_TEST(verified.exit_code == 0, verified.output);

    // The signature value changed after time-stamping: the token no longer matches, and openssl agrees.
    std::vector<std::uint8_t> other = read_bytes(folder / "value.bin");
    other[0] ^= 0x01;
    write_bytes(folder / "other.bin", other);
    CommandResult mismatch = run_command({"openssl", "ts", "-verify", "-token_in", "-in", (folder / "token.der").string(), "-data",
                                          (folder / "other.bin").string(), "-CAfile", (folder / "root.pem").string(), "-untrusted",
                                          (folder / "chain.pem").string()});
    BOOST_TEST(mismatch.exit_code != 0);

    // The same change inside the CMS: our validator rejects the token and the signature value both.
    std::vector<std::uint8_t> original = read_bytes(folder / "value.bin");
    std::vector<std::uint8_t> changed = stamped;
    auto at = std::search(changed.begin(), changed.end(), original.begin(), original.end());
    BOOST_REQUIRE(at != changed.end());
    *at ^= 0x01;
    ValidationReport broken = validate::validate_cms(changed, SignedContent::detached(document), options);
    CHECK_VERDICT(broken, "TOTAL-FAILED/SIG_CRYPTO_FAILURE");
    BOOST_REQUIRE_EQUAL(only(broken).timestamps.size(), 1u);
    BOOST_TEST(!only(broken).timestamps[0].valid);
    BOOST_TEST(only(broken).timestamps[0].findings.at(0).code == "timestamp_imprint_mismatch");
    BOOST_TEST(!only(broken).best_signature_time_proven);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace sign::test
