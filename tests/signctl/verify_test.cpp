// `signctl verify` and `signctl trust` on real files: our own PAdES and CAdES
// signatures pass, tampered ones fail, unknown trust is indeterminate, and
// independent tools (pdfsig, openssl cms) agree with each verdict; trust
// anchors are added, listed and removed with clear refusals.

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "command.h"
#include "minimal_pdf.h"
#include "signctl_folder.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign::test;
namespace fs = std::filesystem;

namespace {

constexpr int exit_invalid_input = 3;
constexpr int exit_policy = 4;
constexpr int exit_not_found = 5;
constexpr int exit_conflict = 6;
constexpr int exit_signature_invalid = 11;
constexpr int exit_signature_indeterminate = 12;

void write(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

CommandResult verify(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"verify"};
    argv.insert(argv.end(), args.begin(), args.end());
    return TokenPki::shared().folder().signctl(argv);
}

nlohmann::json json_report(const std::vector<std::string>& args, int expected_exit) {
    auto argv = args;
    argv.insert(argv.end(), {"--report", "json"});
    auto result = verify(argv);
    BOOST_TEST_REQUIRE(result.exit_code == expected_exit, result.output);
    auto json = nlohmann::json::parse(result.output, nullptr, false);
    BOOST_TEST_REQUIRE(json.is_object(), result.output);
    return json;
}

// A leader's PAdES B-T signature of a one-page PDF, by signctl.
fs::path signed_pdf(const TempDir& dir) {
    auto& pki = TokenPki::shared();
    write(dir / "quyet-dinh.pdf", minimal_pdf());
    auto result = pki.folder().signctl(pki.folder().as_owner(
        {"sign", "pdf", "--key", "pkcs11:object=leader;type=private", "--cert", pki.path("certs/leader.pem"), "--level",
         "b-t", "--tsa", "local", (dir / "quyet-dinh.pdf").string(), "--out", (dir / "signed.pdf").string()},
        "leader"));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return dir / "signed.pdf";
}

// A leader's detached CAdES B-T signature of a text, by signctl.
fs::path signed_text(const TempDir& dir, const std::string& text) {
    auto& pki = TokenPki::shared();
    write(dir / "don.txt", text);
    auto result = pki.folder().signctl(pki.folder().as_owner(
        {"sign", "cms", "--key", "pkcs11:object=leader;type=private", "--cert", pki.path("certs/leader.pem"), "--level",
         "b-t", "--tsa", "local", (dir / "don.txt").string()},
        "leader"));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return dir / "don.txt.p7s";
}

// A leader's enveloped XAdES B-T signature of an application form, by signctl.
fs::path signed_xml(const TempDir& dir) {
    auto& pki = TokenPki::shared();
    write(dir / "don.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DonDeNghi><HoTen>Nguyễn Văn A</HoTen></DonDeNghi>\n");
    auto result = pki.folder().signctl(pki.folder().as_owner(
        {"sign", "xml", "--key", "pkcs11:object=leader;type=private", "--cert", pki.path("certs/leader.pem"), "--level",
         "b-t", "--tsa", "local", (dir / "don.xml").string(), "--out", (dir / "don.signed.xml").string()},
        "leader"));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return dir / "don.signed.xml";
}

// pdfsig's verdict on the signature's bytes alone (no certificate check: it has no trust store).
std::string pdfsig_validation(const fs::path& pdf) {
    auto result = run_command({"pdfsig", "-nocert", "-no-ocsp", pdf.string()});
    auto at = result.output.find("Signature Validation: ");
    BOOST_TEST_REQUIRE(at != std::string::npos, result.output);
    auto end = result.output.find('\n', at);
    return result.output.substr(at + 22, end - at - 22);
}

// A root CA and a signer made by openssl alone, with software keys.
struct OpensslPki {
    fs::path root, root_der, signer, signer_key;
};

OpensslPki make_openssl_pki(const TempDir& dir) {
    OpensslPki pki{dir / "root.pem", dir / "root.der", dir / "signer.pem", dir / "signer.key"};
    auto step = [](const std::vector<std::string>& args) {
        auto result = openssl(args);
        BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    };
    step({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", (dir / "root.key").string(),
          "-subj", "/CN=Other Root CA (TEST)/C=VN", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
          "keyUsage=critical,keyCertSign,cRLSign", "-out", pki.root.string()});
    step({"x509", "-in", pki.root.string(), "-outform", "DER", "-out", pki.root_der.string()});
    step({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.signer_key.string(),
          "-utf8", "-subj", "/CN=Lê Văn Tám/C=VN", "-out", (dir / "signer.csr").string()});
    write(dir / "signer.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
                              "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
    step({"x509", "-req", "-in", (dir / "signer.csr").string(), "-CA", pki.root.string(), "-CAkey", (dir / "root.key").string(),
          "-CAcreateserial", "-days", "365", "-extfile", (dir / "signer.ext").string(), "-out", pki.signer.string()});
    return pki;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signctl_verify)

BOOST_AUTO_TEST_CASE(our_pades_signature_is_valid_a_tampered_one_invalid_and_pdfsig_agrees) {
    TempDir dir("verify-pdf");
    auto pdf = signed_pdf(dir);
    auto good = verify({pdf.string(), "--offline"});
    BOOST_TEST(good.exit_code == 0, good.output);
    BOOST_TEST(good.output.find("Kết luận: hợp lệ (TOTAL-PASSED)") != std::string::npos, good.output);
    BOOST_TEST(pdfsig_validation(pdf) == "Signature is Valid.");

    // One letter of the page's text changed, inside the signed bytes, the length kept.
    std::string bytes = read(pdf);
    auto at = bytes.find("QUYET DINH");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    bytes[at] = 'X';
    write(dir / "tampered.pdf", bytes);
    auto report = json_report({(dir / "tampered.pdf").string(), "--offline"}, exit_signature_invalid);
    BOOST_TEST(report.at("indication") == "TOTAL-FAILED", report.dump(2));
    BOOST_TEST(report.at("signatures")[0].at("subIndication") == "HASH_FAILURE", report.dump(2));
    BOOST_TEST(pdfsig_validation(dir / "tampered.pdf") == "Digest Mismatch.");
}

BOOST_AUTO_TEST_CASE(our_cades_signature_is_valid_with_its_document_or_its_digest) {
    TempDir dir("verify-cms");
    std::string text = "Đơn đề nghị cấp bản sao giấy khai sinh";
    auto p7s = signed_text(dir, text);
    auto good = verify({p7s.string(), "--detached", (dir / "don.txt").string(), "--offline"});
    BOOST_TEST(good.exit_code == 0, good.output);
    BOOST_TEST(good.output.find("hợp lệ (TOTAL-PASSED)") != std::string::npos, good.output);

    auto digest = openssl({"dgst", "-sha256", "-r", (dir / "don.txt").string()});
    BOOST_TEST_REQUIRE(digest.exit_code == 0, digest.output);
    std::string hex = digest.output.substr(0, 64);
    auto hashed = verify({p7s.string(), "--digest", "sha256:" + hex, "--offline", "--report", "en"});
    BOOST_TEST(hashed.exit_code == 0, hashed.output);
    BOOST_TEST(hashed.output.find("valid (TOTAL-PASSED)") != std::string::npos, hashed.output);

    write(dir / "changed.txt", text + ".");
    auto changed = json_report({p7s.string(), "--detached", (dir / "changed.txt").string(), "--offline"}, exit_signature_invalid);
    BOOST_TEST(changed.at("signatures")[0].at("subIndication") == "HASH_FAILURE", changed.dump(2));
    auto openssl_changed = openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.string(), "-content",
                                    (dir / "changed.txt").string(), "-CAfile", TokenPki::shared().path("certs/root-ca.pem"),
                                    "-purpose", "any", "-out", "/dev/null"});
    BOOST_TEST(openssl_changed.exit_code != 0, openssl_changed.output);

