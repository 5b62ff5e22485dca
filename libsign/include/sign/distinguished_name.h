#pragma once
// An X.509 distinguished name held as text, so Vietnamese names travel through
// the service in UTF-8 and reach the DER as UTF8String without transcoding.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/x509.h>

#include "sign/openssl_ptr.h"

namespace sign {

/// One attribute of a name: `type` is the canonical short name ("CN", "UID", "title") or,
/// for attributes without one, a dotted OID; `value` is UTF-8.
struct NameAttribute {
    std::string type;
    std::string value;
    bool operator==(const NameAttribute&) const = default;
};

/// One relative distinguished name; usually one attribute, several when joined with '+'.
using RelativeName = std::vector<NameAttribute>;

/// The canonical spelling of an attribute name ("cn" -> "CN", "E" -> "emailAddress",
/// "2.5.4.3" -> "CN"); throws invalid_input `unknown_attribute` for names we do not know.
std::string canonical_attribute_name(std::string_view name);

/// A distinguished name in RFC 4514 order: the first RDN is the most specific (CN), which is
/// the last one in the DER SEQUENCE.
class DistinguishedName {
public:
    /// Parses RFC 4514 text such as "CN=Nguyễn Văn An,O=...,C=VN". Throws invalid_input
    /// (`invalid_name`, `unknown_attribute`) for malformed text, empty values or bad UTF-8.
    static DistinguishedName parse(std::string_view rfc4514);

    /// Reads an OpenSSL name; attributes we have no short name for keep their dotted OID.
    static DistinguishedName from_x509(const X509_NAME* name);

    /// The DER-ready OpenSSL name: UTF8String everywhere except C (PrintableString),
    /// emailAddress (IA5String) and serialNumber (PrintableString, as X.520 defines it).
    X509NamePtr to_x509() const;

    /// RFC 4514 text with multibyte characters left as UTF-8, so parse(to_string()) round-trips.
    std::string to_string() const;

    /// The first value of `attribute` (any accepted spelling), in RFC 4514 order.
    std::optional<std::string> get(std::string_view attribute) const;

    /// The RDNs in RFC 4514 order (most specific first).
    const std::vector<RelativeName>& rdns() const noexcept { return rdns_; }

    /// True when there are no attributes at all.
    bool empty() const noexcept { return rdns_.empty(); }

    /// Same attributes in the same order; no case folding, as RFC 5280 name chaining with UTF8String expects.
    bool operator==(const DistinguishedName&) const = default;

private:
    std::vector<RelativeName> rdns_;
};

}  // namespace sign
