#include "sign/signing/seal_service.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "scratch_file.h"
#include "sign/cades.h"
#include "sign/error.h"
#include "sign/hsm/uri.h"
#include "sign/pades.h"
#include "sign/signer.h"
#include "sign/xades.h"

namespace sign::signing {

namespace fs = std::filesystem;

namespace {

constexpr double default_seal_diameter_mm = 36;

// The seal's real diameter, from the images.json that describes the folder's images (PNG files
// carry no physical size); 36 mm, the common size, when it says nothing about this image.
double seal_diameter_mm(const fs::path& images, const std::string& image_file) {
    std::ifstream in(images / "images.json");
    if (!in) return default_seal_diameter_mm;
    auto description = nlohmann::json::parse(in, nullptr, false);
    if (description.is_discarded()) return default_seal_diameter_mm;
    for (const auto& [name, entry] : description.items())
        if (entry.is_object() && entry.value("file", "") == image_file && entry.contains("diameter_mm"))
            return entry["diameter_mm"].get<double>();
    return default_seal_diameter_mm;
}

bool starts_with(std::span<const uint8_t> bytes, std::string_view prefix) {
    return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

}  // namespace

SealService::SealService(const SignerDirectory& signers, TimestampSource& timestamps, std::filesystem::path images,
                         const Clock& clock, std::map<std::string, SignatureScheme> schemes,
                         const LeaderSignatureCheck* leader_check, const UntrustedPdfs* untrusted_pdfs,
                         const validate::CollectionSources* long_term)
    : signers_(signers), timestamps_(timestamps), images_(std::move(images)), clock_(clock), schemes_(std::move(schemes)),
      leader_check_(leader_check),
      untrusted_pdfs_(untrusted_pdfs),
      long_term_(long_term) {
    // A configured scheme that cannot be used stops the start, not a clerk's request later.
    auto found = schemes_.empty() ? std::vector<SealInfo>{} : seals();
    for (const auto& [id, scheme] : schemes_) {
        const std::string& seal_id = id;  // clang 14 (the fuzzing build) cannot capture a structured binding
        auto seal = std::find_if(found.begin(), found.end(), [&](const SealInfo& s) { return s.id == seal_id; });
        if (seal == found.end())
            throw Error(ErrorKind::invalid_input, "invalid_config",
                        "a scheme is configured for the seal '" + id + "', which this data folder does not have");
        auto record = signers_.certificates().find(seal->certificate_serial);
        try {
            check_scheme_fits_key(signers_.key(record->key_uri).public_key().get(), scheme);
        } catch (const Error& e) {
            throw Error(ErrorKind::invalid_input, "invalid_config", "seal '" + id + "': " + e.what());
        }
    }
}

std::vector<SealInfo> SealService::seals() const {
    auto now = clock_.now();
    std::vector<SealInfo> found;
    for (const auto& record : signers_.certificates().list(std::string("agency"), false)) {
        if (record.key_uri.empty() || now < record.not_before || record.not_after < now) continue;
        auto label = hsm::Uri::parse(record.key_uri).object;
        if (!label) continue;
        SealInfo info{*label, record.subject, record.serial_hex, signers_.key(record.key_uri).key_type()};
        // Issue order: a renewed certificate for the same key label replaces the older one.
        auto same = std::find_if(found.begin(), found.end(), [&](const SealInfo& seal) { return seal.id == info.id; });
        if (same != found.end()) *same = std::move(info);
        else found.push_back(std::move(info));
    }
    return found;
}

SealInfo SealService::seal(const std::string& id) const {
    for (auto& info : seals())
        if (info.id == id) return info;
    throw Error(ErrorKind::not_found, "unknown_seal", "there is no valid agency seal '" + id + "' with its key on the token");
}

SealService::Prepared SealService::signer_for(const std::string& seal_id, bool xml) const {
    SealInfo info = seal(seal_id);
    auto record = signers_.certificates().find(info.certificate_serial);
    auto configured = schemes_.find(seal_id);
    SignatureScheme scheme = configured != schemes_.end() ? configured->second
                                                          : default_scheme_for(signers_.key(record->key_uri).public_key().get());
    // XML-DSig verifiers (xmlsec1 among them) have no RSA-PSS yet.
    if (xml && scheme == SignatureScheme::rsa_pss) scheme = SignatureScheme::rsa_pkcs1v15;
    return Prepared{info, signers_.signer(record->key_uri, info.certificate_serial, scheme)};
}

std::vector<uint8_t> SealService::seal_pdf(const std::string& seal_id, std::span<const uint8_t> pdf,
                                           const PdfSealPlacement& placement, SignatureLevel level) {
    if (level == SignatureLevel::b_b)
        throw Error(ErrorKind::invalid_input, "unsupported_signature_level", "a seal is time-stamped: b-t, b-lt or b-lta");
    bool long_term = level == SignatureLevel::b_lt || level == SignatureLevel::b_lta;
    if (long_term && !long_term_)
        throw Error(ErrorKind::policy, "long_term_unavailable", "this service has no validation data source for b-lt or b-lta seals");
    if (!starts_with(pdf, "%PDF-")) throw Error(ErrorKind::invalid_input, "not_a_pdf", "the document is not a PDF (no %PDF- header)");
    if (untrusted_pdfs_) untrusted_pdfs_->check(pdf);
    auto prepared = signer_for(seal_id, false);
    ScratchFile input("seal-in", ".pdf");
    ScratchFile output("seal-out", ".pdf");
    input.write(pdf);

    PadesOptions options;
    options.level = level;
    options.validation_sources = long_term ? long_term_ : nullptr;
    options.registry = &signers_.certificates();
    if (!placement.invisible) {
        const fs::path& images = images_;
        std::string image_file = seal_id + ".png";
        options.image = images / image_file;
        if (!fs::exists(options.image))
            throw Error(ErrorKind::not_found, "seal_image_missing",
                        "the seal image " + options.image.string() + " is missing; add it or ask for an invisible seal");
        double diameter = seal_diameter_mm(images, image_file);
        std::string leader = placement.leader_field;
        if (leader.empty() && !placement.page) {
            auto signed_fields = signed_signature_fields(input.path());
            if (!signed_fields.empty()) leader = signed_fields.back();
        }
        if (!leader.empty()) {
            signature_field_rect(input.path(), leader);  // field_not_found before anything else
            if (leader_check_) leader_check_->require_valid(input.path(), leader);
            options.placement = SealOverLeader{ExistingField{leader}, diameter};
        } else if (placement.page && placement.x_mm && placement.y_mm) {
            options.placement = PagePosition{*placement.page, *placement.x_mm, *placement.y_mm, diameter, diameter};
        } else {
            throw Error(ErrorKind::invalid_input, "seal_position_required",
                        "the PDF has no leader signature to seal over: give the leader's field, or page, x and y in mm, "
                        "or ask for an invisible seal");
        }
    }
    sign_pades(input.path(), output.path(), prepared.signer, clock_, options, &timestamps_);
    return output.read();
}

std::vector<uint8_t> SealService::seal_xml(const std::string& seal_id, std::span<const uint8_t> xml) {
    auto prepared = signer_for(seal_id, true);
    XadesOptions options;
    options.packaging = XadesPackaging::enveloped;
    options.level = SignatureLevel::b_t;
    options.registry = &signers_.certificates();
    return sign_xades(prepared.signer, xml, options, clock_, &timestamps_);
}

std::vector<uint8_t> SealService::seal_file(const std::string& seal_id, std::span<const uint8_t> content) {
    auto prepared = signer_for(seal_id, false);
    CadesOptions options{.detached = true, .level = SignatureLevel::b_t, .registry = &signers_.certificates()};
    return sign_cades(prepared.signer, content, options, clock_, &timestamps_);
}

}  // namespace sign::signing
