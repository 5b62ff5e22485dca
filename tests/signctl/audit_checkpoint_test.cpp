// Signed checkpoints of the audit chain: `signctl audit checkpoint` signs the
// head with the token's audit key (a sign-only key `token check` accepts) and
// time-stamps it; openssl checks the exported signature and time-stamp on its
// own; records appended later still verify, while a forged checkpoint, a
// rewritten checkpointed record and records cut off the end (with sqlite3) make
// `audit verify` fail with a named problem and exit code 9.

#include <boost/test/unit_test.hpp>

#include <fstream>

#include "command.h"
#include "signctl_folder.h"
#include "temp_dir.h"

using sign::test::openssl;
using sign::test::run_command;
using sign::test::SignctlFolder;
using sign::test::TempDir;

namespace {

void write_file(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string decode_base64(const std::string& text) {
    auto result = run_command({"openssl", "base64", "-d", "-A"}, {}, text);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
    return result.output;
}

void sqlite3(const SignctlFolder& folder, const std::string& sql) {
    auto result = run_command({"sqlite3", folder.path("sign.db"), sql});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.output);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_checkpoints)

BOOST_AUTO_TEST_CASE(checkpoints_show_truncation_rewriting_and_forgery_and_openssl_checks_them) {
    SignctlFolder folder;
    auto pki = folder.make_test_pki();
    BOOST_TEST_REQUIRE(pki.exit_code == 0, pki.output);
    folder.signctl_json({"client", "add", "portal", "--name", "Cổng dịch vụ công", "--verify-only"});

    auto made = folder.signctl_json({"audit", "checkpoint"});
    int64_t covered = made["sequence"].get<int64_t>();
    BOOST_TEST_REQUIRE(covered > 1);
    auto head = folder.signctl_json({"audit", "list", "--after", std::to_string(covered - 1), "--limit", "1"});
    BOOST_TEST_REQUIRE(head.size() == 1u);
    BOOST_TEST(made["head_hash"] == head[0]["hash"]);
    auto checkpoint_record = folder.signctl_json({"audit", "list", "--limit", "1"});
    BOOST_TEST(checkpoint_record[0]["action"] == "audit.checkpoint");

    // The audit key is like every other key: sign-only, nothing for token check to fix.
    auto checked = folder.signctl({"token", "check"});
    BOOST_TEST(checked.exit_code == 0, checked.output);
    auto objects = folder.signctl_json({"token", "objects"});
    BOOST_TEST(objects.dump().find("audit-checkpoint") != std::string::npos, objects.dump(1));

    // Records after the checkpoint leave it valid.
    folder.signctl_json({"client", "add", "dms", "--name", "Hệ thống quản lý văn bản", "--verify-only"});
    auto intact = folder.signctl({"audit", "verify"});
    BOOST_TEST(intact.exit_code == 0, intact.output);
    BOOST_TEST(intact.output.find("1 checkpoint(s)") != std::string::npos, intact.output);

    // Exported, the checkpoint stands on its own: openssl checks the signature with the exported
    // public key, and the time-stamp over the signature against the test root.
    TempDir dir("checkpoint-export");
    std::string exported_path = (dir / "checkpoints.json").string();
    auto exported_run = folder.signctl({"audit", "checkpoints", "export", "--output", exported_path});
    BOOST_TEST_REQUIRE(exported_run.exit_code == 0, exported_run.output);
    std::ifstream in(exported_path);
    auto exported = nlohmann::json::parse(in);
    BOOST_TEST_REQUIRE(exported["checkpoints"].size() == 1u);
    const auto& checkpoint = exported["checkpoints"][0];
    BOOST_TEST(checkpoint["sequence"] == covered);
    write_file((dir / "statement.txt").string(), checkpoint["statement"].get<std::string>());
    write_file((dir / "signature.der").string(), decode_base64(checkpoint["signature"].get<std::string>()));
    write_file((dir / "audit.pem").string(), exported["audit_public_key_pem"].get<std::string>());
    auto verified = openssl({"dgst", "-sha256", "-verify", (dir / "audit.pem").string(), "-signature",
                             (dir / "signature.der").string(), (dir / "statement.txt").string()});
    BOOST_TEST(verified.exit_code == 0, verified.output);
    BOOST_TEST(verified.output.find("Verified OK") != std::string::npos, verified.output);
    BOOST_TEST(checkpoint["statement"].get<std::string>().find("head: " + checkpoint["head_hash"].get<std::string>()) !=
               std::string::npos);
    write_file((dir / "tst.der").string(), decode_base64(checkpoint["timestamp_token"].get<std::string>()));
    write_file((dir / "chain.pem").string(), exported["tsa_chain_pem"].get<std::string>());
    auto imprint = openssl({"dgst", "-sha256", "-r", (dir / "signature.der").string()});
    BOOST_TEST_REQUIRE(imprint.exit_code == 0, imprint.output);
    auto stamped = openssl({"ts", "-verify", "-digest", imprint.output.substr(0, 64), "-in", (dir / "tst.der").string(),
                            "-token_in", "-CAfile", (dir / "chain.pem").string()});
    BOOST_TEST(stamped.exit_code == 0, stamped.output);
    BOOST_TEST(stamped.output.find("Verification: OK") != std::string::npos, stamped.output);
    // A changed statement does not verify.
    write_file((dir / "statement.txt").string(), checkpoint["statement"].get<std::string>() + " ");
    BOOST_TEST(openssl({"dgst", "-sha256", "-verify", (dir / "audit.pem").string(), "-signature",
                        (dir / "signature.der").string(), (dir / "statement.txt").string()})
                   .exit_code != 0);

    // A forged checkpoint (someone's own signature over a claim) is named and fails verify.
    sqlite3(folder, "INSERT INTO audit_checkpoints (sequence, head_hash, created_at_us, statement, signature, "
                    "public_key_spki, timestamp_token) SELECT sequence + 1, head_hash, created_at_us, statement, "
                    "signature, public_key_spki, timestamp_token FROM audit_checkpoints WHERE id = 1");
    auto forged = folder.signctl({"audit", "verify"});
    BOOST_TEST(forged.exit_code == 9, forged.output);
    BOOST_TEST(forged.output.find("checkpoint_signature_invalid") != std::string::npos, forged.output);
    sqlite3(folder, "DELETE FROM audit_checkpoints WHERE id = 2");
    BOOST_TEST(folder.signctl({"audit", "verify"}).exit_code == 0);

    // The checkpointed record rewritten (its hash too) is named against the checkpoint.
    sqlite3(folder, "UPDATE audit_log SET hash = '" + std::string(64, 'e') + "' WHERE sequence = " + std::to_string(covered));
    auto rewritten = folder.signctl({"--json", "audit", "verify"});
    BOOST_TEST(rewritten.exit_code == 9, rewritten.output);
    BOOST_TEST(rewritten.output.find("checkpoint_mismatch") != std::string::npos, rewritten.output);

    // Records cut off the end: the chain left is valid in itself, the checkpoint shows the cut.
    sqlite3(folder, "DELETE FROM audit_log WHERE sequence >= " + std::to_string(covered - 1));
    auto truncated = folder.signctl({"audit", "verify"});
    BOOST_TEST(truncated.exit_code == 9, truncated.output);
    BOOST_TEST(truncated.output.find("audit_truncated") != std::string::npos, truncated.output);
    BOOST_TEST(truncated.output.find("hash_mismatch") == std::string::npos, truncated.output);
    sqlite3(folder, "DELETE FROM audit_log");
    auto emptied = folder.signctl({"--json", "audit", "verify"});
    BOOST_TEST(emptied.exit_code == 9, emptied.output);
    BOOST_TEST(emptied.output.find("audit_truncated") != std::string::npos, emptied.output);
}

BOOST_AUTO_TEST_SUITE_END()
