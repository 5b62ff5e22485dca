#include "sign/signing/sole_control.h"

#include "sign/certificate.h"
#include "sign/error.h"

namespace sign::signing {

namespace {

bool same_public_key(EVP_PKEY* a, EVP_PKEY* b) { return a != nullptr && b != nullptr && EVP_PKEY_eq(a, b) == 1; }

bool issued_for(const store::CertificateRecord& record, EVP_PKEY* public_key) {
    EvpPkeyPtr certified = Certificate::from_pem(record.pem).public_key();
    return same_public_key(certified.get(), public_key);
}

}  // namespace

bool is_personal_profile(const ProfileCatalog& profiles, const std::string& profile) {
    if (profile == "leader" || profile == "citizen") return true;
    for (const auto& name : profiles.names())
        if (name == profile) return profiles.get(name).personal;
    return false;
}

std::string KeyActivation::audit_subject() const {
    return signer_id ? "signer=" + *signer_id + " key=" + key_uri : "key=" + key_uri;
}

std::optional<store::CertificateRecord> SoleControl::personal_certificate(EVP_PKEY* public_key) const {
    // By public key, not by URI: one key has many spellings (label, id, token), one public half.
    std::vector<std::string> personal = {"leader", "citizen"};
    for (const auto& name : profiles_.names())
        if (name != "leader" && name != "citizen" && profiles_.get(name).personal) personal.push_back(name);
    for (const auto& profile : personal)
        for (const auto& record : certificates_.list(profile))
            if (issued_for(record, public_key)) return record;
    return std::nullopt;
}

KeyActivation SoleControl::activate(const SigningKey& key, const std::optional<std::string>& signer_id,
                                    const std::function<std::string()>& ask_pin,
                                    std::chrono::system_clock::time_point now) {
    KeyActivation activation;
    activation.key_uri = key.uri();
    EvpPkeyPtr public_key = key.public_key();
    activation.personal_certificate = personal_certificate(public_key.get());
    if (!activation.personal()) {
        if (signer_id)
            throw Error(ErrorKind::invalid_input, "signer_not_personal",
                        "--signer is for personal keys (leader, citizen); " + activation.key_uri +
                            " is a seal or service key and signs without one");
        return activation;
    }
    const store::CertificateRecord& certificate = *activation.personal_certificate;
    if (!signer_id)
        throw Error(ErrorKind::policy, "signer_required",
                    "the key " + activation.key_uri + " belongs to a person (certificate " + certificate.serial_hex +
                        ", profile " + certificate.profile +
                        "); it signs only with its owner: give --signer and the signer's PIN, or send the document as a "
                        "signature request approved on the signer's phone (POST /api/v1/signature-requests)");
    auto signer = signers_.find(*signer_id);
    if (!signer) throw Error(ErrorKind::not_found, "unknown_signer", "no signer with id '" + *signer_id + "'");
    auto registered = certificates_.find(signer->certificate_serial);
    if (!registered || !issued_for(*registered, public_key.get()))
        throw Error(ErrorKind::policy, "signer_not_for_key",
                    "signer '" + *signer_id + "' is registered for another key (certificate " +
                        signer->certificate_serial + "), not " + activation.key_uri);
    signers_.verify_pin(*signer_id, ask_pin(), now);
    activation.signer_id = signer_id;
    return activation;
}

}  // namespace sign::signing
