#pragma once
// PKCS#11 URIs (RFC 7512): the one way the project names a key or certificate,
// e.g. "pkcs11:token=city-ca;object=agency-seal;type=private".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sign::hsm {

/// The object class a URI asks for (`type=` attribute).
enum class ObjectType { private_key, public_key, certificate, secret_key };

/// The path attributes of a PKCS#11 URI that the project uses.
struct Uri {
    std::optional<std::string> token;         ///< token label
    std::optional<std::string> serial;        ///< token serial number
    std::optional<std::string> object;        ///< CKA_LABEL
    std::optional<std::vector<uint8_t>> id;   ///< CKA_ID, raw bytes
    std::optional<ObjectType> type;

    /// Parses "pkcs11:..." with percent-decoding; throws sign::Error(invalid_input) with the reason.
    static Uri parse(std::string_view text);
    /// The canonical text form, percent-encoding what RFC 7512 requires.
    std::string to_string() const;
    /// True when this URI's attributes are all satisfied by `other`'s (unset ones match anything).
    bool matches(const Uri& other) const;
};

}  // namespace sign::hsm
