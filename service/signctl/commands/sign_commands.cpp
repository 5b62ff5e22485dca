#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "sign/atomic_file.h"
#include "../commands.h"
#include "../document_formats.h"
#include "../signing_setup.h"
#include "sign/cades.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "sign/pades.h"
#include "sign/percent_encoding.h"
#include "sign/xades.h"

namespace sign::signctl {

namespace fs = std::filesystem;

namespace {

std::span<const uint8_t> bytes_of(const std::vector<uint8_t>& data) { return {data.data(), data.size()}; }

bool has_extension(const fs::path& path, const char* extension) { return path.extension() == extension; }

void add_sign_cms(CLI::App& sign, Cli& cli) {
    auto* cms = sign.add_subcommand("cms", "Make CAdES signatures (CMS SignedData, detached by default) of any files");
    auto args = std::make_shared<SignArguments>();
    auto enveloping = std::make_shared<bool>(false);
    args->long_term_levels = true;
    add_sign_arguments(*cms, *args);
    cms->add_flag("--enveloping", *enveloping, "Put the content inside the signature (.p7m) instead of beside it (.p7s)");
    cms->callback([&cli, args, enveloping] {
        SigningSetup setup(cli, "signature.cms", *args);
        // Our own signers' status comes from the folder's responder and CRLs; nothing is fetched.
        validate::CollectionSources sources = long_term_sources(cli.data(), nullptr);
        CadesOptions options{.detached = !*enveloping, .level = setup.level(), .registry = &setup.registry(),
                             .validation_sources = &sources};
        sign_inputs(
            *args, cli.json, {{"scheme", to_string(setup.signer().scheme)}, {"packaging", *enveloping ? "enveloping" : "detached"}},
            [](const fs::path& file) { return !has_extension(file, ".p7s") && !has_extension(file, ".p7m"); },
            [&](const fs::path& file) { return fs::path(file.string() + (*enveloping ? ".p7m" : ".p7s")); },
            setup.with_audit_records(writing([&](const fs::path& file) {
                if (*enveloping) {
                    auto content = read_file(file.string());
                    return sign_cades(setup.signer(), bytes_of(content), options, setup.clock(), setup.timestamps());
                }
                // Detached: hash the file as it streams by, so a large file is never held in memory. A
                // B-LTA's archive time-stamp covers the file's SHA-256: with another digest the file
                // is read whole.
                if (options.level == SignatureLevel::b_lta && EVP_MD_get_type(check_digest(setup.signer().digest)) != NID_sha256) {
                    auto content = read_file(file.string());
                    return sign_cades(setup.signer(), bytes_of(content), options, setup.clock(), setup.timestamps());
                }
                auto digest = digest_file(file, setup.signer().digest);
                return sign_cades_digest(setup.signer(), digest, options, setup.clock(), setup.timestamps());
            })));
    });
}

void add_sign_xml(CLI::App& sign, Cli& cli) {
    auto* xml = sign.add_subcommand("xml", "Make XAdES signatures of XML documents (enveloped by default)");
    auto args = std::make_shared<SignArguments>();
    auto detached = std::make_shared<bool>(false);
    // xmlsec1 and most XML-DSig verifiers have no RSA-PSS yet.
    args->rsa_default = SignatureScheme::rsa_pkcs1v15;
    args->long_term_levels = true;
    add_sign_arguments(*xml, *args);
    xml->add_flag("--detached", *detached,
                  "Write a separate signature document naming the signed file, which may be any file");
    xml->callback([&cli, args, detached] {
        SigningSetup setup(cli, "signature.xml", *args);
        // Our own signers' status comes from the folder's responder and CRLs; nothing is fetched.
        validate::CollectionSources sources = long_term_sources(cli.data(), nullptr);
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
            setup.with_audit_records(writing([&](const fs::path& file) {
                XadesOptions options;
                options.packaging = *detached ? XadesPackaging::detached : XadesPackaging::enveloped;
                options.level = setup.level();
                options.registry = &setup.registry();
                options.validation_sources = &sources;
                // The verifier finds a detached file next to its signature, by this relative reference.
                if (*detached) options.detached_uri = percent_encode(file.filename().string());
                auto document = read_file(file.string());
                return document_formats().sign_xades(setup.signer(), bytes_of(document), options, setup.clock(), setup.timestamps());
            })));
    });
}

struct PdfArguments {
    std::optional<std::string> image;
    int page = 1;
    std::optional<std::string> rect_mm;
    std::optional<std::string> existing_field;
    std::optional<std::string> seal_over;
    double seal_mm = 36;
    std::optional<std::string> stamp_number;
    std::optional<std::string> copy_kind;
    std::optional<std::string> copying_agency;
    std::string field_name;
    std::string reason;
    std::string location;
};

// "LEFT,BOTTOM,WIDTH,HEIGHT" in millimetres from the bottom-left corner of the page as shown.
PagePosition parse_rect_mm(int page, const std::string& text) {
    double numbers[4];
    char tail = 0;
    if (std::sscanf(text.c_str(), "%lf,%lf,%lf,%lf%c", &numbers[0], &numbers[1], &numbers[2], &numbers[3], &tail) != 4 ||
        numbers[2] <= 0 || numbers[3] <= 0)
        throw Error(ErrorKind::invalid_input, "invalid_rectangle",
                    "--rect must be LEFT,BOTTOM,WIDTH,HEIGHT in millimetres with a positive size (got '" + text + "')");
    return PagePosition{page, numbers[0], numbers[1], numbers[2], numbers[3]};
}

// The visible part of a PDF signature, from the command line.
void apply_appearance(const PdfArguments& args, PadesOptions& options) {
    bool placed = args.rect_mm || args.existing_field || args.seal_over;
    if (args.stamp_number) {
        if (placed || args.image)
            throw Error(ErrorKind::invalid_input, "stamp_with_image", "a text stamp (--stamp-number) shows no image and takes no placement");
        options.stamp = CopyStamp{*args.stamp_number, args.copy_kind.value_or(""), args.copying_agency.value_or("")};
        return;
    }
    if (!placed) {
        if (args.image) throw Error(ErrorKind::invalid_input, "image_without_place", "--image needs --rect, --field or --seal-over");
        return;  // invisible
    }
    if (!args.image) throw Error(ErrorKind::invalid_input, "place_without_image", "a visible signature needs --image");
    options.image = *args.image;
    if (args.seal_over) options.placement = SealOverLeader{ExistingField{*args.seal_over}, args.seal_mm};
    else if (args.existing_field) options.placement = ExistingField{*args.existing_field};
    else options.placement = parse_rect_mm(args.page, *args.rect_mm);
}

// Decree 30's order: the seal goes only over a valid leader signature, checked against the folder's
// root with the CRLs it published (`signctl crl generate`); an out-of-date CRL leaves the status
// unknown, and that is refused too.
validate::ValidationOptions leader_validation(DataFolder& data) {
    validate::ValidationOptions options;
    options.trust.trust_anchors.push_back(Certificate::from_pem(data.ca().root().pem));
    options.trust.intermediates.push_back(Certificate::from_pem(data.ca().issuing_ca().pem));
    for (const char* ca : {"root-ca", "issuing-ca"}) {
        auto crl = data.path(std::string("crl/") + ca + ".crl");
        if (fs::exists(crl)) options.extra.crls.push_back(read_file(crl));
    }
    return options;
}

void add_sign_pdf(CLI::App& sign, Cli& cli) {
    auto* pdf = sign.add_subcommand("pdf", "Make PAdES signatures of PDFs, appended as incremental updates (Decree 30 appearances)");
    auto args = std::make_shared<SignArguments>();
    auto look = std::make_shared<PdfArguments>();
    args->long_term_levels = true;
    add_sign_arguments(*pdf, *args);
    pdf->add_option("--image", look->image, "PNG to show: the leader's signature image, or with --seal-over the agency seal")
        ->check(CLI::ExistingFile);
    pdf->add_option("--page", look->page, "Page of --rect, from 1")->capture_default_str()->check(CLI::PositiveNumber);
    auto* rect = pdf->add_option("--rect", look->rect_mm, "Image box LEFT,BOTTOM,WIDTH,HEIGHT in mm from the bottom-left corner of the page as shown (rotation and crop box applied)");
    auto* field = pdf->add_option("--field", look->existing_field, "An existing empty signature field to sign in");
    auto* seal = pdf->add_option("--seal-over", look->seal_over,
                                 "The leader's signature field: draw --image as the seal over its left third");
    pdf->add_option("--seal-mm", look->seal_mm, "Real diameter of the seal in mm")->capture_default_str()->check(CLI::Range(10.0, 80.0));
    auto* stamp = pdf->add_option("--stamp-number", look->stamp_number,
                                  "Attachment or copy: the document number and symbol shown at the top right of page 1");
    pdf->add_option("--copy-kind", look->copy_kind, "For a copy: SAO Y, SAO LỤC or TRÍCH SAO")->needs(stamp);
    pdf->add_option("--copying-agency", look->copying_agency, "For a copy: the agency making it")->needs(stamp);
    pdf->add_option("--field-name", look->field_name, "Name of the new signature field (default Signature<n>)");
    pdf->add_option("--reason", look->reason, "/Reason of the signature");
    pdf->add_option("--location", look->location, "/Location of the signature");
    rect->excludes(field)->excludes(seal);
    field->excludes(seal);
    pdf->callback([&cli, args, look] {
        PadesOptions options;
        apply_appearance(*look, options);
        SigningSetup setup(cli, "signature.pdf", *args);
        options.level = setup.level();
        options.field_name = look->field_name;
        options.reason = look->reason;
        options.location = look->location;
        options.registry = &setup.registry();
        // Our own signers' status comes from the folder's responder and CRLs; nothing is fetched.
        validate::CollectionSources sources = long_term_sources(cli.data(), nullptr);
        options.validation_sources = &sources;
        std::optional<validate::ValidationOptions> leader_check;
        if (look->seal_over) leader_check = leader_validation(cli.data());
        sign_inputs(
            *args, cli.json, {{"scheme", to_string(setup.signer().scheme)}},
            [](const fs::path& file) { return has_extension(file, ".pdf") && file.stem().extension() != ".signed"; },
            [](const fs::path& file) { return file.parent_path() / (file.stem().string() + ".signed.pdf"); },
            setup.with_audit_records([&](const fs::path& input, const fs::path& output) {
                if (leader_check) document_formats().require_valid_leader_signature(input, *look->seal_over, *leader_check);
                document_formats().sign_pades(input, output, setup.signer(), setup.clock(), options, setup.timestamps());
            }));
    });
}

}  // namespace

