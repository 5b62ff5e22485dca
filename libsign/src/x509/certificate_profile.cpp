#include "sign/certificate_profile.h"

#include <algorithm>
#include <array>
#include <set>

#include <toml++/toml.h>

#include "openssl_util.h"
#include "sign/distinguished_name.h"
#include "sign/error.h"

namespace sign {
namespace {

constexpr std::array key_usage_names{
    std::string_view("digitalSignature"), std::string_view("nonRepudiation"), std::string_view("keyEncipherment"),
    std::string_view("dataEncipherment"), std::string_view("keyAgreement"),   std::string_view("keyCertSign"),
    std::string_view("cRLSign"),
};

struct EkuName {
    std::string_view name;
    std::string_view openssl_name;  // what X509V3 configuration strings accept
};

// RFC 9336 documentSigning is newer than OpenSSL 3.0's object table, so it travels as an OID.
constexpr std::array eku_names{
    EkuName{"serverAuth", "serverAuth"},           EkuName{"clientAuth", "clientAuth"},
    EkuName{"codeSigning", "codeSigning"},         EkuName{"emailProtection", "emailProtection"},
    EkuName{"timeStamping", "timeStamping"},       EkuName{"OCSPSigning", "OCSPSigning"},
    EkuName{"documentSigning", "1.3.6.1.5.5.7.3.36"},
};

constexpr std::array key_algorithms{std::string_view("rsa-2048"), std::string_view("rsa-3072"),
                                    std::string_view("rsa-4096"), std::string_view("ec-p256"),
                                    std::string_view("ec-p384"),  std::string_view("ec-p521")};

bool is_oid(std::string_view text) {
    Asn1ObjectPtr object(OBJ_txt2obj(std::string(text).c_str(), 1));
    return object != nullptr && text.find('.') != std::string_view::npos;
}

// Reads one [profiles.NAME] table, refusing unknown keys so typos cannot silently drop a rule.
class ProfileReader {
public:
    ProfileReader(std::string name, const toml::table& table) : name_(std::move(name)), table_(table) {}

    CertificateProfile read() {
        check_keys(table_, {"description", "self_signed", "ca", "path_length", "key_usage", "extended_key_usage",
                            "extended_key_usage_critical", "policies", "ocsp_no_check", "revocation_pointers",
                            "validity_days", "key_algorithm", "subject", "dns_names_required",
                            "ip_addresses_allowed", "personal"},
                   "");
        CertificateProfile profile;
        profile.name = name_;
        profile.description = string_or(table_, "description", "");
        profile.self_signed = bool_or(table_, "self_signed", false);
        profile.is_ca = bool_or(table_, "ca", false);
        if (auto length = table_["path_length"].value<int64_t>()) profile.path_length = static_cast<int>(*length);
        else if (table_.contains("path_length")) fail("path_length must be a whole number");
        profile.key_usage = strings(table_, "key_usage");
        profile.extended_key_usage = strings(table_, "extended_key_usage");
        profile.extended_key_usage_critical = bool_or(table_, "extended_key_usage_critical", false);
        profile.policy_oids = strings(table_, "policies");
        profile.ocsp_no_check = bool_or(table_, "ocsp_no_check", false);
        profile.revocation_pointers = bool_or(table_, "revocation_pointers", true);
        profile.requires_dns_names = bool_or(table_, "dns_names_required", false);
        profile.allows_ip_addresses = bool_or(table_, "ip_addresses_allowed", false);
        // Data folders made before the flag existed keep their copy of this file: leader and
        // citizen keys stay personal without it, and no file can declare them otherwise.
        bool always_personal = name_ == "leader" || name_ == "citizen";
        profile.personal = bool_or(table_, "personal", always_personal);
        if (always_personal && !profile.personal) fail("the " + name_ + " profile is always personal");
        profile.default_key_algorithm = string_or(table_, "key_algorithm", "");
        read_validity(profile);
        read_subject(profile);
        check(profile);
        return profile;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw Error(ErrorKind::invalid_input, "invalid_profile", "profile '" + name_ + "': " + why);
    }

