#pragma once
// Sole control of personal keys (EN 419 241-1 SCAL2, Decree 23/2025): a key
// whose certificate our CA issued under a personal profile (leader, citizen,
// any profile marked `personal`) signs only after its owner activates it. On
// the operator's command line that is the signer's own PIN, checked by the
// same SignerStore::verify_pin that signd's CSC authorize uses (counted on
// disk, five wrong lock); on a phone it is a signature request. Seals and
// service keys are the operator's to use and pass unchanged.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "sign/certificate_profile.h"
#include "sign/signing_key.h"
#include "sign/store/certificate_store.h"
#include "sign/store/signer_store.h"

namespace sign::signing {

/// Whether certificates of `profile` are personal: leader and citizen always (also in a folder
/// whose profiles.toml dropped them), any other profile marked `personal = true`.
bool is_personal_profile(const ProfileCatalog& profiles, const std::string& profile);

/// Who may use a key, once activate() has let it sign.
struct KeyActivation {
    std::string key_uri;
    /// The certificate of a personal profile issued for the key, if it is a personal key.
    std::optional<store::CertificateRecord> personal_certificate;
    /// The signer whose PIN activated it (personal keys only).
    std::optional<std::string> signer_id;

    bool personal() const { return personal_certificate.has_value(); }
    /// "signer=<id> key=<uri>" or "key=<uri>", for the audit log.
    std::string audit_subject() const;
};

class SoleControl {
public:
    /// All borrowed; they must outlive this.
    SoleControl(const store::CertificateStore& certificates, const ProfileCatalog& profiles, store::SignerStore& signers)
        : certificates_(certificates), profiles_(profiles), signers_(signers) {}

    /// A certificate our CA issued for `public_key` under a personal profile, if any: the key then
    /// belongs to the person it names. Revoked and expired ones count too: the key is still theirs.
    std::optional<store::CertificateRecord> personal_certificate(EVP_PKEY* public_key) const;

    /// Lets `key` sign for this run, or throws. A seal or service key passes without a signer;
    /// naming one for it is invalid_input `signer_not_personal`. A personal key needs
    /// `signer_id`, a signer registered for that key (else policy `signer_required`, or policy
    /// `signer_not_for_key` for another person's signer), and that signer's PIN from `ask_pin`
    /// (asked only then), checked with SignerStore::verify_pin: authentication `wrong_pin`
    /// counted on disk, `signer_locked`, `pin_not_set` for a signer that approves only on a phone.
    KeyActivation activate(const SigningKey& key, const std::optional<std::string>& signer_id,
                           const std::function<std::string()>& ask_pin, std::chrono::system_clock::time_point now);

private:
    const store::CertificateStore& certificates_;
    const ProfileCatalog& profiles_;
    store::SignerStore& signers_;
};

}  // namespace sign::signing
