// The test PKI that certs-test/make-test-pki builds with signctl, checked by tools
// that are not ours: openssl, Botan and OpenSC's pkcs11-tool.

#include <boost/test/unit_test.hpp>

#include <botan/certstor.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sign/openssl_ptr.h"
#include "sign/signature_scheme.h"
#include "signctl_folder.h"
#include "token_pki.h"

using sign::test::CommandResult;
using sign::test::openssl;
using sign::test::SignctlFolder;

namespace {

// Built once per test program; the tests here only read it.
const SignctlFolder& shared_pki() { return sign::test::TokenPki::shared().folder(); }

const std::vector<std::pair<std::string, std::string>> leaves_and_purposes = {
    {"agency-seal", "any"}, {"leader", "any"},      {"citizen", "any"},
    {"tsa", "timestampsign"}, {"ocsp", "any"}, {"tls-server", "sslserver"},
};

size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = 0; (at = text.find(needle, at)) != std::string::npos; at += needle.size()) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_pki)

BOOST_AUTO_TEST_CASE(every_chain_verifies_with_openssl_including_crls) {
    const auto& pki = shared_pki();
    auto verify = [&](const std::string& certificate, const std::string& purpose, const std::string& crl) {
        std::vector<std::string> args = {"verify", "-x509_strict", "-purpose", purpose, "-CAfile", pki.path("certs/root-ca.pem"),
                                         "-untrusted", pki.path("certs/issuing-ca.pem")};
        if (!crl.empty()) args.insert(args.end(), {"-crl_check", "-CRLfile", pki.path("crl/" + crl + ".pem")});
        args.push_back(pki.path("certs/" + certificate + ".pem"));
        CommandResult result = openssl(args);
        BOOST_TEST(result.exit_code == 0, certificate << ": " << result.output);
        BOOST_TEST(result.output.find(": OK") != std::string::npos, result.output);
    };
    verify("issuing-ca", "any", "root-ca");
    for (const auto& [leaf, purpose] : leaves_and_purposes) {
        // The OCSP responder is outside every CRL's scope by design (id-pkix-ocsp-nocheck).
        verify(leaf, purpose, leaf == "ocsp" ? "" : "issuing-ca");
    }
}

BOOST_AUTO_TEST_CASE(every_chain_passes_botan_path_validation_with_revocation_checks) {
    const auto& pki = shared_pki();
    Botan::Certificate_Store_In_Memory trusted;
    trusted.add_certificate(Botan::X509_Certificate(pki.path("certs/root-ca.pem")));
    trusted.add_crl(Botan::X509_CRL(pki.path("crl/root-ca.pem")));
    trusted.add_crl(Botan::X509_CRL(pki.path("crl/issuing-ca.pem")));
    // require_rev=true: Botan must find a CRL for every certificate in the path.
    Botan::Path_Validation_Restrictions restrictions(true, 112);
    for (const auto& [leaf, purpose] : leaves_and_purposes) {
        std::vector<Botan::X509_Certificate> chain = {Botan::X509_Certificate(pki.path("certs/" + leaf + ".pem")),
                                                      Botan::X509_Certificate(pki.path("certs/issuing-ca.pem"))};
        auto result = Botan::x509_path_validate(chain, restrictions, trusted);
        BOOST_TEST(result.successful_validation(), leaf << ": " << result.result_string());
    }
}