    void check_keys(const toml::table& table, std::initializer_list<std::string_view> known, std::string_view where) const {
        for (const auto& [key, node] : table) {
            (void)node;
            if (std::find(known.begin(), known.end(), key.str()) == known.end())
                fail("unknown setting '" + std::string(where) + std::string(key.str()) + "'");
        }
    }

    std::string string_or(const toml::table& table, std::string_view key, std::string_view fallback) const {
        if (!table.contains(key)) return std::string(fallback);
        auto value = table[key].value<std::string>();
        if (!value) fail(std::string(key) + " must be a string");
        return *value;
    }

    bool bool_or(const toml::table& table, std::string_view key, bool fallback) const {
        if (!table.contains(key)) return fallback;
        auto value = table[key].value<bool>();
        if (!value) fail(std::string(key) + " must be true or false");
        return *value;
    }

    std::vector<std::string> strings(const toml::table& table, std::string_view key) const {
        std::vector<std::string> out;
        if (!table.contains(key)) return out;
        const toml::array* array = table[key].as_array();
        if (array == nullptr) fail(std::string(key) + " must be a list of strings");
        for (const auto& element : *array) {
            auto value = element.value<std::string>();
            if (!value) fail(std::string(key) + " must be a list of strings");
            out.push_back(*value);
        }
        return out;
    }

    void read_validity(CertificateProfile& profile) const {
        const toml::table* validity = table_["validity_days"].as_table();
        if (validity == nullptr) fail("validity_days = { default = N, max = N } is required");
        check_keys(*validity, {"default", "max"}, "validity_days.");
        auto default_days = (*validity)["default"].value<int64_t>();
        auto max_days = (*validity)["max"].value<int64_t>();
        if (!default_days || !max_days) fail("validity_days needs whole numbers 'default' and 'max'");
        if (*max_days <= 0 || *max_days > 36525) fail("validity_days.max must be between 1 and 36525");
        if (*default_days <= 0 || *default_days > *max_days) fail("validity_days.default must be between 1 and max");
        profile.default_validity_days = static_cast<int>(*default_days);
        profile.max_validity_days = static_cast<int>(*max_days);
    }

    std::string attribute_name(const std::string& name) const {
        try {
            return canonical_attribute_name(name);
        } catch (const Error& error) {
            fail(error.what());
        }
    }

    void read_subject(CertificateProfile& profile) const {
        const toml::table* subject = table_["subject"].as_table();
        if (subject == nullptr) fail("a [subject] table with 'required' attributes is needed");
        check_keys(*subject, {"required", "optional", "patterns"}, "subject.");
        for (const auto& name : strings(*subject, "required")) profile.required_attributes.push_back(attribute_name(name));
        for (const auto& name : strings(*subject, "optional")) profile.optional_attributes.push_back(attribute_name(name));
        if (profile.required_attributes.empty()) fail("subject.required must name at least one attribute");
        if (const toml::node_view patterns = (*subject)["patterns"]) {
            const toml::table* table = patterns.as_table();
            if (table == nullptr) fail("subject.patterns must be a table");
            for (const auto& [key, node] : *table) {
                SubjectAttributePattern pattern;
                pattern.attribute = attribute_name(std::string(key.str()));
                const toml::table* rule = node.as_table();
                if (rule == nullptr) fail("subject.patterns." + pattern.attribute + " must be { regex = \"...\", means = \"...\" }");
                check_keys(*rule, {"regex", "means"}, "subject.patterns." + pattern.attribute + ".");
                pattern.regex = string_or(*rule, "regex", "");
                pattern.description = string_or(*rule, "means", "");
                if (pattern.regex.empty() || pattern.description.empty())
                    fail("subject.patterns." + pattern.attribute + " needs both 'regex' and 'means'");
                try {
                    pattern.compiled = std::regex(pattern.regex, std::regex::ECMAScript);
                } catch (const std::regex_error& error) {
                    fail("subject.patterns." + pattern.attribute + " is not a valid regular expression: " + error.what());
                }
                profile.attribute_patterns.push_back(std::move(pattern));
            }
        }
    }

