// `signctl sign xml` and signing whole folders, against the test PKI's own data
// folder: xmlsec1 and openssl accept what is written, a file that cannot be
// signed is reported while the others are signed, and nothing half-written stays.

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "command.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign::test;
namespace fs = std::filesystem;

namespace {

const std::string form = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<DonDeNghi Id=\"don\"><NguoiNop>Trần Thị Bích Ngọc</NguoiNop><NoiDung>Cấp bản sao giấy khai sinh</NoiDung></DonDeNghi>\n";

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

CommandResult xmlsec_verify(const fs::path& signature, const std::string& detached_uri = {}, const fs::path& detached = {}) {
    auto& pki = TokenPki::shared();
    std::vector<std::string> argv = {"xmlsec1", "--verify", "--trusted-pem", pki.path("certs/root-ca.pem"),
                                     "--untrusted-pem", pki.path("certs/issuing-ca.pem"),
                                     "--id-attr:Id", "http://uri.etsi.org/01903/v1.3.2#:SignedProperties"};
    if (detached_uri.empty())
        argv.insert(argv.end(), {"--enabled-reference-uris", "empty,same-doc"});
    else
        argv.insert(argv.end(), {"--enabled-reference-uris", "same-doc,remote", "--url-map:" + detached_uri, detached.string()});
    argv.push_back(signature.string());
    return run_command(argv);
}

std::vector<std::string> leader_signs(const std::vector<std::string>& command) {
    auto& pki = TokenPki::shared();
    std::vector<std::string> argv = {"sign"};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.insert(argv.end(), {"--key", "pkcs11:object=leader;type=private", "--cert", pki.path("certs/leader.pem")});
    auto owner = pki.folder().owner_of("leader");
    argv.insert(argv.end(), owner.begin(), owner.end());
    return argv;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signctl_sign)

BOOST_AUTO_TEST_CASE(an_enveloped_xades_b_t_verifies_with_xmlsec1) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-xml");
    write(dir / "don.xml", form);
    auto result = pki.folder().signctl(leader_signs({"xml", (dir / "don.xml").string(), "--level", "b-t", "--tsa", "local"}));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    auto verified = xmlsec_verify(dir / "don.signed.xml");
    BOOST_TEST(verified.output.find("OK") != std::string::npos, verified.output);
    std::ifstream in(dir / "don.signed.xml");
    std::string signed_text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(signed_text.find("Trần Thị Bích Ngọc") != std::string::npos);
    BOOST_TEST(signed_text.find("SignatureTimeStamp") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_detached_xades_names_a_vietnamese_file_name_that_xmlsec1_resolves) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-xml-detached");
    write(dir / "hồ sơ.pdf", "%PDF-1.4 not really, any bytes will do\n");
    auto result = pki.folder().signctl(leader_signs({"xml", "--detached", (dir / "hồ sơ.pdf").string()}));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    // The Reference holds "h%E1%BB%93%20s%C6%A1.pdf"; xmlsec1 decodes it before looking in its URL map.
    auto verified = xmlsec_verify(dir / "hồ sơ.pdf.xades.xml", "hồ sơ.pdf", dir / "hồ sơ.pdf");
    BOOST_TEST(verified.output.find("OK") != std::string::npos, verified.output);
    std::ifstream in(dir / "hồ sơ.pdf.xades.xml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(text.find("URI=\"h%E1%BB%93%20s%C6%A1.pdf\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_folder_is_signed_file_by_file_and_a_bad_file_is_reported) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-folder");
    fs::create_directory(dir / "in");
    write(dir / "in" / "a.xml", form);
    write(dir / "in" / "b.xml", form);
    write(dir / "in" / "c.xml", "this is not XML at all");
    write(dir / "in" / "notes.txt", "not an .xml file: left alone");
    auto result = pki.folder().signctl(leader_signs({"xml", (dir / "in").string(), "--out", (dir / "out").string()}));
    BOOST_TEST(result.exit_code == 3, result.output);
    BOOST_TEST(result.output.find("c.xml") != std::string::npos, result.output);
    BOOST_TEST(result.output.find("3/3") != std::string::npos, result.output);  // the progress bar reached the end
    BOOST_TEST(result.output.find("1 of 3 files could not be signed") != std::string::npos, result.output);

    std::vector<std::string> written;
    for (const auto& entry : fs::directory_iterator(dir / "out")) written.push_back(entry.path().filename());
    std::sort(written.begin(), written.end());
    BOOST_TEST(written == (std::vector<std::string>{"a.signed.xml", "b.signed.xml"}));
    for (const auto& name : written) {
        auto verified = xmlsec_verify(dir / "out" / name);
        BOOST_TEST(verified.output.find("OK") != std::string::npos, name << ": " << verified.output);
    }
}

BOOST_AUTO_TEST_CASE(a_folder_of_any_files_gets_cades_signatures_with_json_lines) {
    auto& pki = TokenPki::shared();
    TempDir dir("signctl-folder-cms");
    for (const char* name : {"1.txt", "2.bin", "3.doc"}) write(dir / name, std::string("nội dung ") + name);
    std::vector<std::string> argv = {"--json", "sign", "cms", "--key", "pkcs11:object=citizen;type=private", "--cert",
                                     pki.path("certs/citizen.pem"), dir.path().string()};
    auto owner = pki.folder().owner_of("citizen");
    argv.insert(argv.end(), owner.begin(), owner.end());
    auto result = pki.folder().signctl(argv);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    BOOST_TEST(std::count(result.output.begin(), result.output.end(), '\n') == 3);
    for (const char* name : {"1.txt", "2.bin", "3.doc"}) {
        auto verified = run_command({"openssl", "cms", "-verify", "-inform", "DER", "-in", (dir / (std::string(name) + ".p7s")).string(),
                                     "-binary", "-content", (dir / name).string(), "-CAfile", pki.path("certs/root-ca.pem"),
                                     "-purpose", "any", "-out", "/dev/null"});
        BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, name << ": " << verified.output);
    }
}

BOOST_AUTO_TEST_SUITE_END()