BOOST_AUTO_TEST_CASE(leaf_certificates_carry_what_their_profiles_promise) {
    const auto& pki = shared_pki();
    auto text = [&](const std::string& leaf) {
        auto result = openssl({"x509", "-noout", "-text", "-in", pki.path("certs/" + leaf + ".pem")});
        BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
        return result.output;
    };
    for (const auto& [leaf, purpose] : leaves_and_purposes) {
        std::string t = text(leaf);
        BOOST_TEST(t.find("CA:FALSE") != std::string::npos, leaf);
        BOOST_TEST(t.find("Policy: ") != std::string::npos, leaf);
        if (leaf == "ocsp") continue;  // a responder with ocsp-nocheck carries no revocation pointers
        BOOST_TEST(t.find("URI:http://127.0.0.1:8443/crl/issuing-ca.crl") != std::string::npos, leaf);
        BOOST_TEST(t.find("OCSP - URI:http://127.0.0.1:8443/ocsp") != std::string::npos, leaf);
        BOOST_TEST(t.find("CA Issuers - URI:http://127.0.0.1:8443/ca/issuing-ca.crt") != std::string::npos, leaf);
    }
    for (const char* signer : {"agency-seal", "leader", "citizen"})
        BOOST_TEST(text(signer).find("Digital Signature, Non Repudiation") != std::string::npos, signer);
    std::string tsa = text("tsa");
    BOOST_TEST(tsa.find("X509v3 Extended Key Usage: critical") != std::string::npos);
    BOOST_TEST(tsa.find("Time Stamping") != std::string::npos);
    std::string ocsp = text("ocsp");
    BOOST_TEST(ocsp.find("OCSP Signing") != std::string::npos);
    BOOST_TEST(ocsp.find("OCSP No Check") != std::string::npos);
    BOOST_TEST(text("tls-server").find("DNS:localhost, DNS:signd.danang.local") != std::string::npos);

    // 128-bit serials: 16 bytes, the top bit clear so the INTEGER stays positive.
    for (const auto& certificate : pki.signctl_json({"cert", "list"}))
        BOOST_TEST(certificate["serial"].get<std::string>().size() == 32u, certificate.dump());
}

BOOST_AUTO_TEST_CASE(a_vietnamese_name_survives_issue_pem_and_parse_byte_for_byte) {
    const auto& pki = shared_pki();
    const std::string expected =
        "CN=Nguyễn Văn An,title=Phó Giám đốc,O=Sở Thông tin và Truyền thông thành phố Đà Nẵng,L=Đà Nẵng,C=VN,UID=CCCD:048090001234";
    auto leaders = pki.signctl_json({"cert", "list", "--profile", "leader"});
    BOOST_TEST_REQUIRE(leaders.size() == 1u);
    BOOST_TEST(leaders[0]["subject"].get<std::string>() == expected);

    auto shown = pki.signctl_json({"cert", "show", leaders[0]["serial"].get<std::string>(), "--pem"});
    std::string pem = shown["pem"];
    sign::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    sign::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    BOOST_TEST_REQUIRE(certificate != nullptr);
    X509_NAME* subject = X509_get_subject_name(certificate.get());
    auto value_of = [&](int nid, int expected_type) {
        int index = X509_NAME_get_index_by_NID(subject, nid, -1);
        BOOST_TEST_REQUIRE(index >= 0);
        ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
        BOOST_TEST(ASN1_STRING_type(data) == expected_type, OBJ_nid2sn(nid));
        return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)), static_cast<size_t>(ASN1_STRING_length(data)));
    };
    BOOST_TEST(value_of(NID_commonName, V_ASN1_UTF8STRING) == "Nguyễn Văn An");
    BOOST_TEST(value_of(NID_title, V_ASN1_UTF8STRING) == "Phó Giám đốc");
    BOOST_TEST(value_of(NID_organizationName, V_ASN1_UTF8STRING) == "Sở Thông tin và Truyền thông thành phố Đà Nẵng");
    BOOST_TEST(value_of(NID_userId, V_ASN1_UTF8STRING) == "CCCD:048090001234");
    BOOST_TEST(value_of(NID_countryName, V_ASN1_PRINTABLESTRING) == "VN");

    // And openssl's own reading of the PEM shows the same name.
    auto printed = openssl({"x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus,-esc_msb", "-in", pki.path("certs/leader.pem")});
    BOOST_TEST(printed.output.find("CN=Nguyễn Văn An") != std::string::npos, printed.output);
    BOOST_TEST(printed.output.find("title=Phó Giám đốc") != std::string::npos, printed.output);
}