    void check(CertificateProfile& profile) const {
        auto listed = [](const std::vector<std::string>& list, std::string_view item) {
            return std::find(list.begin(), list.end(), item) != list.end();
        };
        if (profile.key_usage.empty()) fail("key_usage must not be empty");
        for (auto& usage : profile.key_usage) {
            if (usage == "contentCommitment") usage = "nonRepudiation";
            if (std::find(key_usage_names.begin(), key_usage_names.end(), usage) == key_usage_names.end())
                fail("unknown key usage '" + usage + "'");
        }
        bool signs_certificates = listed(profile.key_usage, "keyCertSign");
        if (profile.is_ca != signs_certificates) fail("CA profiles, and only they, need keyCertSign in key_usage");
        if (profile.self_signed && !profile.is_ca) fail("a self-signed profile must be a CA");
        if (profile.personal && profile.is_ca) fail("a CA profile cannot be personal");
        if (profile.path_length && (!profile.is_ca || *profile.path_length < 0))
            fail("path_length is only for CA profiles and cannot be negative");
        for (auto& usage : profile.extended_key_usage) {
            auto known = std::find_if(eku_names.begin(), eku_names.end(), [&](const EkuName& e) { return e.name == usage; });
            if (known != eku_names.end()) usage = std::string(known->openssl_name);
            else if (!is_oid(usage)) fail("unknown extended key usage '" + usage + "'");
        }
        if (profile.extended_key_usage_critical && profile.extended_key_usage.empty())
            fail("extended_key_usage_critical needs extended_key_usage");
        for (const auto& oid : profile.policy_oids)
            if (!is_oid(oid)) fail("policy '" + oid + "' is not a dotted OID");
        if (std::find(key_algorithms.begin(), key_algorithms.end(), profile.default_key_algorithm) == key_algorithms.end())
            fail("key_algorithm must be one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384, ec-p521");
        std::set<std::string> seen;
        for (const auto& list : {profile.required_attributes, profile.optional_attributes})
            for (const auto& attribute : list)
                if (!seen.insert(attribute).second) fail("subject attribute " + attribute + " is listed twice");
        for (const auto& pattern : profile.attribute_patterns)
            if (!seen.contains(pattern.attribute))
                fail("subject.patterns." + pattern.attribute + " is for an attribute the profile does not allow");
    }

    std::string name_;
    const toml::table& table_;
};

}  // namespace

ProfileCatalog ProfileCatalog::load(const std::string& path) {
    std::vector<std::uint8_t> data = detail::read_file(path);
    return parse(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), path);
}

ProfileCatalog ProfileCatalog::parse(std::string_view toml_text, std::string_view source_name) {
    toml::table document;
    try {
        document = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& error) {
        throw Error(ErrorKind::invalid_input, "invalid_profile",
                    std::string(source_name) + " line " + std::to_string(error.source().begin.line) + ": " +
                        std::string(error.description()));
    }
    for (const auto& [key, node] : document) {
        (void)node;
        if (key.str() != "profiles")
            throw Error(ErrorKind::invalid_input, "invalid_profile",
                        std::string(source_name) + ": unknown top-level table '" + std::string(key.str()) + "'");
    }
    const toml::table* profiles = document["profiles"].as_table();
    if (profiles == nullptr || profiles->empty())
        throw Error(ErrorKind::invalid_input, "invalid_profile", std::string(source_name) + " defines no [profiles.NAME]");
    ProfileCatalog catalog;
    for (const auto& [key, node] : *profiles) {
        std::string name(key.str());
        const toml::table* table = node.as_table();
        if (table == nullptr)
            throw Error(ErrorKind::invalid_input, "invalid_profile", "profiles." + name + " must be a table");
        catalog.profiles_.emplace(name, ProfileReader(name, *table).read());
    }
    return catalog;
}

const CertificateProfile& ProfileCatalog::get(std::string_view name) const {
    auto found = profiles_.find(name);
    if (found == profiles_.end()) {
        std::string known;
        for (const auto& entry : names()) known += (known.empty() ? "" : ", ") + entry;
        throw Error(ErrorKind::not_found, "unknown_profile", "unknown profile '" + std::string(name) + "'; known: " + known);
    }
    return found->second;
}

std::vector<std::string> ProfileCatalog::names() const {
    std::vector<std::string> out;
    for (const auto& [name, profile] : profiles_) {
        (void)profile;
        out.push_back(name);
    }
    return out;
}

}  // namespace sign
