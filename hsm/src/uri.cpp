#include "sign/hsm/uri.h"


#include "sign/error.h"
#include "sign/percent_encoding.h"

namespace sign::hsm {

namespace {

[[noreturn]] void refuse(const std::string& why) {
    throw sign::Error(ErrorKind::invalid_input, "invalid_pkcs11_uri", "invalid PKCS#11 URI: " + why);
}

std::string percent_decoded(std::string_view text, std::string_view attribute) {
    auto decoded = sign::percent_decode(text);
    if (!decoded) refuse("bad or truncated %-escape in '" + std::string(attribute) + "'");
    return std::move(*decoded);
}

// RFC 7512 section 2.3: besides the unreserved characters, these stand unescaped in a path attribute value.
constexpr std::string_view unescaped_in_path = ":[]@!$'()*+,=&";

std::string encode_bytes(const std::vector<uint8_t>& bytes) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (uint8_t b : bytes) {
        out += '%';
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

ObjectType parse_type(const std::string& value) {
    if (value == "private") return ObjectType::private_key;
    if (value == "public") return ObjectType::public_key;
    if (value == "cert") return ObjectType::certificate;
    if (value == "secret-key") return ObjectType::secret_key;
    refuse("type must be private, public, cert or secret-key (got '" + value + "')");
}

const char* type_name(ObjectType type) {
    switch (type) {
    case ObjectType::private_key: return "private";
    case ObjectType::public_key: return "public";
    case ObjectType::certificate: return "cert";
    case ObjectType::secret_key: return "secret-key";
    }
    return "private";
}

}  // namespace

Uri Uri::parse(std::string_view text) {
    constexpr std::string_view scheme = "pkcs11:";
    if (text.substr(0, scheme.size()) != scheme) refuse("it must start with 'pkcs11:'");
    std::string_view rest = text.substr(scheme.size());
    std::string_view query;
    if (auto question = rest.find('?'); question != std::string_view::npos) {
        query = rest.substr(question + 1);
        rest = rest.substr(0, question);
    }

    Uri uri;
    while (!rest.empty()) {
        auto end = rest.find(';');
        std::string_view attribute = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (attribute.empty()) continue;
        auto equals = attribute.find('=');
        if (equals == std::string_view::npos) refuse("attribute '" + std::string(attribute) + "' has no value");
        std::string name(attribute.substr(0, equals));
        std::string value = percent_decoded(attribute.substr(equals + 1), name);

        auto set_once = [&](auto& field, auto parsed) {
            if (field) refuse("attribute '" + name + "' appears twice");
            field = std::move(parsed);
        };
        if (name == "token") set_once(uri.token, value);
        else if (name == "serial") set_once(uri.serial, value);
        else if (name == "object") set_once(uri.object, value);
        else if (name == "id") set_once(uri.id, std::vector<uint8_t>(value.begin(), value.end()));
        else if (name == "type") set_once(uri.type, parse_type(value));
        else if (name == "manufacturer" || name == "model" || name.rfind("library-", 0) == 0 ||
                 name.rfind("slot-", 0) == 0 || name.rfind("x-", 0) == 0) {
            // Valid RFC 7512 attributes that never narrow a search on the single module we load.
        } else {
            refuse("unknown attribute '" + name + "'");
        }
    }
    // A PIN inside a URI ends up in logs and databases; the project accepts PINs only from files or prompts.
    if (query.find("pin-value=") != std::string_view::npos)
        refuse("pin-value is not accepted; give the PIN in a PIN file or at the prompt");
    return uri;
}

std::string Uri::to_string() const {
    std::string out = "pkcs11:";
    auto append = [&](const char* name, const std::string& encoded) {
        if (out.back() != ':') out += ';';
        out += name;
        out += '=';
        out += encoded;
    };
    if (token) append("token", percent_encode(*token, unescaped_in_path));
    if (serial) append("serial", percent_encode(*serial, unescaped_in_path));
    if (object) append("object", percent_encode(*object, unescaped_in_path));
    if (id) append("id", encode_bytes(*id));
    if (type) append("type", type_name(*type));
    return out;
}

bool Uri::matches(const Uri& other) const {
    if (token && token != other.token) return false;
    if (serial && serial != other.serial) return false;
    if (object && object != other.object) return false;
    if (id && id != other.id) return false;
    if (type && type != other.type) return false;
    return true;
}

}  // namespace sign::hsm