    // Checked in 2040, after the certificate expired: the time-stamp proves the signature existed
    // while it was valid and not revoked (the CRLs at hand were issued after it), so it passes.
    auto later = json_report({p7s.string(), "--detached", (dir / "don.txt").string(), "--offline", "--at", "2040-01-01T00:00:00Z"}, 0);
    BOOST_TEST(later.at("validationTime") == "2040-01-01T00:00:00Z", later.dump(2));
    BOOST_TEST(later.at("indication") == "TOTAL-PASSED", later.dump(2));
    auto bad_time = verify({p7s.string(), "--offline", "--at", "next tuesday"});
    BOOST_TEST(bad_time.exit_code == exit_invalid_input, bad_time.output);

    // The report may go to a file instead; the verdict is still the exit code.
    auto written = verify({p7s.string(), "--detached", (dir / "don.txt").string(), "--offline", "--output",
                           (dir / "report.txt").string()});
    BOOST_TEST(written.exit_code == 0, written.output);
    BOOST_TEST(read(dir / "report.txt").find("KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ") != std::string::npos);

    auto wrong_length = verify({p7s.string(), "--digest", "sha256:abcd", "--offline"});
    BOOST_TEST(wrong_length.exit_code == exit_invalid_input, wrong_length.output);
    BOOST_TEST(wrong_length.output.find("32 bytes") != std::string::npos, wrong_length.output);
    auto sha1 = verify({p7s.string(), "--digest", "sha1:" + std::string(40, 'a'), "--offline"});
    BOOST_TEST(sha1.exit_code == exit_policy, sha1.output);
    auto not_hex = verify({p7s.string(), "--digest", "sha256", "--offline"});
    BOOST_TEST(not_hex.exit_code == exit_invalid_input, not_hex.output);
}

