#include "signing_setup.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "audit_trail.h"
#include "sign/atomic_file.h"
#include "sign/data_folder/hidden_input.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/key_policy.h"
#include "sign/messages.h"
#include "sign/openssl_ptr.h"

namespace sign::signctl {

namespace fs = std::filesystem;

SignatureLevel parse_level(const std::string& text) {
    if (auto level = signature_level_named(text)) return *level;
    throw Error(ErrorKind::invalid_input, "unknown_signature_level",
                "unknown signature level '" + text + "': use b-b, b-t, b-lt or b-lta");
}

validate::CollectionSources long_term_sources(DataFolder& data, validate::Fetcher* fetcher) {
    validate::CollectionSources sources;
    sources.trust.trust_anchors.push_back(Certificate::from_pem(data.ca().root().pem));
    sources.trust.intermediates.push_back(Certificate::from_pem(data.ca().issuing_ca().pem));
    for (const char* ca : {"root-ca", "issuing-ca"}) {
        auto crl = data.path(std::string("crl/") + ca + ".crl");
        if (fs::exists(crl)) sources.local.crls.push_back(read_file(crl));
    }
    sources.ocsp_responder = [&data](const std::vector<uint8_t>& request) {
        return data.ca().respond_ocsp(request, std::chrono::system_clock::now());
    };
    sources.fetcher = fetcher;
    return sources;
}

namespace {

// "[#######.............]  7/20  name" on one terminal line, or a plain line per file elsewhere.
void show_progress(size_t done, size_t total, const std::string& name) {
    constexpr size_t width = 30;
    size_t filled = total ? done * width / total : width;
    std::string bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " + std::to_string(done) +
                      "/" + std::to_string(total) + "  " + name;
    if (isatty(STDERR_FILENO)) {
        std::cerr << "\r\033[K" << bar << (done == total ? "\n" : "") << std::flush;
    } else {
        std::cerr << bar << "\n";
    }
}

// The owner's PIN: from the file the signer handed over, else typed unseen at the terminal.
std::string signer_pin(const SignArguments& arguments) {
    if (arguments.signer_pin_file) {
        hsm::Pin pin = hsm::Pin::from_file(*arguments.signer_pin_file);
        return std::string(pin.c_str(), pin.size());
    }
    if (!isatty(STDIN_FILENO))
        throw Error(ErrorKind::policy, "signer_pin_required",
                    "the PIN of signer '" + *arguments.signer_id +
                        "' is needed: the signer types it on a terminal, or gives it in --signer-pin-file");
    return data_folder::read_hidden_line(i18n::format(i18n::tr("PIN for signer '{}': "), {*arguments.signer_id}));
}

// The SHA-256 of a single input file, so that even a refused signature names its document.
std::string input_hash(const SignArguments& arguments) {
    std::error_code error;
    if (!fs::is_regular_file(arguments.input, error)) return "";
    try {
        return to_hex(digest_file(arguments.input, "sha256"));
    } catch (const Error&) {
        return "";
    }
}

}  // namespace

std::vector<uint8_t> digest_file(const fs::path& path, const std::string& digest_name) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorKind::not_found, "file_not_found", "cannot read " + path.string());
    EvpMdCtxPtr context(EVP_MD_CTX_new());
    if (!context || EVP_DigestInit_ex(context.get(), check_digest(digest_name), nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot start a digest: " + drain_openssl_errors());
    std::vector<char> block(1 << 16);
    while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0)
        EVP_DigestUpdate(context.get(), block.data(), static_cast<size_t>(in.gcount()));
    std::vector<uint8_t> digest(EVP_MAX_MD_SIZE);
    unsigned length = 0;
    EVP_DigestFinal_ex(context.get(), digest.data(), &length);
    digest.resize(length);
    return digest;
}

void add_sign_arguments(CLI::App& command, SignArguments& arguments) {
    command.add_option("--key", arguments.key_uri, "PKCS#11 URI of the signing key, e.g. \"pkcs11:object=leader;type=private\"")
        ->required();
    command.add_option("--cert", arguments.certificate_file, "The signer's certificate (PEM or DER)")
        ->required()
        ->check(CLI::ExistingFile);
    if (arguments.long_term_levels)
        command.add_option("--level", arguments.level,
                           "b-b, b-t to add a signature time-stamp (needs --tsa), b-lt to add the validation data too, "
                           "b-lta to add an archive (PDF: document) time-stamp over them")
            ->check(CLI::IsMember({"b-b", "b-t", "b-lt", "b-lta"}))
            ->capture_default_str();
    else
        command.add_option("--level", arguments.level, "b-b, or b-t to add a signature time-stamp (needs --tsa)")
            ->check(CLI::IsMember({"b-b", "b-t"}))
            ->capture_default_str();
    command.add_option("--tsa", arguments.tsa, "Time-stamp source; only \"local\" (this folder's TSA key and certificate) so far")
        ->check(CLI::IsMember({"local"}));
    command.add_option("--scheme", arguments.scheme,
                       "rsa-pkcs1, rsa-pss or ecdsa (default: ecdsa for EC keys; for RSA keys rsa-pss, or rsa-pkcs1 for XML)");
    command.add_option("--digest", arguments.digest, "sha256, sha384, sha512 or sha3-256/384/512")->capture_default_str();
    command.add_option("IN", arguments.input, "The file to sign, or a folder: every matching file in it is signed")
        ->required()
        ->check(CLI::ExistingPath);
    command.add_option("--out", arguments.out, "Output file, or output folder when IN is a folder");
    command.add_flag("--quiet", arguments.quiet, "No progress bar when signing a folder");
    auto* signer = command.add_option("--signer", arguments.signer_id,
                                      "For a personal key (leader, citizen): the signer registered for it, whose PIN "
                                      "is then asked; without it only seals and service keys sign");
    command.add_option("--signer-pin-file", arguments.signer_pin_file,
                       "File the signer provides holding their PIN (instead of typing it)")
        ->needs(signer);
}

