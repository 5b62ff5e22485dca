#include <cctype>
#include <filesystem>

#include "../commands.h"
#include "../signing_setup.h"
#include "sign/cades.h"
#include "sign/xades.h"

namespace sign::signctl {

namespace fs = std::filesystem;

namespace {

std::span<const uint8_t> bytes_of(const std::vector<uint8_t>& data) { return {data.data(), data.size()}; }

bool has_extension(const fs::path& path, const char* extension) { return path.extension() == extension; }

// A file name as an RFC 3986 relative reference: everything but unreserved characters percent-encoded.
std::string uri_reference_for(const std::string& name) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

void add_sign_cms(CLI::App& sign, Cli& cli) {
    auto* cms = sign.add_subcommand("cms", "Make CAdES signatures (CMS SignedData, detached by default) of any files");
    auto args = std::make_shared<SignArguments>();
    auto enveloping = std::make_shared<bool>(false);
    add_sign_arguments(*cms, *args);
    cms->add_flag("--enveloping", *enveloping, "Put the content inside the signature (.p7m) instead of beside it (.p7s)");
    cms->callback([&cli, args, enveloping] {
        SigningSetup setup(cli.data(), *args);
        CadesOptions options{.detached = !*enveloping, .level = setup.level(), .registry = &setup.registry()};
        sign_inputs(
            *args, cli.json, {{"scheme", to_string(setup.signer().scheme)}, {"packaging", *enveloping ? "enveloping" : "detached"}},
            [](const fs::path& file) { return !has_extension(file, ".p7s") && !has_extension(file, ".p7m"); },
            [&](const fs::path& file) { return fs::path(file.string() + (*enveloping ? ".p7m" : ".p7s")); },
            [&](const fs::path& file) {
                auto content = read_bytes(file);
                return sign_cades(setup.signer(), bytes_of(content), options, setup.clock(), setup.timestamps());
            });
    });
}

void add_sign_xml(CLI::App& sign, Cli& cli) {
    auto* xml = sign.add_subcommand("xml", "Make XAdES signatures of XML documents (enveloped by default)");
    auto args = std::make_shared<SignArguments>();
    auto detached = std::make_shared<bool>(false);
    // xmlsec1 and most XML-DSig verifiers have no RSA-PSS yet.
    args->rsa_default = SignatureScheme::rsa_pkcs1v15;
    add_sign_arguments(*xml, *args);
    xml->add_flag("--detached", *detached,
                  "Write a separate signature document naming the signed file, which may be any file");
    xml->callback([&cli, args, detached] {
        SigningSetup setup(cli.data(), *args);
        sign_inputs(
            *args, cli.json, {{"scheme", to_string(setup.signer().scheme)}, {"packaging", *detached ? "detached" : "enveloped"}},
            [&](const fs::path& file) {
                return *detached ? file.filename().string().find(".xades.") == std::string::npos
                                 : has_extension(file, ".xml") && file.stem().extension() != ".signed";
            },
            [&](const fs::path& file) {
                if (*detached) return fs::path(file.string() + ".xades.xml");
                return file.parent_path() / (file.stem().string() + ".signed.xml");
            },
            [&](const fs::path& file) {
                XadesOptions options;
                options.packaging = *detached ? XadesPackaging::detached : XadesPackaging::enveloped;
                options.level = setup.level();
                options.registry = &setup.registry();
                // The verifier finds a detached file next to its signature, by this relative reference.
                if (*detached) options.detached_uri = uri_reference_for(file.filename().string());
                auto document = read_bytes(file);
                return sign_xades(setup.signer(), bytes_of(document), options, setup.clock(), setup.timestamps());
            });
    });
}

}  // namespace

void add_sign_commands(CLI::App& app, Cli& cli) {
    auto* sign = app.add_subcommand("sign", "Sign files with a key on the token: CAdES, XAdES (and PAdES)");
    sign->require_subcommand(1);
    add_sign_cms(*sign, cli);
    add_sign_xml(*sign, cli);
}

}  // namespace sign::signctl