BOOST_AUTO_TEST_CASE(our_xades_signature_is_valid_a_tampered_one_invalid_and_xmlsec1_agrees) {
    TempDir dir("verify-xml");
    auto xml = signed_xml(dir);
    auto good = json_report({xml.string(), "--offline"}, 0);
    BOOST_TEST(good.at("signatures")[0].at("level") == "XAdES-BASELINE-T", good.dump(2));
    auto xmlsec = [&](const fs::path& file) {
        return run_command({"xmlsec1", "--verify", "--enabled-reference-uris", "empty,same-doc", "--trusted-pem",
                            TokenPki::shared().path("certs/root-ca.pem"), "--untrusted-pem",
                            TokenPki::shared().path("certs/issuing-ca.pem"), "--id-attr:Id",
                            "http://uri.etsi.org/01903/v1.3.2#:SignedProperties", file.string()})
            .exit_code;
    };
    BOOST_TEST(xmlsec(xml) == 0);

    std::string bytes = read(xml);
    auto at = bytes.find("Nguyễn Văn A");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    bytes.replace(at, std::string("Nguyễn Văn A").size(), "Nguyễn Văn B");
    write(dir / "tampered.xml", bytes);
    auto tampered = json_report({(dir / "tampered.xml").string(), "--offline"}, exit_signature_invalid);
    BOOST_TEST(tampered.at("signatures")[0].at("subIndication") == "HASH_FAILURE", tampered.dump(2));
    BOOST_TEST(xmlsec(dir / "tampered.xml") != 0);
}

