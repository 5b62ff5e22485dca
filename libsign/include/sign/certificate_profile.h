#pragma once
// Certificate profiles are data (config/profiles.toml), not code: what each
// kind of certificate may contain, which extensions it gets and for how long
// it is valid. Loading checks the whole file so a typo fails at start-up,
// not at the first issuance.

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace sign {

/// A rule that a subject attribute's whole value must match.
struct SubjectAttributePattern {
    std::string attribute;    ///< canonical attribute name, e.g. "UID"
    std::string regex;        ///< ECMAScript syntax, matched against the whole value
    std::string description;  ///< plain words for error messages: "CCCD: followed by 12 digits"
    std::regex compiled;
};

/// Everything the CA needs to know to issue one kind of certificate.
struct CertificateProfile {
    std::string name;
    std::string description;
    bool self_signed = false;                    ///< only for create_root; issue() refuses it
    bool is_ca = false;                          ///< basicConstraints cA
    std::optional<int> path_length;              ///< basicConstraints pathLenConstraint (CAs only)
    std::vector<std::string> key_usage;          ///< OpenSSL names: digitalSignature, nonRepudiation, keyCertSign, ...
    std::vector<std::string> extended_key_usage; ///< OpenSSL short names or dotted OIDs; empty = no extension
    bool extended_key_usage_critical = false;
    std::vector<std::string> policy_oids;        ///< certificatePolicies; empty = no extension
    bool ocsp_no_check = false;                  ///< id-pkix-ocsp-nocheck, for OCSP responder certificates
    bool revocation_pointers = true;             ///< CRL distribution point + authority information access
    int default_validity_days = 0;
    int max_validity_days = 0;
    std::string default_key_algorithm;           ///< "rsa-2048|3072|4096" or "ec-p256|p384|p521", for key generation
    std::vector<std::string> required_attributes;  ///< must appear in the subject
    std::vector<std::string> optional_attributes;  ///< may appear besides the required ones; nothing else may
    std::vector<SubjectAttributePattern> attribute_patterns;
    bool requires_dns_names = false;             ///< at least one DNS subjectAltName (TLS); others take none
    bool allows_ip_addresses = false;            ///< iPAddress subjectAltNames besides the DNS names (TLS servers)
    /// The key belongs to one person (leader, citizen, and profiles marked `personal = true`): it
    /// signs only after its owner activates it (PIN or phone), never on an operator's word.
    bool personal = false;
};

/// All profiles of one configuration, by name.
class ProfileCatalog {
public:
    /// Reads and checks a profiles file; throws not_found `file_not_found` or invalid_input `invalid_profile`.
    static ProfileCatalog load(const std::string& path);
    /// Parses and checks TOML text with one [profiles.NAME] table per profile; throws invalid_input
    /// `invalid_profile` naming the profile and the field at fault.
    static ProfileCatalog parse(std::string_view toml, std::string_view source_name = "profiles.toml");

    /// The profile called `name`; throws not_found `unknown_profile` listing the known names.
    const CertificateProfile& get(std::string_view name) const;
    /// Profile names in alphabetical order.
    std::vector<std::string> names() const;

private:
    std::map<std::string, CertificateProfile, std::less<>> profiles_;
};

}  // namespace sign
