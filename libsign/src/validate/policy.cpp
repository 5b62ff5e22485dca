#include "sign/validate/policy.h"

#include <algorithm>
#include <cctype>

#include <openssl/ec.h>
#include <toml++/toml.h>

#include "../x509/openssl_util.h"
#include "sign/error.h"
#include "sign/utc_time.h"

namespace sign::validate {

extern const char* const default_validation_policy_toml;

namespace {

[[noreturn]] void bad_policy(std::string_view origin, const std::string& why) {
    throw Error(ErrorKind::invalid_input, "invalid_validation_policy", std::string(origin) + ": " + why);
}

// "SHA-256", "sha256", "SHA3-256", "sha3_256" all name the same digest.
std::string normalize_digest(std::string_view name) {
    std::string out;
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// How people write a digest in a refusal: "SHA-1", "SHA3-256".
std::string display_digest(std::string_view name) {
    std::string normalized = normalize_digest(name);
    if (normalized.rfind("sha3", 0) == 0) return "SHA3-" + normalized.substr(4);
    if (normalized.rfind("sha", 0) == 0) return "SHA-" + normalized.substr(3);
    std::string upper;
    for (char c : normalized) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
}

ConstraintLevel parse_level(const toml::node& node, std::string_view origin, std::string_view key) {
    auto text = node.value<std::string>();
    if (!text) bad_policy(origin, "constraints." + std::string(key) + " must be a string: FAIL, WARN, INFORM or IGNORE");
    if (*text == "FAIL") return ConstraintLevel::fail;
    if (*text == "WARN") return ConstraintLevel::warn;
    if (*text == "INFORM") return ConstraintLevel::inform;
    if (*text == "IGNORE") return ConstraintLevel::ignore;
    bad_policy(origin, "constraints." + std::string(key) + " = \"" + *text + "\": use FAIL, WARN, INFORM or IGNORE");
}

std::optional<std::chrono::system_clock::time_point> parse_until(const toml::table& table, std::string_view origin,
                                                                 const std::string& where) {
    const toml::node* node = table.get("until");
    if (!node) return std::nullopt;
    if (auto date = node->as_date()) {
        std::tm parts{};
        parts.tm_year = date->get().year - 1900;
        parts.tm_mon = date->get().month - 1;
        parts.tm_mday = date->get().day;
        return std::chrono::system_clock::from_time_t(timegm(&parts));
    }
    if (auto text = node->value<std::string>()) {
        try {
            return parse_utc(*text);
        } catch (const Error&) {
        }
    }
    bad_policy(origin, where + ".until must be a date (2030-01-01) or a UTC time string (\"2030-01-01T00:00:00Z\")");
}

void check_keys(const toml::table& table, std::initializer_list<std::string_view> known, std::string_view origin,
                const std::string& where) {
    for (const auto& [key, node] : table) {
        (void)node;
        if (std::find(known.begin(), known.end(), key.str()) == known.end())
            bad_policy(origin, "unknown key '" + (where.empty() ? "" : where + ".") + std::string(key.str()) + "'");
    }
}

const toml::array* array_of_tables(const toml::table& table, std::string_view key, std::string_view origin,
                                   const std::string& where) {
    const toml::node* node = table.get(key);
    if (!node) return nullptr;
    const toml::array* array = node->as_array();
    if (!array || !array->is_array_of_tables())
        bad_policy(origin, where + "." + std::string(key) + " must be an array of tables ([[" + where + "." + std::string(key) + "]])");
    return array;
}

std::string format_day(std::chrono::system_clock::time_point when) { return format_utc(when).substr(0, 10); }

}  // namespace

std::string to_string(ConstraintLevel level) {
    switch (level) {
        case ConstraintLevel::fail: return "FAIL";
        case ConstraintLevel::warn: return "WARN";
        case ConstraintLevel::inform: return "INFORM";
        case ConstraintLevel::ignore: return "IGNORE";
    }
    return "FAIL";
}

namespace {

// Reads `toml_text` over `policy`: what the file leaves out keeps the value it had.
ValidationPolicy parse_onto(ValidationPolicy policy, std::string_view toml_text, std::string_view origin) {
    toml::table document;
    try {
        document = toml::parse(toml_text, origin);
    } catch (const toml::parse_error& error) {
        bad_policy(origin, "line " + std::to_string(error.source().begin.line) + ": " + std::string(error.description()));
    }
    check_keys(document, {"name", "reference", "constraints", "revocation", "algorithms"}, origin, "");
    if (const toml::node* name = document.get("name")) {
        auto text = name->value<std::string>();
        if (!text) bad_policy(origin, "name must be a string");
        policy.name = *text;
    }
    if (const toml::node* reference = document.get("reference")) {
        auto text = reference->value<std::string>();
        if (!text) bad_policy(origin, "reference must be a string");
        policy.reference = *text;
    }
    if (const toml::node* node = document.get("constraints")) {
        const toml::table* constraints = node->as_table();
        if (!constraints) bad_policy(origin, "constraints must be a table");
        const std::pair<std::string_view, ConstraintLevel*> fields[] = {
            {"signing_certificate_attribute", &policy.signing_certificate_attribute},
            {"signing_time_attribute", &policy.signing_time_attribute},
            {"signature_timestamp", &policy.signature_timestamp},
            {"revocation_status", &policy.revocation_status},
            {"signer_key_usage", &policy.signer_key_usage},
            {"cryptographic", &policy.cryptographic},
            {"timestamp_order", &policy.timestamp_order},
            {"revoked_after_signing", &policy.revoked_after_signing},
        };
        for (const auto& [key, value] : *constraints) {
            std::string_view name = key.str();  // clang 14 (the fuzzing build) cannot capture a structured binding
            auto found = std::find_if(std::begin(fields), std::end(fields), [&](const auto& field) { return field.first == name; });
            if (found == std::end(fields)) bad_policy(origin, "unknown constraint '" + std::string(key.str()) + "'");
            *found->second = parse_level(value, origin, key.str());
        }
    }
    if (const toml::node* node = document.get("revocation")) {
        const toml::table* revocation = node->as_table();
        if (!revocation) bad_policy(origin, "revocation must be a table");
        check_keys(*revocation, {"max_age_seconds", "clock_skew_seconds"}, origin, "revocation");
        auto seconds = [&](std::string_view key, std::chrono::seconds& out) {
            const toml::node* value = revocation->get(key);
            if (!value) return;
            auto number = value->value<std::int64_t>();
            if (!number || *number < 0 || *number > 10LL * 365 * 86400)
                bad_policy(origin, "revocation." + std::string(key) + " must be a number of seconds between 0 and ten years");
            out = std::chrono::seconds(*number);
        };
        seconds("max_age_seconds", policy.revocation_max_age);
        seconds("clock_skew_seconds", policy.clock_skew);
    }
    if (const toml::node* node = document.get("algorithms")) {
        const toml::table* algorithms = node->as_table();
        if (!algorithms) bad_policy(origin, "algorithms must be a table");
        check_keys(*algorithms, {"signature_schemes", "digest", "key"}, origin, "algorithms");
        if (const toml::node* schemes = algorithms->get("signature_schemes")) {
            const toml::array* array = schemes->as_array();
            if (!array) bad_policy(origin, "algorithms.signature_schemes must be an array of strings");
            policy.signature_schemes.clear();
            for (const auto& item : *array) {
                auto text = item.value<std::string>();
                if (!text || (*text != "rsa-pkcs1" && *text != "rsa-pss" && *text != "ecdsa"))
                    bad_policy(origin, "algorithms.signature_schemes: each must be \"rsa-pkcs1\", \"rsa-pss\" or \"ecdsa\"");
                policy.signature_schemes.push_back(*text);
            }
        }
        if (const toml::array* digests = array_of_tables(*algorithms, "digest", origin, "algorithms")) {
            policy.digests.clear();
            for (const auto& item : *digests) {
                const toml::table& table = *item.as_table();
                check_keys(table, {"name", "until"}, origin, "algorithms.digest");
                auto name = table["name"].value<std::string>();
                if (!name || !EVP_get_digestbyname(name->c_str()))
                    bad_policy(origin, "algorithms.digest: name must be a digest OpenSSL knows (sha256, sha3-256, ...)");
                policy.digests.push_back({*name, parse_until(table, origin, "algorithms.digest")});
            }
        }
        if (const toml::array* keys = array_of_tables(*algorithms, "key", origin, "algorithms")) {
            policy.keys.clear();
            for (const auto& item : *keys) {
                const toml::table& table = *item.as_table();
                check_keys(table, {"type", "min_bits", "until"}, origin, "algorithms.key");
                auto type = table["type"].value<std::string>();
                auto bits = table["min_bits"].value<std::int64_t>();
                if (!type || (*type != "rsa" && *type != "ec")) bad_policy(origin, "algorithms.key: type must be \"rsa\" or \"ec\"");
                if (!bits || *bits < 0 || *bits > 65536) bad_policy(origin, "algorithms.key: min_bits must be a number of bits");
                policy.keys.push_back({*type, static_cast<int>(*bits), parse_until(table, origin, "algorithms.key")});
            }
        }
    }
    if (policy.name.empty()) bad_policy(origin, "name is required");
    return policy;
}

}  // namespace

const ValidationPolicy& ValidationPolicy::default_policy() {
    static const ValidationPolicy policy =
        parse_onto(ValidationPolicy{}, default_validation_policy_toml, "config/validation-policy.toml (built in)");
    return policy;
}

ValidationPolicy ValidationPolicy::parse(std::string_view toml_text, std::string_view origin) {
    return parse_onto(default_policy(), toml_text, origin);
}

ValidationPolicy ValidationPolicy::load(const std::string& path) {
    std::vector<std::uint8_t> data = detail::read_file(path);
    return parse(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), path);
}

std::optional<ValidationPolicy::Refusal> ValidationPolicy::check_digest(std::string_view digest_name,
                                                                        std::chrono::system_clock::time_point when) const {
    std::string wanted = normalize_digest(digest_name);
    std::string shown = display_digest(digest_name);
    std::string cite_vi = reference.empty() ? "" : " (" + reference + ")";
    for (const DigestRule& rule : digests) {
        if (normalize_digest(rule.name) != wanted) continue;
        if (rule.until && when >= *rule.until)
            return Refusal{shown + " chỉ được chấp nhận đến " + format_day(*rule.until) + cite_vi,
                           shown + " was accepted only until " + format_day(*rule.until)};
        return std::nullopt;
    }
    return Refusal{shown + " không được chấp nhận" + cite_vi, shown + " is not accepted"};
}

std::optional<ValidationPolicy::Refusal> ValidationPolicy::check_key(const EVP_PKEY* key,
                                                                     std::chrono::system_clock::time_point when) const {
    std::string cite_vi = reference.empty() ? "" : " (" + reference + ")";
    int base = EVP_PKEY_get_base_id(key);
    std::string type = base == EVP_PKEY_RSA || base == EVP_PKEY_RSA_PSS ? "rsa" : base == EVP_PKEY_EC ? "ec" : "";
    int bits = EVP_PKEY_get_bits(key);
    std::string shown = (type == "rsa" ? "RSA " : type == "ec" ? "ECDSA " : "") + std::to_string(bits) + " bit";
    if (type.empty()) return Refusal{"loại khóa không được chấp nhận" + cite_vi, "the key type is not accepted"};
    std::optional<int> minimum;
    for (const KeyRule& rule : keys) {
        if (rule.type != type) continue;
        if (rule.until && when >= *rule.until) continue;
        if (!minimum || rule.min_bits < *minimum) minimum = rule.min_bits;
    }
    if (!minimum) return Refusal{"khóa " + shown + " không được chấp nhận" + cite_vi, "a " + shown + " key is not accepted"};
    if (bits < *minimum)
        return Refusal{"khóa " + shown + " không được chấp nhận: tối thiểu " + std::to_string(*minimum) + " bit" + cite_vi,
                       "a " + shown + " key is not accepted: at least " + std::to_string(*minimum) + " bits"};
    return std::nullopt;
}

std::optional<ValidationPolicy::Refusal> ValidationPolicy::check_scheme(std::string_view scheme) const {
    if (std::find(signature_schemes.begin(), signature_schemes.end(), scheme) != signature_schemes.end()) return std::nullopt;
    std::string cite_vi = reference.empty() ? "" : " (" + reference + ")";
    return Refusal{"lược đồ chữ ký " + std::string(scheme) + " không được chấp nhận" + cite_vi,
                   "the signature scheme " + std::string(scheme) + " is not accepted"};
}

}  // namespace sign::validate
