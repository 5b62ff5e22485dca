#include "sign/distinguished_name.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "openssl_util.h"
#include "sign/error.h"

namespace sign {
namespace {

// The attributes people type by name. Upper bounds are the ub-* values of RFC 5280
// Appendix A, counted in characters; 0 means the standard sets none.
struct AttributeSpec {
    std::string_view name;
    std::string_view oid;
    int string_type;
    size_t max_chars;
};

constexpr std::array attribute_specs{
    AttributeSpec{"CN", "2.5.4.3", V_ASN1_UTF8STRING, 64},
    AttributeSpec{"SN", "2.5.4.4", V_ASN1_UTF8STRING, 0},
    AttributeSpec{"serialNumber", "2.5.4.5", V_ASN1_PRINTABLESTRING, 64},
    AttributeSpec{"C", "2.5.4.6", V_ASN1_PRINTABLESTRING, 2},
    AttributeSpec{"L", "2.5.4.7", V_ASN1_UTF8STRING, 128},
    AttributeSpec{"ST", "2.5.4.8", V_ASN1_UTF8STRING, 128},
    AttributeSpec{"street", "2.5.4.9", V_ASN1_UTF8STRING, 0},
    AttributeSpec{"O", "2.5.4.10", V_ASN1_UTF8STRING, 64},
    AttributeSpec{"OU", "2.5.4.11", V_ASN1_UTF8STRING, 64},
    AttributeSpec{"title", "2.5.4.12", V_ASN1_UTF8STRING, 64},
    AttributeSpec{"givenName", "2.5.4.42", V_ASN1_UTF8STRING, 0},
    AttributeSpec{"organizationIdentifier", "2.5.4.97", V_ASN1_UTF8STRING, 0},
    AttributeSpec{"UID", "0.9.2342.19200300.100.1.1", V_ASN1_UTF8STRING, 0},
    AttributeSpec{"emailAddress", "1.2.840.113549.1.9.1", V_ASN1_IA5STRING, 255},
};

struct Alias {
    std::string_view alias;
    std::string_view name;
};

constexpr std::array aliases{
    Alias{"commonName", "CN"},          Alias{"surname", "SN"},
    Alias{"countryName", "C"},          Alias{"localityName", "L"},
    Alias{"stateOrProvinceName", "ST"}, Alias{"streetAddress", "street"},
    Alias{"organizationName", "O"},     Alias{"organizationalUnitName", "OU"},
    Alias{"userId", "UID"},             Alias{"E", "emailAddress"},
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

const AttributeSpec* spec_by_oid(std::string_view oid) {
    for (const auto& spec : attribute_specs)
        if (spec.oid == oid) return &spec;
    return nullptr;
}

bool is_dotted_oid(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.') return false;
    if (text.find("..") != std::string_view::npos || text.find('.') == std::string_view::npos) return false;
    return std::all_of(text.begin(), text.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

// The dotted form OpenSSL would print, so "2.5.4.03" and "2.5.4.3" compare equal.
std::string normalized_oid(std::string_view dotted) {
    Asn1ObjectPtr object(OBJ_txt2obj(std::string(dotted).c_str(), 1));
    if (!object) throw Error(ErrorKind::invalid_input, "unknown_attribute", "'" + std::string(dotted) + "' is not a valid OID");
    char buffer[128];
    int length = OBJ_obj2txt(buffer, sizeof buffer, object.get(), 1);
    if (length <= 0 || static_cast<size_t>(length) >= sizeof buffer)
        throw Error(ErrorKind::invalid_input, "unknown_attribute", "the OID '" + std::string(dotted) + "' is too long");
    return std::string(buffer, static_cast<size_t>(length));
}

// Number of code points, or nullopt for ill-formed UTF-8 (overlong forms, surrogates, > U+10FFFF).
std::optional<size_t> utf8_length(std::string_view text) {
    size_t count = 0;
    for (size_t i = 0; i < text.size(); ++count) {
        auto byte = static_cast<unsigned char>(text[i]);
        size_t extra;
        std::uint32_t code;
        if (byte < 0x80) { extra = 0; code = byte; }
        else if ((byte & 0xE0) == 0xC0) { extra = 1; code = byte & 0x1F; }
        else if ((byte & 0xF0) == 0xE0) { extra = 2; code = byte & 0x0F; }
        else if ((byte & 0xF8) == 0xF0) { extra = 3; code = byte & 0x07; }
        else return std::nullopt;
        if (i + extra >= text.size()) return std::nullopt;
        for (size_t k = 1; k <= extra; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return std::nullopt;
            code = (code << 6) | (next & 0x3F);
        }
        static constexpr std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
        if (code < smallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return std::nullopt;
        i += extra + 1;
    }
    return count;
}

bool is_printable_string(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
    });
}

struct ResolvedType {
    std::string name;  // canonical short name, or dotted OID
    std::string oid;
    int string_type = V_ASN1_UTF8STRING;
    size_t max_chars = 0;
};

ResolvedType resolve_type(std::string_view name) {
    std::string_view trimmed = name;
    for (const auto& alias : aliases)
        if (equals_ignoring_case(trimmed, alias.alias)) trimmed = alias.name;
    for (const auto& spec : attribute_specs)
        if (equals_ignoring_case(trimmed, spec.name))
            return {std::string(spec.name), std::string(spec.oid), spec.string_type, spec.max_chars};
    if (is_dotted_oid(trimmed)) {
        std::string oid = normalized_oid(trimmed);
        if (const auto* spec = spec_by_oid(oid))
            return {std::string(spec->name), oid, spec->string_type, spec->max_chars};
        return {oid, oid, V_ASN1_UTF8STRING, 0};
    }
    throw Error(ErrorKind::invalid_input, "unknown_attribute",
                "unknown attribute '" + std::string(name) +
                    "' in the name; use CN, O, OU, L, ST, C, UID, title, serialNumber, givenName, SN, "
                    "emailAddress, organizationIdentifier, street or a dotted OID");
}

void check_value(const ResolvedType& type, std::string_view value) {
    auto fail = [&](const std::string& why) {
        throw Error(ErrorKind::invalid_input, "invalid_name", type.name + " " + why);
    };
    if (value.empty()) fail("must not be empty");
    auto length = utf8_length(value);
    if (!length) fail("is not valid UTF-8");
    if (value.find('\0') != std::string_view::npos) fail("must not contain a NUL character");
    if (type.name == "C") {
        if (value.size() != 2 || !std::isupper(static_cast<unsigned char>(value[0])) ||
            !std::isupper(static_cast<unsigned char>(value[1])))
            fail("must be a two-letter upper-case country code such as VN (got '" + std::string(value) + "')");
    } else if (type.string_type == V_ASN1_PRINTABLESTRING && !is_printable_string(value)) {
        fail("may contain only letters A-Z, digits, spaces and ' ( ) + , - . / : = ? (got '" + std::string(value) + "')");
    } else if (type.string_type == V_ASN1_IA5STRING && *length != value.size()) {
        fail("must be plain ASCII (got '" + std::string(value) + "')");
    }
    if (type.max_chars != 0 && *length > type.max_chars)
        fail("may be at most " + std::to_string(type.max_chars) + " characters long (got " + std::to_string(*length) + ")");
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads RFC 4514 text one attribute at a time.
class NameParser {
public:
    explicit NameParser(std::string_view text) : text_(text) {}

    std::vector<RelativeName> parse() {
        std::vector<RelativeName> rdns(1);
        skip_spaces();
        if (at_end()) fail("the name is empty");
        while (true) {
            std::string type = read_type();
            std::string value = read_value();
            ResolvedType resolved = resolve_type(type);
            check_value(resolved, value);
            rdns.back().push_back({resolved.name, std::move(value)});
            if (at_end()) break;
            char separator = text_[pos_++];
            if (separator == ',') rdns.emplace_back();
            skip_spaces();
            if (at_end()) fail("the name ends with a dangling separator");
        }
        return rdns;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw Error(ErrorKind::invalid_input, "invalid_name",
                    "cannot read the distinguished name: " + why + " (at character " + std::to_string(pos_) + ")");
    }
    bool at_end() const { return pos_ >= text_.size(); }
    void skip_spaces() {
        while (!at_end() && text_[pos_] == ' ') ++pos_;
    }

    std::string read_type() {
        skip_spaces();
        size_t start = pos_;
        while (!at_end() && text_[pos_] != '=' && text_[pos_] != ',' && text_[pos_] != '+') ++pos_;
        if (at_end() || text_[pos_] != '=') fail("expected 'name=value'");
        std::string_view type = text_.substr(start, pos_ - start);
        while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
        if (type.empty()) fail("an attribute has no name");
        ++pos_;  // '='
        return std::string(type);
    }

    std::string read_value() {
        skip_spaces();
        if (!at_end() && text_[pos_] == '#') fail("hex-encoded (#...) values are not supported; write the text itself");
        std::string value;
        size_t keep = 0;  // length that trailing-space trimming must not cut into (escaped characters)
        while (!at_end() && text_[pos_] != ',' && text_[pos_] != '+') {
            char c = text_[pos_++];
            if (c == '\\') {
                if (at_end()) fail("the name ends with a lone backslash");
                char next = text_[pos_];
                if (pos_ + 1 < text_.size() && hex_value(next) >= 0 && hex_value(text_[pos_ + 1]) >= 0) {
                    value += static_cast<char>(hex_value(next) * 16 + hex_value(text_[pos_ + 1]));
                    pos_ += 2;
                } else if (std::string_view(",+\"\\<>;= #").find(next) != std::string_view::npos) {
                    value += next;
                    ++pos_;
                } else {
                    fail(std::string("unknown escape '\\") + next + "'");
                }
                keep = value.size();
            } else {
                value += c;
            }
        }
        while (value.size() > keep && value.back() == ' ') value.pop_back();
        return value;
    }

    std::string_view text_;
    size_t pos_ = 0;
};

void append_escaped(std::string& out, std::string_view value) {
    for (size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        auto byte = static_cast<unsigned char>(c);
        bool edge_space = c == ' ' && (i == 0 || i + 1 == value.size());
        if (std::string_view(",+\"\\<>;").find(c) != std::string_view::npos || edge_space || (c == '#' && i == 0)) {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte == 0x7f) {
            static constexpr char digits[] = "0123456789ABCDEF";
            out += '\\';
            out += digits[byte >> 4];
            out += digits[byte & 0x0f];
        } else {
            out += c;
        }
    }
}

}  // namespace

std::string canonical_attribute_name(std::string_view name) { return resolve_type(name).name; }

DistinguishedName DistinguishedName::parse(std::string_view rfc4514) {
    DistinguishedName name;
    name.rdns_ = NameParser(rfc4514).parse();
    return name;
}

DistinguishedName DistinguishedName::from_x509(const X509_NAME* x509_name) {
    DistinguishedName name;
    std::vector<RelativeName> der_order;
    int previous_set = -1;
    for (int i = 0; i < X509_NAME_entry_count(x509_name); ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(x509_name, i);
        char oid[128];
        int oid_length = OBJ_obj2txt(oid, sizeof oid, X509_NAME_ENTRY_get_object(entry), 1);
        if (oid_length <= 0 || static_cast<size_t>(oid_length) >= sizeof oid)
            throw Error(ErrorKind::invalid_input, "invalid_name", "the name carries an unreadable attribute type");
        const auto* spec = spec_by_oid(oid);
        unsigned char* utf8 = nullptr;
        int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
        if (length < 0) throw Error(ErrorKind::invalid_input, "invalid_name", std::string("the name's ") + oid + " value is not a readable string");
        std::string value(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
        OPENSSL_free(utf8);
        int set = X509_NAME_ENTRY_set(entry);
        if (der_order.empty() || set != previous_set) der_order.emplace_back();
        previous_set = set;
        der_order.back().push_back({spec ? std::string(spec->name) : std::string(oid), std::move(value)});
    }
    name.rdns_.assign(der_order.rbegin(), der_order.rend());
    return name;
}

X509NamePtr DistinguishedName::to_x509() const {
    X509NamePtr name(X509_NAME_new());
    if (!name) detail::throw_openssl("out_of_memory", "cannot create a name");
    for (auto rdn = rdns_.rbegin(); rdn != rdns_.rend(); ++rdn) {
        bool first = true;
        for (const auto& attribute : *rdn) {
            ResolvedType type = resolve_type(attribute.type);
            check_value(type, attribute.value);
            Asn1ObjectPtr object(OBJ_txt2obj(type.oid.c_str(), 1));
            // A plain V_ASN1_* type (not an MBSTRING_* flag) makes OpenSSL store exactly that string type.
            if (!object ||
                !X509_NAME_add_entry_by_OBJ(name.get(), object.get(), type.string_type,
                                            reinterpret_cast<const unsigned char*>(attribute.value.data()),
                                            static_cast<int>(attribute.value.size()), -1, first ? 0 : -1))
                detail::throw_openssl("invalid_name", "cannot encode the name attribute " + type.name);
            first = false;
        }
    }
    return name;
}

std::string DistinguishedName::to_string() const {
    std::string out;
    for (size_t r = 0; r < rdns_.size(); ++r) {
        if (r > 0) out += ',';
        for (size_t a = 0; a < rdns_[r].size(); ++a) {
            if (a > 0) out += '+';
            out += rdns_[r][a].type;
            out += '=';
            append_escaped(out, rdns_[r][a].value);
        }
    }
    return out;
}

std::optional<std::string> DistinguishedName::get(std::string_view attribute) const {
    std::string wanted = canonical_attribute_name(attribute);
    for (const auto& rdn : rdns_)
        for (const auto& entry : rdn)
            if (entry.type == wanted) return entry.value;
    return std::nullopt;
}

}  // namespace sign