BOOST_AUTO_TEST_CASE(the_report_comes_as_etsi_xml_or_as_a_printable_pdf) {
    TempDir dir("verify-renderings");
    auto pdf = signed_pdf(dir);
    auto etsi = verify({pdf.string(), "--offline", "--report", "etsi", "--output", (dir / "report.xml").string()});
    BOOST_TEST_REQUIRE(etsi.exit_code == 0, etsi.output);
    auto well_formed = run_command({"xmllint", "--noout", (dir / "report.xml").string()});
    BOOST_TEST(well_formed.exit_code == 0, well_formed.output);
    std::string xml = read(dir / "report.xml");
    BOOST_TEST(xml.find("http://uri.etsi.org/19102/mainindication/total-passed") != std::string::npos);

    auto printed = verify({pdf.string(), "--offline", "--report", "pdf", "--output", (dir / "phieu.pdf").string()});
    BOOST_TEST_REQUIRE(printed.exit_code == 0, printed.output);
    auto text = run_command({"pdftotext", "-enc", "UTF-8", (dir / "phieu.pdf").string(), "-"});
    BOOST_TEST(text.exit_code == 0, text.output);
    BOOST_TEST(text.output.find("Phiếu kết quả kiểm tra chữ ký số") != std::string::npos, text.output);
    BOOST_TEST(text.output.find("hợp lệ") != std::string::npos, text.output);

    auto to_terminal = verify({pdf.string(), "--offline", "--report", "pdf"});
    BOOST_TEST(to_terminal.exit_code == exit_invalid_input, to_terminal.output);
    BOOST_TEST(to_terminal.output.find("--output") != std::string::npos, to_terminal.output);
}

BOOST_AUTO_TEST_CASE(an_openssl_signature_is_indeterminate_until_its_root_is_trusted_as_openssl_says) {
    SignctlFolder folder;
    folder.init_ca();
    TempDir dir("verify-openssl");
    auto pki = make_openssl_pki(dir);
    write(dir / "to-khai.txt", "Tờ khai đăng ký hộ kinh doanh");
    auto made = openssl({"cms", "-sign", "-cades", "-binary", "-md", "sha256", "-signer", pki.signer.string(), "-inkey",
                         pki.signer_key.string(), "-in", (dir / "to-khai.txt").string(), "-outform", "DER", "-out",
                         (dir / "to-khai.p7s").string()});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.output);
    // The openssl signer has no CRL or OCSP anywhere: this policy does not ask for revocation.
    write(dir / "policy.toml", "name = \"Không kiểm tra thu hồi\"\n[constraints]\nrevocation_status = \"IGNORE\"\n");
    std::vector<std::string> check = {"verify", (dir / "to-khai.p7s").string(), "--detached", (dir / "to-khai.txt").string(),
                                      "--policy", (dir / "policy.toml").string(), "--offline"};
    auto openssl_check = [&](const std::vector<std::string>& trust) {
        std::vector<std::string> argv = {"cms", "-verify", "-binary", "-inform", "DER", "-in", (dir / "to-khai.p7s").string(),
                                         "-content", (dir / "to-khai.txt").string(), "-purpose", "any", "-out", "/dev/null"};
        argv.insert(argv.end(), trust.begin(), trust.end());
        return openssl(argv);
    };

    auto unknown = folder.signctl(check);
    BOOST_TEST(unknown.exit_code == exit_signature_indeterminate, unknown.output);
    BOOST_TEST(unknown.output.find("không xác định (INDETERMINATE)") != std::string::npos, unknown.output);
    BOOST_TEST(openssl_check({"-CAfile", folder.path("ca/root-ca.pem")}).exit_code != 0);

    auto added = folder.signctl({"trust", "add", pki.root_der.string(), "--name", "Other root"});
    BOOST_TEST_REQUIRE(added.exit_code == 0, added.output);
    auto trusted = folder.signctl(check);
    BOOST_TEST(trusted.exit_code == 0, trusted.output);
    auto agreed = openssl_check({"-CAfile", pki.root.string()});
    BOOST_TEST(agreed.exit_code == 0, agreed.output);
}