SigningSetup::SigningSetup(Cli& cli, const std::string& action, const SignArguments& arguments)
    : cli_(cli), action_(action), registry_(cli.data().database().certificates()), level_(parse_level(arguments.level)) {
    DataFolder& data = cli.data();
    AuditedSubject refused{"key=" + arguments.key_uri, input_hash(arguments), ""};
    if (arguments.signer_id) refused.subject = "signer=" + *arguments.signer_id + " " + refused.subject;
    try {
        open(data, arguments);
    } catch (const Error& refusal) {
        record_refusal(cli, action, refused, refusal);
        throw;
    }
    // A wrong or locked PIN from here on is the signer's, not the token's.
    if (arguments.signer_id) refused.authenticated = "signer:" + *arguments.signer_id;
    try {
        activate(data, arguments);
    } catch (const Error& refusal) {
        record_refusal(cli, action, refused, refusal);
        throw;
    }
}

void SigningSetup::open(DataFolder& data, const SignArguments& arguments) {
    if (has_signature_timestamp(level_) && !arguments.tsa)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing",
                    std::string("--level ") + to_string(level_) + " needs --tsa local");
    key_.emplace(data.token().private_key(arguments.key_uri));
    Certificate certificate = Certificate::load(arguments.certificate_file);
    EvpPkeyPtr public_key = key_->public_key();
    SignatureScheme scheme = default_scheme_for(public_key.get());
    if (scheme == SignatureScheme::rsa_pss) scheme = arguments.rsa_default;
    if (arguments.scheme) scheme = parse_signature_scheme(*arguments.scheme);
    std::vector<Certificate> chain = data.ca().chain_for(certificate);
    signer_.emplace(Signer{*key_, std::move(certificate), std::move(chain), scheme, arguments.digest});

    // The folder's own TSA, reached in-process; its client trusts only our root.
    if (has_signature_timestamp(level_)) timestamps_.emplace(data.token(), data.database().certificates(), data.ca(), clock_);
}

void SigningSetup::activate(DataFolder& data, const SignArguments& arguments) {
    signing::SoleControl sole_control(data.database().certificates(), data.profiles(), data.database().signers());
    activation_ = sole_control.activate(*key_, arguments.signer_id, [&] { return signer_pin(arguments); },
                                        std::chrono::system_clock::now());
}

SignOne SigningSetup::with_audit_records(SignOne sign_one) const {
    return [this, sign_one = std::move(sign_one)](const fs::path& input, const fs::path& output) {
        AuditedSubject subject{activation_.audit_subject(), "", ""};
        signctl::audited(cli_, action_, subject, [&] {
            // Hashed before signing, so a refused file is named by its content too.
            subject.document_hash = to_hex(digest_file(input, "sha256"));
            sign_one(input, output);
            return std::string();
        });
    };
}

SignOne writing(std::function<std::vector<uint8_t>(const fs::path& input)> sign_bytes) {
    return [sign_bytes = std::move(sign_bytes)](const fs::path& input, const fs::path& output) {
        auto signed_bytes = sign_bytes(input);
        write_file_atomically(output.string(), std::string(signed_bytes.begin(), signed_bytes.end()));
    };
}

void sign_inputs(const SignArguments& arguments, bool json, const nlohmann::json& details,
                 const std::function<bool(const fs::path&)>& wanted,
                 const std::function<fs::path(const fs::path&)>& output_name, const SignOne& sign_one) {
    fs::path input(arguments.input);
    auto write = [&](const fs::path& from, const fs::path& to) {
        sign_one(from, to);
        auto size = fs::file_size(to);
        if (json) {
            nlohmann::json line = details;
            line.update({{"input", from.string()}, {"file", to.string()}, {"bytes", size}, {"level", arguments.level}});
            std::cout << line.dump() << "\n";
        }
        return size;
    };

    if (!fs::is_directory(input)) {
        fs::path output = arguments.out ? fs::path(*arguments.out) : output_name(input);
        auto size = write(input, output);
        if (!json)
            std::cout << i18n::format(i18n::tr("Signed {} -> {} ({} bytes)"), {input.string(), output.string(), std::to_string(size)})
                      << "\n";
        return;
    }

    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(input))
        if (entry.is_regular_file() && wanted(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    fs::path output_folder = arguments.out ? fs::path(*arguments.out) : input;
    fs::create_directories(output_folder);

    size_t failures = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        if (!json && !arguments.quiet) show_progress(i, files.size(), files[i].filename().string());
        try {
            write(files[i], output_folder / output_name(files[i]).filename());
        } catch (const Error& error) {
            ++failures;
            std::cerr << (isatty(STDERR_FILENO) ? "\r\033[K" : "") << files[i].string() << ": "
                      << i18n::translate_message(error.what()) << "\n";
            if (json)
                std::cout << nlohmann::json{{"input", files[i].string()}, {"error", {{"code", error.code()}, {"message", error.what()}}}}
                                 .dump()
                          << "\n";
        }
    }
    if (!json && !arguments.quiet) show_progress(files.size(), files.size(), "");
    if (!json)
        std::cout << i18n::format(i18n::tr("Signed {} of {} files into {}"),
                                  {std::to_string(files.size() - failures), std::to_string(files.size()), output_folder.string()})
                  << "\n";
    if (failures > 0)
        throw Error(ErrorKind::invalid_input, "some_files_not_signed",
                    std::to_string(failures) + " of " + std::to_string(files.size()) + " files could not be signed");
}

}  // namespace sign::signctl