void add_pdf_commands(CLI::App& app, Cli& cli) {
    auto* pdf = app.add_subcommand("pdf", "Work on PDFs between signatures");
    pdf->require_subcommand(1);
    auto* fill = pdf->add_subcommand("fill", "Fill text fields (document number, date) in an incremental update; "
                                             "earlier signatures stay valid");
    auto input = std::make_shared<std::string>();
    auto output = std::make_shared<std::optional<std::string>>();
    auto assignments = std::make_shared<std::vector<std::string>>();
    fill->add_option("IN", *input, "The PDF")->required()->check(CLI::ExistingFile);
    fill->add_option("--set", *assignments, "NAME=VALUE for a text field (repeatable)")->required();
    fill->add_option("--out", *output, "Where to write the result (default: IN with .filled.pdf)");
    fill->callback([&cli, input, output, assignments] {
        std::vector<std::pair<std::string, std::string>> values;
        for (const auto& assignment : *assignments) {
            auto equals = assignment.find('=');
            if (equals == std::string::npos || equals == 0)
                throw Error(ErrorKind::invalid_input, "invalid_assignment", "--set takes NAME=VALUE (got '" + assignment + "')");
            values.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
        }
        fs::path in(*input);
        fs::path out = output->has_value() ? fs::path(**output) : in.parent_path() / (in.stem().string() + ".filled.pdf");
        document_formats().fill_form_fields(in, out, values);
        if (cli.json) std::cout << nlohmann::json{{"file", out.string()}, {"fields", values.size()}}.dump() << "\n";
        else std::cout << "Filled " << values.size() << " field(s) into " << out.string() << "\n";
    });
}

void add_sign_commands(CLI::App& app, Cli& cli) {
    auto* sign = app.add_subcommand("sign", "Sign files with a key on the token: PAdES, XAdES, CAdES");
    sign->require_subcommand(1);
    add_sign_cms(*sign, cli);
    add_sign_xml(*sign, cli);
    add_sign_pdf(*sign, cli);
}

}  // namespace sign::signctl
