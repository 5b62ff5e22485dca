#pragma once
// The trust anchors a relying party chose, kept in the data folder: the
// folder's own root (always trusted, read from ca/root-ca.pem as `ca init`
// publishes it) and the roots an administrator added with `signctl trust add`
// (the national root CA of NEAC, the Government Cipher Committee's root, ...),
// one file each under trust-anchors/, written atomically. signctl verify and
// signd's verifications read the same ones.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sign/validate/validation_data.h"

namespace sign::verification {

/// One trusted root as listed.
struct TrustAnchor {
    std::string id;        ///< first 16 hex digits of the certificate's SHA-256 fingerprint
    std::string name;      ///< given when added; the subject's common name otherwise
    std::string subject;   ///< RFC 4514
    std::string fingerprint_sha256;
    std::chrono::system_clock::time_point not_before{};
    std::chrono::system_clock::time_point not_after{};
    bool built_in = false; ///< the data folder's own root
    std::string added_at;  ///< ISO 8601 UTC; empty for the built-in root
};

/// What a validation trusts, as a use case needs it.
class TrustAnchorSource {
public:
    virtual ~TrustAnchorSource() = default;
    /// The anchors, and the folder's issuing CA as a local intermediate; read at each call so that
    /// an anchor added while a service runs counts from the next validation on.
    virtual validate::TrustSettings trust_settings() const = 0;
};

class TrustAnchorFolder final : public TrustAnchorSource {
public:
    /// `data_root`: the data folder.
    explicit TrustAnchorFolder(std::filesystem::path data_root);

    /// Adds one CA certificate (PEM or DER). Throws invalid_input `not_a_certificate`,
    /// `one_certificate_per_anchor` (a PEM bundle), `not_a_ca_certificate` (no cA=TRUE in
    /// basicConstraints); conflict `trust_anchor_exists` when it is trusted already.
    TrustAnchor add(std::span<const std::uint8_t> certificate, const std::string& name,
                    std::chrono::system_clock::time_point now);
    /// The built-in root first (when the CA exists), then the added anchors by name.
    std::vector<TrustAnchor> list() const;
    /// Throws not_found `trust_anchor_not_found`; invalid_input `built_in_trust_anchor` for the
    /// folder's own root.
    void remove(const std::string& id);

    validate::TrustSettings trust_settings() const override;

private:
    std::filesystem::path anchor_folder() const;

    std::filesystem::path root_;
};

}  // namespace sign::verification
