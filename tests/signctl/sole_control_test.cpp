// Sole control on the command line: with the data folder and the token PIN an
// operator still cannot sign as the leader; the leader's own PIN is checked
// with signd's wrong-PIN count and lock, and every attempt is an audit record.
// Seals sign as before.

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "command.h"
#include "minimal_pdf.h"
#include "temp_dir.h"
#include "token_pki.h"

using namespace sign::test;
namespace fs = std::filesystem;

namespace {

// A signer of its own for the leader's key, so its wrong PINs touch no other test's signer.
const std::string signer = "sole-control-leader";
const std::string right_pin = "97531864";

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string leader_serial() {
    auto serial = openssl({"x509", "-noout", "-serial", "-in", TokenPki::shared().path("certs/leader.pem")});
    std::string hex = serial.output.substr(serial.output.find('=') + 1);
    hex.erase(hex.find_last_not_of("\r\n") + 1);
    return hex;
}

const SignctlFolder& folder_with_signer() {
    static bool added = [] {
        auto& pki = TokenPki::shared();
        TempDir pins("sole-control-pin");
        write(pins / "pin", right_pin + "\n");
        auto result = pki.folder().signctl({"signer", "add", signer, "--name", "Nguyễn Văn An", "--cert", leader_serial(),
                                            "--pin-file", (pins / "pin").string()});
        BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
        return true;
    }();
    (void)added;
    return TokenPki::shared().folder();
}

std::vector<std::string> sign_pdf_as_leader(const fs::path& in, const fs::path& out, std::vector<std::string> extra) {
    auto& pki = TokenPki::shared();
    std::vector<std::string> argv = {"--json", "sign", "pdf", "--key", "pkcs11:object=leader;type=private", "--cert",
                                     pki.path("certs/leader.pem"), in.string(), "--out", out.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

int64_t last_sequence(const SignctlFolder& folder) {
    auto records = folder.signctl_json({"audit", "list", "--limit", "1"});
    return records.empty() ? 0 : records.back()["sequence"].get<int64_t>();
}

nlohmann::json records_after(const SignctlFolder& folder, int64_t sequence) {
    return folder.signctl_json({"audit", "list", "--after", std::to_string(sequence), "--limit", "100"});
}

nlohmann::json signer_record(const SignctlFolder& folder) {
    for (const auto& record : folder.signctl_json({"signer", "list"}))
        if (record["id"] == signer) return record;
    BOOST_FAIL("signer " << signer << " is not listed");
    return {};
}

std::string sha256_of(const fs::path& file) {
    auto digest = openssl({"dgst", "-sha256", "-r", file.string()});
    return digest.output.substr(0, 64);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sole_control)

BOOST_AUTO_TEST_CASE(the_token_pin_alone_cannot_sign_as_the_leader) {
    const auto& folder = folder_with_signer();
    TempDir dir("sole-control-refused");
    write(dir / "to-trinh.pdf", minimal_pdf());
    auto citizen_owner = folder.owner_of("citizen");  // registers the citizen's signer, an audit record of its own
    auto before = last_sequence(folder);

    auto refused = folder.signctl(sign_pdf_as_leader(dir / "to-trinh.pdf", dir / "out.pdf", {}));
    BOOST_TEST(refused.exit_code == 13, refused.output);
    BOOST_TEST(refused.output.find("\"signer_required\"") != std::string::npos, refused.output);
    BOOST_TEST(refused.output.find("signature request") != std::string::npos, refused.output);
    BOOST_TEST(!fs::exists(dir / "out.pdf"));

    // Not a signer of this key either: another person's signer cannot lend its PIN.
    auto not_theirs = folder.signctl(sign_pdf_as_leader(dir / "to-trinh.pdf", dir / "out.pdf", citizen_owner));
    BOOST_TEST(not_theirs.exit_code == 4, not_theirs.output);
    BOOST_TEST(not_theirs.output.find("\"signer_not_for_key\"") != std::string::npos, not_theirs.output);
    BOOST_TEST(!fs::exists(dir / "out.pdf"));

    auto records = records_after(folder, before);
    BOOST_TEST_REQUIRE(records.size() == 2u, records.dump(2));
    BOOST_TEST(records[0]["action"] == "signature.pdf");
    BOOST_TEST(records[0]["actor"] == "signctl");
    BOOST_TEST(records[0]["result"] == "signer_required");
    BOOST_TEST(records[0]["document_hash"] == sha256_of(dir / "to-trinh.pdf"));
    BOOST_TEST(records[0]["subject"].get<std::string>().find("object=leader") != std::string::npos, records[0].dump());
    BOOST_TEST(records[1]["result"] == "signer_not_for_key");
}

BOOST_AUTO_TEST_CASE(a_wrong_pin_is_refused_and_counted_the_right_one_signs_once_recorded) {
    const auto& folder = folder_with_signer();
    TempDir dir("sole-control-pin");
    write(dir / "to-trinh.pdf", minimal_pdf());
    write(dir / "wrong.pin", "00000000\n");
    write(dir / "right.pin", right_pin + "\n");
    BOOST_TEST_REQUIRE(signer_record(folder)["failed_pins"] == 0);
    auto before = last_sequence(folder);

    auto wrong = folder.signctl(sign_pdf_as_leader(dir / "to-trinh.pdf", dir / "out.pdf",
                                                   {"--signer", signer, "--signer-pin-file", (dir / "wrong.pin").string()}));
    BOOST_TEST(wrong.exit_code == 7, wrong.output);
    BOOST_TEST(wrong.output.find("\"wrong_pin\"") != std::string::npos, wrong.output);
    BOOST_TEST(wrong.output.find("4 attempts remain") != std::string::npos, wrong.output);
    BOOST_TEST(!fs::exists(dir / "out.pdf"));
    BOOST_TEST(signer_record(folder)["failed_pins"] == 1);
    auto refusals = records_after(folder, before);
    BOOST_TEST_REQUIRE(refusals.size() == 2u, refusals.dump(2));
    BOOST_TEST(refusals[0]["action"] == "signature.pdf");
    BOOST_TEST(refusals[0]["result"] == "wrong_pin");
    BOOST_TEST(refusals[1]["action"] == "authentication");
    BOOST_TEST(refusals[1]["subject"] == "signer:" + signer);

    auto middle = last_sequence(folder);
    auto right = folder.signctl(sign_pdf_as_leader(dir / "to-trinh.pdf", dir / "out.pdf",
                                                   {"--signer", signer, "--signer-pin-file", (dir / "right.pin").string()}));
    BOOST_TEST_REQUIRE(right.exit_code == 0, right.output);
    BOOST_TEST(signer_record(folder)["failed_pins"] == 0);
    auto checked = run_command({"pdfsig", "-nocert", (dir / "out.pdf").string()});
    BOOST_TEST(checked.output.find("Signature is Valid") != std::string::npos, checked.output);

    auto records = records_after(folder, middle);
    BOOST_TEST_REQUIRE(records.size() == 1u, records.dump(2));
    BOOST_TEST(records[0]["action"] == "signature.pdf");
    BOOST_TEST(records[0]["actor"] == "signctl");
    BOOST_TEST(records[0]["result"] == "ok");
    BOOST_TEST(records[0]["document_hash"] == sha256_of(dir / "to-trinh.pdf"));
    auto subject = records[0]["subject"].get<std::string>();
    BOOST_TEST(subject.find("signer=" + signer) != std::string::npos, subject);
    BOOST_TEST(subject.find("object=leader") != std::string::npos, subject);
}

BOOST_AUTO_TEST_CASE(the_agency_seal_still_signs_with_the_token_pin_and_is_recorded) {
    auto& pki = TokenPki::shared();
    const auto& folder = pki.folder();
    TempDir dir("sole-control-seal");
    write(dir / "cong-van.txt", "Công văn số 12/UBND\n");
    auto before = last_sequence(folder);

    auto sealed = folder.signctl({"sign", "cms", "--key", "pkcs11:object=agency-seal;type=private", "--cert",
                                  pki.path("certs/agency-seal.pem"), (dir / "cong-van.txt").string()});
    BOOST_TEST_REQUIRE(sealed.exit_code == 0, sealed.output);
    auto verified = openssl({"cms", "-verify", "-inform", "DER", "-in", (dir / "cong-van.txt.p7s").string(), "-binary",
                             "-content", (dir / "cong-van.txt").string(), "-CAfile", pki.path("certs/root-ca.pem"),
                             "-purpose", "any", "-out", "/dev/null"});
    BOOST_TEST(verified.output.find("Verification successful") != std::string::npos, verified.output);
    auto records = records_after(folder, before);
    BOOST_TEST_REQUIRE(records.size() == 1u, records.dump(2));
    BOOST_TEST(records[0]["action"] == "signature.cms");
    BOOST_TEST(records[0]["result"] == "ok");
    BOOST_TEST(records[0]["document_hash"] == sha256_of(dir / "cong-van.txt"));

    // A signer means nothing for a seal: refused rather than silently ignored.
    auto with_signer = folder.signctl({"--json", "sign", "cms", "--key", "pkcs11:object=agency-seal;type=private", "--cert",
                                       pki.path("certs/agency-seal.pem"), (dir / "cong-van.txt").string(), "--out",
                                       (dir / "again.p7s").string(), "--signer", signer, "--signer-pin-file",
                                       (dir / "cong-van.txt").string()});
    BOOST_TEST(with_signer.exit_code == 3, with_signer.output);
    BOOST_TEST(with_signer.output.find("\"signer_not_personal\"") != std::string::npos, with_signer.output);
    BOOST_TEST(!fs::exists(dir / "again.p7s"));
}

BOOST_AUTO_TEST_SUITE_END()