BOOST_AUTO_TEST_CASE(pkcs11_tool_sees_every_private_key_sensitive_and_never_extractable) {
    const auto& pki = shared_pki();
    auto listed = sign::test::run_command({"pkcs11-tool", "--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label",
                                           "city-ca", "--login", "--pin", pki.user_pin(), "--list-objects", "--type", "privkey"},
                                          pki.token_environment());
    BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.output);
    // Root, issuing CA and the six leaves.
    BOOST_TEST(count(listed.output, "Private Key Object") == 8u, listed.output);
    BOOST_TEST(count(listed.output, "Access:     sensitive, always sensitive, never extractable, local") == 8u, listed.output);
}

BOOST_AUTO_TEST_CASE(every_certificate_of_the_test_pki_is_in_the_audit_log) {
    const auto& pki = shared_pki();
    std::set<std::string> audited;
    for (const auto& record : pki.signctl_json({"audit", "list", "--limit", "1000"})) {
        if (record["result"] != "ok" || record["actor"] != "signctl") continue;
        std::string subject = record["subject"];
        if (record["action"] == "ca.init") {
            audited.insert(subject.substr(0, subject.find(',')));
            audited.insert(subject.substr(subject.find(',') + 1));
        } else if (record["action"] == "certificate.issue") {
            audited.insert(subject);
        }
    }
    auto certificates = pki.signctl_json({"cert", "list"});
    BOOST_TEST(certificates.size() >= 8u);
    for (const auto& certificate : certificates)
        BOOST_TEST(audited.count(certificate["serial"].get<std::string>()) == 1u, certificate["serial"] << " is not audited");
    auto verified = pki.signctl({"audit", "verify"});
    BOOST_TEST(verified.exit_code == 0, verified.output);
}

BOOST_AUTO_TEST_CASE(running_the_test_pki_script_again_adds_nothing) {
    const auto& pki = shared_pki();
    auto certificates_before = pki.signctl_json({"cert", "list"});
    auto objects_before = pki.signctl_json({"token", "objects"});
    auto again = pki.make_test_pki();
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
    BOOST_TEST(pki.signctl_json({"cert", "list"}) == certificates_before);
    BOOST_TEST(pki.signctl_json({"token", "objects"}) == objects_before);
    BOOST_TEST(std::ifstream(pki.path("images/leader-signature.png")).good());
    BOOST_TEST(std::ifstream(pki.path("images/agency-seal.png")).good());
}

BOOST_AUTO_TEST_CASE(every_signing_key_on_the_token_matches_its_certificate) {
    auto& pki = sign::test::TokenPki::shared();
    const std::vector<uint8_t> data = {'c', 'o', 'n', ' ', 'd', 'a', 'u'};
    for (const char* label : {"agency-seal", "leader", "citizen", "tsa", "ocsp", "tls-server"}) {
        sign::Signer signer = pki.signer(label);
        auto signature = sign::sign_data(signer.key, signer.scheme, signer.digest, data);
        auto certified_key = signer.certificate.public_key();
        BOOST_TEST(sign::verify_data(certified_key.get(), signer.scheme, signer.digest, data, signature), label);
    }
}