BOOST_AUTO_TEST_CASE(what_is_no_signature_is_a_format_failure) {
    TempDir dir("verify-hostile");
    write(dir / "random.bin", std::string("\x01\x02garbage that is no signature", 30));
    auto random = json_report({(dir / "random.bin").string(), "--offline"}, exit_signature_invalid);
    BOOST_TEST(random.at("signatures")[0].at("subIndication") == "FORMAT_FAILURE", random.dump(2));
    BOOST_TEST(random.dump().find("format_not_recognized") != std::string::npos, random.dump(2));

    write(dir / "form.xml", "<?xml version=\"1.0\"?><DonDeNghi/>");
    auto xml = json_report({(dir / "form.xml").string(), "--offline"}, exit_signature_invalid);
    BOOST_TEST(xml.at("signatures")[0].at("subIndication") == "FORMAT_FAILURE", xml.dump(2));
    BOOST_TEST(xml.dump().find("ds:Signature") != std::string::npos, xml.dump(2));

    // A DER header that promises more than there is, and a PDF that is only a header.
    write(dir / "truncated.p7s", std::string("\x30\x82\x10\x00\x06\x09", 6));
    auto truncated = json_report({(dir / "truncated.p7s").string(), "--offline"}, exit_signature_invalid);
    BOOST_TEST(truncated.at("signatures")[0].at("subIndication") == "FORMAT_FAILURE", truncated.dump(2));
    write(dir / "broken.pdf", "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n");
    auto broken = json_report({(dir / "broken.pdf").string(), "--offline"}, exit_signature_invalid);
    BOOST_TEST(broken.at("signatures")[0].at("subIndication") == "FORMAT_FAILURE", broken.dump(2));

    auto with_document = verify({(dir / "broken.pdf").string(), "--detached", (dir / "random.bin").string()});
    BOOST_TEST(with_document.exit_code == exit_invalid_input, with_document.output);
    BOOST_TEST(with_document.output.find("CMS") != std::string::npos, with_document.output);
}

BOOST_AUTO_TEST_CASE(trust_anchors_are_added_listed_and_removed) {
    SignctlFolder folder;
    folder.init_ca();
    TempDir dir("trust");
    auto pki = make_openssl_pki(dir);

    auto listed = folder.signctl_json({"trust", "list"});
    BOOST_TEST_REQUIRE(listed.size() == 1u, listed.dump(2));
    BOOST_TEST(listed[0].at("built_in") == true);
    std::string own_id = listed[0].at("id");

    auto added = folder.signctl_json({"trust", "add", pki.root.string(), "--name", "NEAC Root CA (TEST)"});
    std::string id = added.at("id");
    BOOST_TEST(id.size() == 16u);
    listed = folder.signctl_json({"trust", "list"});
    BOOST_TEST_REQUIRE(listed.size() == 2u, listed.dump(2));
    BOOST_TEST(listed[1].at("name") == "NEAC Root CA (TEST)");
    BOOST_TEST(fs::exists(folder.path("trust-anchors/" + id + ".json")));

    auto again = folder.signctl({"trust", "add", pki.root_der.string()});
    BOOST_TEST(again.exit_code == exit_conflict, again.output);
    auto own_again = folder.signctl({"trust", "add", folder.path("ca/root-ca.pem")});
    BOOST_TEST(own_again.exit_code == exit_conflict, own_again.output);
    auto leaf = folder.signctl({"trust", "add", pki.signer.string()});
    BOOST_TEST(leaf.exit_code == exit_invalid_input, leaf.output);
    BOOST_TEST(leaf.output.find("not a CA certificate") != std::string::npos, leaf.output);
    write(dir / "bundle.pem", read(pki.root) + read(pki.signer));
    auto bundle = folder.signctl({"trust", "add", (dir / "bundle.pem").string()});
    BOOST_TEST(bundle.exit_code == exit_invalid_input, bundle.output);
    write(dir / "junk.pem", "not a certificate");
    auto junk = folder.signctl({"trust", "add", (dir / "junk.pem").string()});
    BOOST_TEST(junk.exit_code == exit_invalid_input, junk.output);

    auto builtin = folder.signctl({"trust", "remove", own_id});
    BOOST_TEST(builtin.exit_code == exit_invalid_input, builtin.output);
    auto removed = folder.signctl({"trust", "remove", id});
    BOOST_TEST(removed.exit_code == 0, removed.output);
    BOOST_TEST(folder.signctl_json({"trust", "list"}).size() == 1u);
    auto unknown = folder.signctl({"trust", "remove", id});
    BOOST_TEST(unknown.exit_code == exit_not_found, unknown.output);
}

BOOST_AUTO_TEST_SUITE_END()
