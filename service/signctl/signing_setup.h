#pragma once
// What every `signctl sign ...` command shares: the options that name the
// signer and the level, the Signer built from them with its key on the token
// (a personal key activated by its owner's PIN first), the folder's TSA for
// B-T, and signing one file or a whole folder with a progress bar, each output
// written through a temporary file and a rename and each one an audit record.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "sign/data_folder/data_folder.h"
#include "sign/data_folder/local_timestamps.h"
#include "sign/clock.h"
#include "sign/signature_level.h"
#include "sign/signer.h"
#include "sign/validate/validation_data_collector.h"
#include "sign/signing/sole_control.h"

namespace sign::signctl {

using data_folder::DataFolder;

/// The options common to every format.
struct SignArguments {
    std::string key_uri;
    std::string certificate_file;
    std::string level = "b-b";
    std::optional<std::string> tsa;
    std::optional<std::string> scheme;
    std::string digest = "sha256";
    std::string input;                     ///< a file, or a folder whose matching files are all signed
    std::optional<std::string> out;        ///< a file, or for a folder input a folder
    bool quiet = false;                    ///< no progress bar
    std::optional<std::string> signer_id;  ///< the owner of a personal key (a registered signer)
    std::optional<std::string> signer_pin_file;  ///< that signer's PIN; asked on the terminal without it
    /// The scheme for RSA keys when --scheme is not given: RSA-PSS, as Circular 15 expects, except
    /// where the format's verifiers cannot check it yet (XML-DSig).
    SignatureScheme rsa_default = SignatureScheme::rsa_pss;
    /// The format takes b-lt and b-lta.
    bool long_term_levels = false;
};

/// Adds the options above to a `sign <format>` command.
void add_sign_arguments(CLI::App& command, SignArguments& arguments);

/// Writes the signed form of `input` to `output`, through a temporary file and a rename.
using SignOne = std::function<void(const std::filesystem::path& input, const std::filesystem::path& output)>;

/// The signer and time-stamp source for one command run.
class SigningSetup {
public:
    /// Opens the key and certificate and, for a personal key, checks its owner's PIN
    /// (signing::SoleControl). `action` ("signature.pdf", ...) names the audit records: a refusal
    /// here is recorded before it is thrown, and each file signed by audited() below is a record.
    SigningSetup(Cli& cli, const std::string& action, const SignArguments& arguments);
    SigningSetup(const SigningSetup&) = delete;
    SigningSetup& operator=(const SigningSetup&) = delete;

    /// `sign_one` with an audit record per file: the action, the key and signer, the input's
    /// SHA-256, "ok" or the refusal's code.
    SignOne with_audit_records(SignOne sign_one) const;

    const Signer& signer() const { return *signer_; }
    SignatureLevel level() const { return level_; }
    /// The TSA client for B-T and above, null for B-B.
    TimestampSource* timestamps() { return timestamps_ ? &timestamps_->client() : nullptr; }
    const Clock& clock() const { return clock_; }
    /// Our CA database, to refuse revoked signers.
    const CertificateRegistry& registry() const { return registry_; }

private:
    void open(DataFolder& data, const SignArguments& arguments);
    void activate(DataFolder& data, const SignArguments& arguments);

    Cli& cli_;
    std::string action_;
    const CertificateRegistry& registry_;
    SignatureLevel level_;
    signing::KeyActivation activation_;
    SystemClock clock_;
    std::optional<hsm::PrivateKey> key_;
    std::optional<Signer> signer_;
    std::optional<data_folder::LocalTimestamps> timestamps_;
};

/// Where long-term signatures and `signctl extend` find validation data: the folder's root as
/// the trust anchor, its issuing CA, its published CRLs (crl/*.crl), its own OCSP responder
/// in-process, and `fetcher` (may be null) for other CAs' AIA and CRL distribution points.
/// `data` is borrowed by the responder and must outlive the result.
validate::CollectionSources long_term_sources(DataFolder& data, validate::Fetcher* fetcher);

/// "b-b", "b-t", "b-lt", "b-lta"; invalid_input `unknown_signature_level` otherwise.
SignatureLevel parse_level(const std::string& text);

/// Writes the signed form of `input` to `output`, through a temporary file and a rename.
using SignOne = std::function<void(const std::filesystem::path& input, const std::filesystem::path& output)>;

/// The digest (`digest_name`, e.g. "sha256") of a file's bytes, read in blocks.
std::vector<uint8_t> digest_file(const std::filesystem::path& path, const std::string& digest_name);

/// A SignOne for formats that produce the signed bytes in memory.
SignOne writing(std::function<std::vector<uint8_t>(const std::filesystem::path& input)> sign_bytes);

/// Signs `arguments.input`: one file, or every regular file in the folder that `wanted` accepts,
/// in name order. `output_name(input)` names the output when --out does not. A failure on one file
/// of a folder is reported and the rest go on; the command then fails. Prints one JSON object per
/// file with --json (with `details` merged in), else a progress bar.
void sign_inputs(const SignArguments& arguments, bool json, const nlohmann::json& details,
                 const std::function<bool(const std::filesystem::path&)>& wanted,
                 const std::function<std::filesystem::path(const std::filesystem::path&)>& output_name,
                 const SignOne& sign_one);

}  // namespace sign::signctl