// HTTPS clients that connect by address check it against iPAddress entries, never against DNS names.
BOOST_AUTO_TEST_CASE(a_tls_server_certificate_names_the_ip_addresses_given_and_refuses_bad_ones) {
    SignctlFolder folder;
    folder.init_ca();
    std::string pem = folder.path("tls-ip.pem");
    auto issued = folder.signctl({"cert", "issue", "--profile", "tls-server", "--label", "tls-ip", "--subject", "CN=localhost",
                                  "--dns", "localhost", "--ip", "127.0.0.1", "--ip", "::1", "--out", pem});
    BOOST_TEST_REQUIRE(issued.exit_code == 0, issued.output);
    auto text = openssl({"x509", "-noout", "-ext", "subjectAltName", "-in", pem});
    BOOST_TEST(text.output.find("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1") != std::string::npos,
               text.output);
    auto verify = [&](const std::string& address) {
        return openssl({"verify", "-x509_strict", "-purpose", "sslserver", "-verify_ip", address, "-CAfile",
                        folder.path("ca/root-ca.pem"), "-untrusted", folder.path("ca/issuing-ca.pem"), pem});
    };
    for (const char* address : {"127.0.0.1", "::1"}) {
        auto verified = verify(address);
        BOOST_TEST(verified.exit_code == 0, address << ": " << verified.output);
        BOOST_TEST(verified.output.find(": OK") != std::string::npos, verified.output);
    }
    auto other = verify("10.0.0.1");
    BOOST_TEST(other.exit_code != 0, other.output);
    BOOST_TEST(other.output.find("IP address mismatch") != std::string::npos, other.output);

    auto certificates = folder.signctl_json({"cert", "list"});
    auto objects = folder.signctl_json({"token", "objects"});
    auto refuse = [&](const std::vector<std::string>& extra, const std::string& code) {
        std::vector<std::string> args = {"--json", "cert", "issue", "--profile", "tls-server", "--subject", "CN=localhost",
                                         "--dns", "localhost"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto refused = folder.signctl(args);
        BOOST_TEST(refused.exit_code == 3, refused.output);
        BOOST_TEST(refused.output.find("\"" + code + "\"") != std::string::npos, refused.output);
    };
    for (const char* bad : {"256.0.0.1", "127.0.0.1,DNS:evil.example", "fe80::1%eth0", "localhost", "127.1",
                            "127.0.0.1:8443", "::1::2"})
        refuse({"--ip", bad}, "invalid_ip_address");
    auto leader = folder.signctl({"--json", "cert", "issue", "--profile", "leader", "--key-type", "ec-p256", "--subject",
                                  "CN=Nguyễn Văn An,title=Phó Giám đốc,O=Sở Thông tin và Truyền thông thành phố Đà Nẵng,"
                                  "L=Đà Nẵng,C=VN,UID=CCCD:048090001234",
                                  "--ip", "127.0.0.1"});
    BOOST_TEST(leader.exit_code == 3, leader.output);
    BOOST_TEST(leader.output.find("\"ip_addresses_not_allowed\"") != std::string::npos, leader.output);
    BOOST_TEST(folder.signctl_json({"cert", "list"}) == certificates);
    BOOST_TEST(folder.signctl_json({"token", "objects"}) == objects);
}

// Listing slots reads no key, so it works where no PIN is at hand (a script, a locked-down host).
BOOST_AUTO_TEST_CASE(token_slots_needs_no_pin) {
    SignctlFolder folder;
    folder.init_ca();
    std::filesystem::remove(folder.path("secrets/user.pin"));
    auto slots = folder.signctl({"token", "slots"});
    BOOST_TEST(slots.exit_code == 0, slots.output);
    BOOST_TEST(slots.output.find("city-ca") != std::string::npos, slots.output);
    BOOST_TEST(slots.output.find("ready") != std::string::npos, slots.output);
    auto json = folder.signctl({"--json", "token", "slots"});
    BOOST_TEST_REQUIRE(json.exit_code == 0, json.output);
    bool listed = false;
    for (const auto& slot : nlohmann::json::parse(json.output))
        listed = listed || (slot["token"] == "city-ca" && slot["initialized"] == true);
    BOOST_TEST(listed, json.output);
    // What does need the PIN still asks for it.
    auto objects = folder.signctl({"token", "objects"});
    BOOST_TEST(objects.exit_code != 0, objects.output);
}

BOOST_AUTO_TEST_SUITE_END()
