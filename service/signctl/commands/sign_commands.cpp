#include <chrono>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "../atomic_file.h"
#include "../commands.h"
#include "sign/cades.h"
#include "sign/error.h"
#include "sign/timestamp_authority.h"
#include "sign/timestamp_client.h"

namespace sign::signctl {

namespace {

struct CmsArguments {
    std::string key_uri;
    std::string certificate_file;
    std::string level = "b-b";
    bool enveloping = false;
    std::optional<std::string> tsa;
    std::optional<std::string> scheme;
    std::string digest = "sha256";
    std::string input_file;
    std::optional<std::string> out_file;
};

SignatureLevel parse_level(const std::string& text) {
    if (text == "b-b") return SignatureLevel::b_b;
    if (text == "b-t") return SignatureLevel::b_t;
    throw Error(ErrorKind::invalid_input, "unknown_signature_level",
                "unknown signature level '" + text + "': use b-b or b-t");
}

// The TSA certificate of this data folder: the newest good tsa-profile certificate whose key is
// the token object labelled "tsa", valid now.
Certificate local_tsa_certificate(DataFolder& data, std::chrono::system_clock::time_point now) {
    std::optional<Certificate> found;
    for (const auto& record : data.store().list(std::string("tsa"), false))
        if (record.key_uri.find("object=tsa;") != std::string::npos && record.not_before <= now && now <= record.not_after)
            found = Certificate::from_pem(record.pem);
    if (!found)
        throw Error(ErrorKind::not_found, "no_local_tsa",
                    "this data folder has no valid TSA certificate with the token key 'tsa': issue one with "
                    "`signctl cert issue --profile tsa --label tsa ...`");
    return std::move(*found);
}

// The chain to send with a signer's certificate: our issuing CA when it issued it, else nothing.
std::vector<Certificate> chain_for(DataFolder& data, const Certificate& certificate) {
    std::vector<Certificate> chain;
    Certificate issuing = Certificate::from_pem(data.ca().issuing_ca().pem);
    if (X509_check_issued(issuing.native(), certificate.native()) == X509_V_OK) chain.push_back(std::move(issuing));
    return chain;
}

void add_sign_cms(CLI::App& sign, Cli& cli) {
    auto* cms = sign.add_subcommand("cms", "Make a CAdES signature (CMS SignedData, detached by default) of a file");
    auto args = std::make_shared<CmsArguments>();
    cms->add_option("--key", args->key_uri, "PKCS#11 URI of the signing key, e.g. \"pkcs11:object=leader;type=private\"")
        ->required();
    cms->add_option("--cert", args->certificate_file, "The signer's certificate (PEM or DER)")
        ->required()
        ->check(CLI::ExistingFile);
    cms->add_option("--level", args->level, "b-b, or b-t to add a signature time-stamp (needs --tsa)")
        ->check(CLI::IsMember({"b-b", "b-t"}));
    cms->add_flag("--enveloping", args->enveloping, "Put the content inside the signature instead of beside it");
    cms->add_option("--tsa", args->tsa, "Time-stamp source; only \"local\" (this folder's TSA key and certificate) so far")
        ->check(CLI::IsMember({"local"}));
    cms->add_option("--scheme", args->scheme, "rsa-pkcs1, rsa-pss or ecdsa (default: rsa-pss for RSA, ecdsa for EC)");
    cms->add_option("--digest", args->digest, "sha256 (default), sha384, sha512 or sha3-256/384/512");
    cms->add_option("IN", args->input_file, "The file to sign")->required()->check(CLI::ExistingFile);
    cms->add_option("--out", args->out_file, "Where to write the DER signature (default: IN.p7s)");
    cms->callback([&cli, args] {
        DataFolder& data = cli.data();
        SignatureLevel level = parse_level(args->level);
        if (level == SignatureLevel::b_t && !args->tsa)
            throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "--level b-t needs --tsa local");
        auto now = std::chrono::system_clock::now();

        hsm::PrivateKey key = data.token().private_key(args->key_uri);
        Certificate certificate = Certificate::load(args->certificate_file);
        EvpPkeyPtr public_key = key.public_key();
        SignatureScheme scheme = args->scheme ? parse_signature_scheme(*args->scheme) : default_scheme_for(public_key.get());
        std::vector<Certificate> chain = chain_for(data, certificate);
        Signer signer{key, std::move(certificate), std::move(chain), scheme, args->digest};

        // The TSA and its client exist only for B-T; the client trusts only our root.
        std::optional<hsm::PrivateKey> tsa_key;
        std::optional<TimestampAuthority> authority;
        std::optional<TimestampClient> client;
        SystemClock clock;
        if (level == SignatureLevel::b_t) {
            tsa_key.emplace(data.token().private_key("pkcs11:object=tsa;type=private"));
            std::vector<Certificate> tsa_chain;
            tsa_chain.push_back(Certificate::from_pem(data.ca().issuing_ca().pem));
            authority.emplace(local_tsa_certificate(data, now), *tsa_key, std::move(tsa_chain), clock);
            std::vector<Certificate> intermediates;
            intermediates.push_back(Certificate::from_pem(data.ca().issuing_ca().pem));
            client.emplace(TimestampClient::local(*authority, Certificate::from_pem(data.ca().root().pem),
                                                  std::move(intermediates), clock));
        }

        std::string content = read_file(args->input_file);
        CadesOptions options{.detached = !args->enveloping, .level = level, .registry = &data.store()};
        auto signature = sign_cades(signer, std::span(reinterpret_cast<const uint8_t*>(content.data()), content.size()),
                                    options, clock, client ? &*client : nullptr);
        std::string out = args->out_file.value_or(args->input_file + ".p7s");
        write_file_atomically(out, std::string(signature.begin(), signature.end()));
        if (cli.json)
            std::cout << nlohmann::json{{"file", out},
                                        {"bytes", signature.size()},
                                        {"level", args->level},
                                        {"packaging", args->enveloping ? "enveloping" : "detached"},
                                        {"scheme", to_string(scheme)}}
                             .dump(2)
                      << "\n";
        else
            std::cout << "Wrote a " << (args->enveloping ? "enveloping" : "detached") << " CAdES-" << args->level
                      << " signature (" << signature.size() << " bytes) to " << out << "\n";
    });
}

}  // namespace

void add_sign_commands(CLI::App& app, Cli& cli) {
    auto* sign = app.add_subcommand("sign", "Sign files with a key on the token");
    sign->require_subcommand(1);
    add_sign_cms(*sign, cli);
}

}  // namespace sign::signctl
