#include "sign/verification/trust_anchors.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sign/atomic_file.h"
#include "sign/certificate.h"
#include "sign/error.h"
#include "sign/utc_time.h"

namespace sign::verification {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t id_length = 16;

Certificate parse_certificate(std::span<const std::uint8_t> bytes) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    constexpr std::string_view armour = "-----BEGIN CERTIFICATE-----";
    auto first = text.find(armour);
    if (first == std::string_view::npos) return Certificate::from_der(bytes);
    if (text.find(armour, first + armour.size()) != std::string_view::npos)
        throw Error(ErrorKind::invalid_input, "one_certificate_per_anchor",
                    "the file holds several certificates: add each root by itself");
    return Certificate::from_pem(text);
}

std::string name_of(const Certificate& certificate) {
    return certificate.subject().get("CN").value_or(certificate.subject().to_string());
}

TrustAnchor describe(const Certificate& certificate, std::string name, bool built_in, std::string added_at) {
    std::string fingerprint = certificate.fingerprint_sha256();
    return TrustAnchor{.id = fingerprint.substr(0, id_length),
                       .name = name.empty() ? name_of(certificate) : std::move(name),
                       .subject = certificate.subject().to_string(),
                       .fingerprint_sha256 = fingerprint,
                       .not_before = certificate.not_before(),
                       .not_after = certificate.not_after(),
                       .built_in = built_in,
                       .added_at = std::move(added_at)};
}

struct StoredAnchor {
    TrustAnchor anchor;
    Certificate certificate;
};

StoredAnchor read_anchor(const fs::path& file) {
    auto bytes = read_file(file.string());
    auto json = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (!json.is_object() || !json.contains("certificate") || !json["certificate"].is_string())
        throw Error(ErrorKind::invalid_input, "trust_anchor_unreadable", "the trust anchor file " + file.string() + " is damaged");
    auto certificate = Certificate::from_pem(json["certificate"].get<std::string>());
    auto anchor = describe(certificate, json.value("name", ""), false, json.value("addedAt", ""));
    return {std::move(anchor), std::move(certificate)};
}

}  // namespace

TrustAnchorFolder::TrustAnchorFolder(fs::path data_root) : root_(std::move(data_root)) {}

fs::path TrustAnchorFolder::anchor_folder() const { return root_ / "trust-anchors"; }

std::vector<TrustAnchor> TrustAnchorFolder::list() const {
    std::vector<TrustAnchor> anchors;
    fs::path own_root = root_ / "ca" / "root-ca.pem";
    if (fs::exists(own_root)) anchors.push_back(describe(Certificate::load(own_root.string()), "", true, ""));
    std::vector<TrustAnchor> added;
    if (fs::is_directory(anchor_folder()))
        for (const auto& entry : fs::directory_iterator(anchor_folder()))
            if (entry.path().extension() == ".json") added.push_back(read_anchor(entry.path()).anchor);
    std::sort(added.begin(), added.end(), [](const TrustAnchor& a, const TrustAnchor& b) { return a.name < b.name; });
    anchors.insert(anchors.end(), added.begin(), added.end());
    return anchors;
}

TrustAnchor TrustAnchorFolder::add(std::span<const std::uint8_t> bytes, const std::string& name,
                                   std::chrono::system_clock::time_point now) {
    auto certificate = parse_certificate(bytes);
    if (!certificate.is_ca())
        throw Error(ErrorKind::invalid_input, "not_a_ca_certificate",
                    "'" + certificate.subject().to_string() + "' is not a CA certificate (basicConstraints cA is not TRUE): only a CA can be a trust anchor");
    auto anchor = describe(certificate, name, false, format_utc(now));
    for (const auto& existing : list())
        if (existing.fingerprint_sha256 == anchor.fingerprint_sha256)
            throw Error(ErrorKind::conflict, "trust_anchor_exists", "this certificate is trusted already, as " + existing.id + " (" + existing.name + ")");
    fs::create_directories(anchor_folder());
    nlohmann::json stored = {{"name", anchor.name}, {"addedAt", anchor.added_at}, {"certificate", certificate.to_pem()}};
    write_file_atomically((anchor_folder() / (anchor.id + ".json")).string(), stored.dump(2) + "\n");
    return anchor;
}

void TrustAnchorFolder::remove(const std::string& id) {
    for (const auto& anchor : list()) {
        if (anchor.id != id) continue;
        if (anchor.built_in)
            throw Error(ErrorKind::invalid_input, "built_in_trust_anchor", "the data folder's own root is always trusted and cannot be removed");
        fs::remove(anchor_folder() / (id + ".json"));
        return;
    }
    throw Error(ErrorKind::not_found, "trust_anchor_not_found", "no trust anchor has the id '" + id + "' (see `signctl trust list`)");
}

validate::TrustSettings TrustAnchorFolder::trust_settings() const {
    validate::TrustSettings settings;
    fs::path own_root = root_ / "ca" / "root-ca.pem";
    if (fs::exists(own_root)) settings.trust_anchors.push_back(Certificate::load(own_root.string()));
    fs::path issuing = root_ / "ca" / "issuing-ca.pem";
    if (fs::exists(issuing)) settings.intermediates.push_back(Certificate::load(issuing.string()));
    if (fs::is_directory(anchor_folder()))
        for (const auto& entry : fs::directory_iterator(anchor_folder()))
            if (entry.path().extension() == ".json") settings.trust_anchors.push_back(read_anchor(entry.path()).certificate);
    return settings;
}

}  // namespace sign::verification
