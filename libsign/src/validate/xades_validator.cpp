#include "sign/validate/xades_validator.h"

// The XML side of the process is here; what every format shares (time-stamps, acceptance, the
// chain, revocation, validation with time) is the CAdES validator's, through signature_process.h.
// xmlsec checks each ds:Reference (xmlSecDSigReferenceCtxProcessNode) and the SignatureValue over
// the canonical SignedInfo (its c14n and signature transforms) one by one rather than in one
// xmlSecDSigCtxVerify call: that call stops at the first broken reference, cannot tell a changed
// document (HASH_FAILURE) from a bad signature value (SIG_CRYPTO_FAILURE), and would open a
// detached reference's URI itself, whereas here the caller hands over the detached file's bytes or
// digest and xmlsec may resolve nothing outside the document.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/x509v3.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/nodeset.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include "../xml/xades_archive.h"
#include "../xml/xmlsec_support.h"
#include "../xml/xml_document.h"
#include "sign/base64.h"
#include "sign/error.h"
#include "sign/utc_time.h"
#include "signature_process.h"

namespace sign::validate {

namespace {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using detail::make_finding;
using detail::SignatureProcess;
using xml::DsigContext;
using xml::initialise_xmlsec;
using xml::register_ids;
using xml::take_xmlsec_error;

constexpr std::string_view ds_ns = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view xades_ns = "http://uri.etsi.org/01903/v1.3.2#";
using xml::xades141_ns;
constexpr std::string_view signed_properties_type = "http://uri.etsi.org/01903#SignedProperties";
constexpr std::string_view enveloped_signature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
// XAdES: a time-stamp without ds:CanonicalizationMethod covers Canonical XML 1.0.
constexpr std::string_view default_c14n = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";

constexpr std::string_view canonicalizations[] = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",      "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",                 "http://www.w3.org/2006/12/xml-c14n11#WithComments",
    "http://www.w3.org/2001/10/xml-exc-c14n#",              "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
};

struct SignatureMethod {
    std::string_view uri;
    const char* scheme;
    const char* digest;
};
constexpr SignatureMethod signature_methods[] = {
    {"http://www.w3.org/2000/09/xmldsig#rsa-sha1", "rsa-pkcs1", "sha1"},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha224", "rsa-pkcs1", "sha224"},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "rsa-pkcs1", "sha256"},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "rsa-pkcs1", "sha384"},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "rsa-pkcs1", "sha512"},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", "ecdsa", "sha1"},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224", "ecdsa", "sha224"},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "ecdsa", "sha256"},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "ecdsa", "sha384"},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", "ecdsa", "sha512"},
};

struct DigestMethod {
    std::string_view uri;
    const char* name;
};
constexpr DigestMethod digest_methods[] = {
    {"http://www.w3.org/2000/09/xmldsig#sha1", "sha1"},
    {"http://www.w3.org/2001/04/xmldsig-more#sha224", "sha224"},
    {"http://www.w3.org/2001/04/xmlenc#sha256", "sha256"},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", "sha384"},
    {"http://www.w3.org/2001/04/xmlenc#sha512", "sha512"},
};

const char* digest_name_of(std::string_view uri) {
    for (const auto& method : digest_methods)
        if (method.uri == uri) return method.name;
    return nullptr;
}

// ---- XML helpers ------------------------------------------------------------------------------------

const char* text(const xmlChar* value) { return reinterpret_cast<const char*>(value); }
const xmlChar* xml_text(const char* value) { return reinterpret_cast<const xmlChar*>(value); }

bool is(const xmlNode* node, std::string_view ns, std::string_view name) {
    return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href && text(node->ns->href) == ns &&
           text(node->name) == name;
}

std::vector<xmlNode*> element_children(xmlNode* parent) {
    std::vector<xmlNode*> out;
    for (xmlNode* child = parent ? parent->children : nullptr; child; child = child->next)
        if (child->type == XML_ELEMENT_NODE) out.push_back(child);
    return out;
}

std::vector<xmlNode*> children_named(xmlNode* parent, std::string_view ns, std::string_view name) {
    std::vector<xmlNode*> out;
    for (xmlNode* child : element_children(parent))
        if (is(child, ns, name)) out.push_back(child);
    return out;
}

xmlNode* child_named(xmlNode* parent, std::string_view ns, std::string_view name) {
    auto found = children_named(parent, ns, name);
    return found.empty() ? nullptr : found.front();
}

std::optional<std::string> attribute(xmlNode* element, const char* name) {
    if (!element || !xmlHasProp(element, xml_text(name))) return std::nullopt;
    xmlChar* value = xmlGetProp(element, xml_text(name));
    std::string out = value ? text(value) : "";
    xmlFree(value);
    return out;
}

bool within(const xmlNode* node, const xmlNode* ancestor) {
    for (; node; node = node->parent)
        if (node == ancestor) return true;
    return false;
}

std::string trimmed_text(xmlNode* element) {
    std::string value = xml::text_of(element);
    auto first = value.find_first_not_of(" \t\r\n");
    auto last = value.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
}

std::optional<std::vector<std::uint8_t>> base64_of(xmlNode* element) {
    if (!element) return std::nullopt;
    return decode_base64(xml::text_of(element), {.ignore_whitespace = true});
}

// Element depth and count, within the limits: libxml2 alone allows 256 levels.
std::optional<std::string> shape_problem(xmlDoc* document, const XmlLimits& limits) {
    std::size_t elements = 0;
    xmlNode* node = xmlDocGetRootElement(document);
    int depth = 1;
    while (node) {
        if (node->type == XML_ELEMENT_NODE) {
            if (++elements > limits.max_elements) return "more than " + std::to_string(limits.max_elements) + " elements";
            if (depth > limits.max_depth) return "elements nested deeper than " + std::to_string(limits.max_depth) + " levels";
        }
        if (node->type == XML_ELEMENT_NODE && node->children) {
            node = node->children;
            ++depth;
            continue;
        }
        while (node && !node->next) {
            node = node->parent;
            --depth;
            if (depth <= 0 || (node && node->type == XML_DOCUMENT_NODE)) node = nullptr;
        }
        if (node) node = node->next;
    }
    return std::nullopt;
}

xmlNode* element_with_id(xmlDoc* document, const std::string& id) {
    xmlAttr* attribute = xmlGetID(document, xml_text(id.c_str()));
    return attribute ? attribute->parent : nullptr;
}

// xsd:dateTime as XAdES SigningTime carries it: "2026-12-07T09:15:42Z", "+07:00", fractions, or no zone (UTC).
std::optional<TimePoint> parse_xml_datetime(const std::string& value) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, used = 0;
    if (std::sscanf(value.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &used) != 6)
        return std::nullopt;
    std::string_view rest = std::string_view(value).substr(static_cast<std::size_t>(used));
    if (!rest.empty() && rest.front() == '.') {
        rest.remove_prefix(1);
        while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
    }
    int offset_minutes = 0;
    if (rest == "Z" || rest.empty()) {
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        int hours = 0, minutes = 0;
        if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &hours, &minutes) != 2) return std::nullopt;
        offset_minutes = (rest[0] == '+' ? 1 : -1) * (hours * 60 + minutes);
    } else {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                     std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return std::nullopt;
    return TimePoint(std::chrono::sys_days(date)) + std::chrono::hours(hour) + std::chrono::minutes(minute - offset_minutes) +
           std::chrono::seconds(second);
}

std::vector<std::uint8_t> digest_with(const std::string& name, std::span<const std::uint8_t> data) {
    const EVP_MD* md = EVP_get_digestbyname(name.c_str());
    if (!md) throw Error(ErrorKind::internal, "openssl_failure", "unknown digest " + name);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    unsigned length = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "hashing failed");
    return out;
}

std::string lowercase_alnum(std::string_view name) {
    std::string out;
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// ---- the signature's pieces -------------------------------------------------------------------------

struct Reference {
    xmlNode* node = nullptr;
    std::string uri;
    bool signs_properties = false;
    bool external = false;
    bool has_transforms = false;
    std::string digest;  // "sha256"
    std::vector<std::uint8_t> digest_value;
};

struct Parts {
    xmlNode* signature = nullptr;
    xmlNode* signed_info = nullptr;
    xmlNode* c14n_method = nullptr;
    xmlNode* signature_method = nullptr;
    xmlNode* signature_value = nullptr;
    xmlNode* key_info = nullptr;
    std::vector<xmlNode*> objects;
    xmlNode* qualifying = nullptr;
    xmlNode* signed_properties = nullptr;
    xmlNode* unsigned_signature_properties = nullptr;
    const SignatureMethod* method = nullptr;
    std::vector<Reference> references;
};

// A structural fault: the signature is a FORMAT_FAILURE.
struct FormatFault {
    std::string code;
    std::string en;
};

Parts read_structure(xmlDoc* document, xmlNode* signature, const XmlLimits& limits) {
    Parts parts;
    parts.signature = signature;
    auto children = element_children(signature);
    std::size_t at = 0;
    auto next_is = [&](std::string_view name) { return at < children.size() && is(children[at], ds_ns, name); };
    if (!next_is("SignedInfo")) throw FormatFault{"signed_info_missing", "ds:Signature does not start with ds:SignedInfo"};
    parts.signed_info = children[at++];
    if (!next_is("SignatureValue")) throw FormatFault{"signature_value_missing", "ds:SignatureValue does not follow ds:SignedInfo"};
    parts.signature_value = children[at++];
    if (next_is("KeyInfo")) parts.key_info = children[at++];
    while (next_is("Object")) parts.objects.push_back(children[at++]);
    if (at != children.size()) throw FormatFault{"unexpected_element", "ds:Signature has an unexpected child element"};

    auto info = element_children(parts.signed_info);
    if (info.size() < 3 || !is(info[0], ds_ns, "CanonicalizationMethod") || !is(info[1], ds_ns, "SignatureMethod"))
        throw FormatFault{"signed_info_malformed", "ds:SignedInfo lacks CanonicalizationMethod, SignatureMethod or a Reference"};
    parts.c14n_method = info[0];
    parts.signature_method = info[1];
    std::string c14n = attribute(parts.c14n_method, "Algorithm").value_or("");
    if (std::find(std::begin(canonicalizations), std::end(canonicalizations), c14n) == std::end(canonicalizations))
        throw FormatFault{"unsupported_canonicalization", "the canonicalization method '" + c14n + "' is not supported"};
    std::string method = attribute(parts.signature_method, "Algorithm").value_or("");
    for (const auto& known : signature_methods)
        if (known.uri == method) parts.method = &known;
    if (!parts.method) throw FormatFault{"unsupported_signature_method", "the signature method '" + method + "' is not supported"};
    if (static_cast<int>(info.size()) - 2 > limits.max_references)
        throw FormatFault{"too_many_references", "more than " + std::to_string(limits.max_references) + " references"};

    // The qualifying properties: in one of this signature's ds:Object, aimed at this signature.
    std::string signature_id = attribute(signature, "Id").value_or("");
    for (xmlNode* object : parts.objects)
        for (xmlNode* qualifying : children_named(object, xades_ns, "QualifyingProperties")) {
            if (parts.qualifying) throw FormatFault{"several_qualifying_properties", "more than one xades:QualifyingProperties"};
            parts.qualifying = qualifying;
        }
    if (parts.qualifying) {
        if (signature_id.empty() || attribute(parts.qualifying, "Target").value_or("") != "#" + signature_id)
            throw FormatFault{"qualifying_properties_target", "xades:QualifyingProperties does not target this ds:Signature's Id"};
        auto signed_properties = children_named(parts.qualifying, xades_ns, "SignedProperties");
        if (signed_properties.size() != 1 || !attribute(signed_properties[0], "Id"))
            throw FormatFault{"signed_properties_missing", "xades:QualifyingProperties needs exactly one xades:SignedProperties with an Id"};
        parts.signed_properties = signed_properties[0];
        if (xmlNode* unsigned_properties = child_named(parts.qualifying, xades_ns, "UnsignedProperties"))
            parts.unsigned_signature_properties = child_named(unsigned_properties, xades_ns, "UnsignedSignatureProperties");
    }

    int properties_references = 0;
    xmlNode* root = xmlDocGetRootElement(document);
    for (std::size_t i = 2; i < info.size(); ++i) {
        xmlNode* node = info[i];
        if (!is(node, ds_ns, "Reference")) throw FormatFault{"signed_info_malformed", "ds:SignedInfo has an element that is not a ds:Reference"};
        Reference reference;
        reference.node = node;
        auto uri = attribute(node, "URI");
        if (!uri) throw FormatFault{"reference_without_uri", "a ds:Reference has no URI"};
        reference.uri = *uri;
        auto parts_of_reference = element_children(node);
        std::size_t k = 0;
        if (k < parts_of_reference.size() && is(parts_of_reference[k], ds_ns, "Transforms")) {
            for (xmlNode* transform : element_children(parts_of_reference[k])) {
                std::string algorithm = attribute(transform, "Algorithm").value_or("");
                bool allowed = is(transform, ds_ns, "Transform") &&
                               (algorithm == enveloped_signature ||
                                std::find(std::begin(canonicalizations), std::end(canonicalizations), algorithm) != std::end(canonicalizations));
                if (!allowed)
                    throw FormatFault{"transform_refused", "the transform '" + algorithm +
                                                               "' is refused (only enveloped-signature and canonicalization; no XSLT, no XPath)"};
                reference.has_transforms = true;
            }
            ++k;
        }
        if (k + 2 != parts_of_reference.size() || !is(parts_of_reference[k], ds_ns, "DigestMethod") ||
            !is(parts_of_reference[k + 1], ds_ns, "DigestValue"))
            throw FormatFault{"reference_malformed", "a ds:Reference lacks DigestMethod or DigestValue"};
        std::string digest_uri = attribute(parts_of_reference[k], "Algorithm").value_or("");
        const char* digest = digest_name_of(digest_uri);
        if (!digest) throw FormatFault{"unsupported_digest_method", "the digest method '" + digest_uri + "' is not supported"};
        reference.digest = digest;
        auto value = base64_of(parts_of_reference[k + 1]);
        if (!value) throw FormatFault{"reference_malformed", "a ds:DigestValue is not base64"};
        reference.digest_value = std::move(*value);

        if (attribute(node, "Type").value_or("") == signed_properties_type) {
            // It must be this signature's own SignedProperties, found by a unique Id.
            if (!parts.signed_properties || reference.uri != "#" + *attribute(parts.signed_properties, "Id") ||
                element_with_id(document, reference.uri.substr(1)) != parts.signed_properties)
                throw FormatFault{"signed_properties_reference", "the SignedProperties reference does not point at this signature's xades:SignedProperties"};
            reference.signs_properties = true;
            ++properties_references;
        } else if (reference.uri.empty()) {
        } else if (reference.uri.front() == '#') {
            std::string id = reference.uri.substr(1);
            if (id.empty() || id.find('(') != std::string::npos)
                throw FormatFault{"reference_refused", "the reference '" + reference.uri + "' is not a plain Id (no XPointer)"};
            xmlNode* target = element_with_id(document, id);
            if (!target) throw FormatFault{"reference_target_missing", "no element has the Id the reference '" + reference.uri + "' names"};
            // The document itself, or what this signature envelops or describes: a reference
            // elsewhere signs a part of the document a reader may not be shown (signature wrapping).
            bool own = target == root || std::any_of(parts.objects.begin(), parts.objects.end(), [&](xmlNode* object) { return within(target, object); }) ||
                       (parts.key_info && within(target, parts.key_info));
            if (!own)
                throw FormatFault{"reference_target_outside", "the reference '" + reference.uri +
                                                                   "' signs an element that is neither the document nor inside this signature (signature wrapping)"};
        } else {
            reference.external = true;
        }
        parts.references.push_back(std::move(reference));
    }
    if (parts.qualifying && properties_references != 1)
        throw FormatFault{"signed_properties_not_signed", "the xades:SignedProperties are not signed by exactly one reference"};
    if (std::none_of(parts.references.begin(), parts.references.end(), [](const Reference& r) { return !r.signs_properties; }))
        throw FormatFault{"no_signed_data", "no reference signs any data"};
    return parts;
}

// ---- cryptography -----------------------------------------------------------------------------------

// One same-document reference's digest: true or false, nullopt (with `why`) when xmlsec could not compute it.
std::optional<bool> reference_matches(xmlNode* reference, std::string& why) {
    DsigContext dsig;
    xmlSecDSigReferenceCtxPtr context = xmlSecDSigReferenceCtxCreate(&dsig.context, xmlSecDSigReferenceOriginSignedInfo);
    if (!context) throw Error(ErrorKind::internal, "out_of_memory", "cannot start xmlsec");
    int processed = xmlSecDSigReferenceCtxProcessNode(context, reference);
    xmlSecDSigStatus status = context->status;
    xmlSecDSigReferenceCtxDestroy(context);
    if (processed < 0) {
        why = take_xmlsec_error();
        return std::nullopt;
    }
    return status == xmlSecDSigStatusSucceeded;
}

// The SignatureValue over the canonical SignedInfo with the signer's key: nullopt (with `why`) when
// xmlsec could not run the check (the key does not fit the method, a malformed value).
std::optional<bool> signature_value_verifies(const Parts& parts, EVP_PKEY* public_key, std::string& why) {
    DsigContext dsig;
    xmlSecTransformCtx* transforms = &dsig.context.transformCtx;
    xmlSecTransformPtr c14n = xmlSecTransformCtxNodeRead(transforms, parts.c14n_method, xmlSecTransformUsageC14NMethod);
    xmlSecTransformPtr method = c14n ? xmlSecTransformCtxNodeRead(transforms, parts.signature_method, xmlSecTransformUsageSignatureMethod) : nullptr;
    if (!method) {
        why = take_xmlsec_error();
        return std::nullopt;
    }
    method->operation = xmlSecTransformOperationVerify;
    EVP_PKEY_up_ref(public_key);
    xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(public_key);
    if (!data) {
        EVP_PKEY_free(public_key);
        why = take_xmlsec_error();
        return std::nullopt;
    }
    xmlSecKeyPtr key = xmlSecKeyCreate();
    if (!key || xmlSecKeySetValue(key, data) < 0) {
        xmlSecKeyDataDestroy(data);
        if (key) xmlSecKeyDestroy(key);
        throw Error(ErrorKind::internal, "out_of_memory", "cannot hold the signer's key for xmlsec");
    }
    int keyed = xmlSecTransformSetKey(method, key);
    xmlSecKeyDestroy(key);
    if (keyed < 0) {
        why = "the signer's key does not fit the signature method (" + take_xmlsec_error() + ")";
        return std::nullopt;
    }
    xmlSecNodeSetPtr nodes = xmlSecNodeSetGetChildren(parts.signed_info->doc, parts.signed_info, 1, 0);
    if (!nodes) throw Error(ErrorKind::internal, "out_of_memory", "cannot select ds:SignedInfo");
    int executed = xmlSecTransformCtxXmlExecute(transforms, nodes);
    xmlSecNodeSetDestroy(nodes);
    if (executed < 0 || xmlSecTransformVerifyNodeContent(method, parts.signature_value, transforms) < 0) {
        why = take_xmlsec_error();
        return std::nullopt;
    }
    return method->status == xmlSecTransformStatusOk;
}

// ---- signing certificate ----------------------------------------------------------------------------

// IssuerSerial (RFC 5035) of `certificate` in DER: SEQUENCE { GeneralNames { [4] issuer }, serial }.
std::vector<std::uint8_t> issuer_serial_der(X509* certificate) {
    std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>> names(GENERAL_NAMES_new());
    GENERAL_NAME* name = GENERAL_NAME_new();
    X509_NAME* issuer = X509_NAME_dup(X509_get_issuer_name(certificate));
    if (!names || !name || !issuer) {
        GENERAL_NAME_free(name);
        X509_NAME_free(issuer);
        throw Error(ErrorKind::internal, "out_of_memory", "cannot encode an issuer and serial");
    }
    GENERAL_NAME_set0_value(name, GEN_DIRNAME, issuer);
    sk_GENERAL_NAME_push(names.get(), name);
    unsigned char* names_der = nullptr;
    unsigned char* serial_der = nullptr;
    int names_length = i2d_GENERAL_NAMES(names.get(), &names_der);
    int serial_length = i2d_ASN1_INTEGER(X509_get0_serialNumber(certificate), &serial_der);
    std::vector<std::uint8_t> body;
    if (names_length > 0 && serial_length > 0) {
        body.assign(names_der, names_der + names_length);
        body.insert(body.end(), serial_der, serial_der + serial_length);
    }
    OPENSSL_free(names_der);
    OPENSSL_free(serial_der);
    if (body.empty()) throw Error(ErrorKind::internal, "openssl_failure", "cannot encode an issuer and serial");
    std::vector<std::uint8_t> out{0x30};
    std::size_t length = body.size();
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
    } else {
        std::vector<std::uint8_t> digits;
        for (; length > 0; length >>= 8) digits.insert(digits.begin(), static_cast<std::uint8_t>(length & 0xff));
        out.push_back(static_cast<std::uint8_t>(0x80 | digits.size()));
        out.insert(out.end(), digits.begin(), digits.end());
    }
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

// The XAdES Cert element names `certificate`: its CertDigest, and IssuerSerialV2 / IssuerSerial when present.
bool cert_element_names(xmlNode* cert, X509* certificate, bool& issuer_serial_mismatch) {
    xmlNode* cert_digest = child_named(cert, xades_ns, "CertDigest");
    if (!cert_digest) return false;
    const char* digest = digest_name_of(attribute(child_named(cert_digest, ds_ns, "DigestMethod"), "Algorithm").value_or(""));
    auto expected = base64_of(child_named(cert_digest, ds_ns, "DigestValue"));
    if (!digest || !expected) return false;
    unsigned char* der = nullptr;
    int length = i2d_X509(certificate, &der);
    if (length <= 0) return false;
    auto actual = digest_with(digest, std::span<const std::uint8_t>(der, static_cast<std::size_t>(length)));
    OPENSSL_free(der);
    if (actual != *expected) return false;
    if (xmlNode* v2 = child_named(cert, xades_ns, "IssuerSerialV2")) {
        auto bytes = base64_of(v2);
        bool matches = bytes && *bytes == issuer_serial_der(certificate);
        if (!matches) issuer_serial_mismatch = true;
        return matches;
    }
    if (xmlNode* v1 = child_named(cert, xades_ns, "IssuerSerial")) {
        std::string serial_text = trimmed_text(child_named(v1, ds_ns, "X509SerialNumber"));
        BIGNUM* serial = nullptr;
        bool matches = !serial_text.empty() && BN_dec2bn(&serial, serial_text.c_str()) == static_cast<int>(serial_text.size());
        if (matches) {
            BIGNUM* actual_serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr);
            matches = actual_serial && BN_cmp(serial, actual_serial) == 0;
            BN_free(actual_serial);
        }
        BN_free(serial);
        ERR_clear_error();
        if (!matches) issuer_serial_mismatch = true;
        return matches;
    }
    return true;
}

std::vector<std::uint8_t> signed_value_bytes(std::string_view text) { return {text.begin(), text.end()}; }

// ---- one signature ----------------------------------------------------------------------------------

SignatureReport validate_signature(detail::SharedValidation& shared, xmlDoc* document, xmlNode* signature_node,
                                   const SignedContent& content, const XmlLimits& limits, int index) {
    const ValidationPolicy& policy = shared.policy();
    const InputLimits& input_limits = shared.options().input_limits;
    SignatureProcess process(shared);
    SignatureReport report;
    report.id = "S" + std::to_string(index + 1);
    report.format = "XML-DSig";
    auto format_failure = [&](const std::string& code, const std::string& en) {
        process.raise(SubIndication::format_failure);
        report.findings.push_back(make_finding(Finding::Severity::error, code, "Chữ ký không đúng định dạng XML-DSig/XAdES: " + en + ".",
                                               "The signature is not well-formed XML-DSig/XAdES: " + en + "."));
        return process.finish(report);
    };

    Parts parts;
    try {
        parts = read_structure(document, signature_node, limits);
    } catch (const FormatFault& fault) {
        return format_failure(fault.code, fault.en);
    }
    if (parts.qualifying) report.format = "XAdES";

    // -- the signature's own validation data, then the caller's
    int certificates = 0;
    int revocation_items = 0;
    std::vector<X509Ptr> key_info_certificates;
    auto add_certificates = [&](xmlNode* parent, std::string_view ns, std::string_view name, bool from_key_info) -> bool {
        for (xmlNode* element : children_named(parent, ns, name)) {
            if (++certificates > input_limits.max_certificates) return false;
            auto der = base64_of(element);
            auto parsed = der ? detail::parse_certificates(*der) : std::vector<X509Ptr>{};
            if (parsed.size() != 1) return false;
            if (from_key_info) {
                X509_up_ref(parsed.front().get());
                key_info_certificates.emplace_back(parsed.front().get());
            }
            X509_up_ref(parsed.front().get());
            process.add_signature_certificate(X509Ptr(parsed.front().get()));
        }
        return true;
    };
    for (xmlNode* x509_data : children_named(parts.key_info, ds_ns, "X509Data"))
        if (!add_certificates(x509_data, ds_ns, "X509Certificate", true))
            return format_failure("key_info_certificate_unreadable", "a ds:X509Certificate is unreadable, or there are more than " +
                                                                         std::to_string(input_limits.max_certificates) + " certificates");
    bool carries_validation_data = false;
    std::vector<xmlNode*> timestamps;
    std::vector<xmlNode*> archive_timestamps;
    if (xmlNode* properties = parts.unsigned_signature_properties) {
        // Validation data sits in the properties themselves and, for what was gathered after an
        // archive time-stamp, in xadesv141:TimeStampValidationData (EN 319 132-1 5.5.1).
        std::vector<xmlNode*> holders{properties};
        for (xmlNode* later : children_named(properties, xades141_ns, "TimeStampValidationData")) holders.push_back(later);
        for (xmlNode* holder : holders) {
            for (xmlNode* values : children_named(holder, xades_ns, "CertificateValues")) {
                carries_validation_data = true;
                if (!add_certificates(values, xades_ns, "EncapsulatedX509Certificate", false))
                    return format_failure("certificate_values_unreadable", "an xades:EncapsulatedX509Certificate is unreadable, or there are too many");
            }
            for (xmlNode* values : children_named(holder, xades_ns, "RevocationValues")) {
                carries_validation_data = true;
                for (xmlNode* crl : children_named(child_named(values, xades_ns, "CRLValues"), xades_ns, "EncapsulatedCRLValue")) {
                    auto der = base64_of(crl);
                    X509CrlPtr parsed = der ? detail::parse_crl(*der) : nullptr;
                    if (!parsed || ++revocation_items > input_limits.max_revocation_items)
                        return format_failure("revocation_values_unreadable", "an xades:EncapsulatedCRLValue is unreadable, or there are too many");
                    process.add_signature_crl(std::move(parsed));
                }
                for (xmlNode* ocsp : children_named(child_named(values, xades_ns, "OCSPValues"), xades_ns, "EncapsulatedOCSPValue")) {
                    auto der = base64_of(ocsp);
                    OcspBasicResponsePtr parsed = der ? detail::parse_ocsp(*der) : nullptr;
                    if (!parsed || ++revocation_items > input_limits.max_revocation_items)
                        return format_failure("revocation_values_unreadable", "an xades:EncapsulatedOCSPValue is unreadable, or there are too many");
                    process.add_signature_ocsp(std::move(parsed));
                }
            }
        }
        timestamps = children_named(properties, xades_ns, "SignatureTimeStamp");
        archive_timestamps = children_named(properties, xades141_ns, "ArchiveTimeStamp");
    }
    process.add_supplied_data();
    ERR_clear_error();

    // -- the signed properties: claimed signing time, signing certificate
    xmlNode* signed_signature_properties = parts.signed_properties ? child_named(parts.signed_properties, xades_ns, "SignedSignatureProperties") : nullptr;
    if (xmlNode* signing_time = child_named(signed_signature_properties, xades_ns, "SigningTime")) {
        report.claimed_signing_time = parse_xml_datetime(trimmed_text(signing_time));
        if (!report.claimed_signing_time) return format_failure("signing_time_malformed", "xades:SigningTime is not an xsd:dateTime");
    }
    xmlNode* signing_certificate = child_named(signed_signature_properties, xades_ns, "SigningCertificateV2");
    if (!signing_certificate) signing_certificate = child_named(signed_signature_properties, xades_ns, "SigningCertificate");
    X509* signer = nullptr;
    if (signing_certificate) {
        bool issuer_serial_mismatch = false;
        for (xmlNode* cert : children_named(signing_certificate, xades_ns, "Cert")) {
            for (const auto& item : process.pool().certificates)
                if (cert_element_names(cert, item.certificate.get(), issuer_serial_mismatch)) {
                    signer = item.certificate.get();
                    break;
                }
            if (signer) break;
        }
        if (!signer) {
            process.raise(MainIndication::indeterminate, SubIndication::no_signing_certificate_found);
            if (issuer_serial_mismatch)
                report.findings.push_back(make_finding(Finding::Severity::error, "signing_certificate_mismatch",
                                                       "Thuộc tính SigningCertificate không khớp với chứng thư số đã dùng để ký.",
                                                       "The SigningCertificate property does not name the certificate used."));
            else
                report.findings.push_back(make_finding(Finding::Severity::error, "signing_certificate_not_found",
                                                       "Không tìm thấy chứng thư số của người ký: không xác định được người ký.",
                                                       "The signer's certificate was not found."));
            return process.finish(report);
        }
    } else {
        process.constrain(report, policy.signing_certificate_attribute, SubIndication::sig_constraints_failure,
                          make_finding(Finding::Severity::error, "signing_certificate_attribute_missing",
                                       "Chữ ký không có thuộc tính SigningCertificateV2 ràng buộc chứng thư số của người ký.",
                                       "The signature has no SigningCertificateV2 property binding the signer's certificate."));
        if (!key_info_certificates.empty()) signer = key_info_certificates.front().get();
        if (!signer) {
            process.raise(MainIndication::indeterminate, SubIndication::no_signing_certificate_found);
            report.findings.push_back(make_finding(Finding::Severity::error, "signing_certificate_not_found",
                                                   "Không tìm thấy chứng thư số của người ký: không xác định được người ký.",
                                                   "The signer's certificate was not found."));
            return process.finish(report);
        }
    }
    report.signer_certificate_found = true;
    report.signer = detail::signer_identity(signer);
    report.issuer = detail::name_text_of(X509_get_issuer_name(signer));
    report.certificate_not_before = detail::time_of_asn1(X509_get0_notBefore(signer));
    report.certificate_not_after = detail::time_of_asn1(X509_get0_notAfter(signer));

    EVP_PKEY* public_key = X509_get0_pubkey(signer);
    if (!public_key) return format_failure("unreadable_public_key", "the signer's public key is unreadable");
    const std::string scheme = parts.method->scheme;
    report.digest_algorithm = parts.method->digest;
    report.signature_algorithm = scheme + " " + std::to_string(EVP_PKEY_get_bits(public_key)) + " bit";

    // -- integrity: every reference; a detached one against the caller's file or digest
    bool data_intact = true;
    bool data_checked = true;
    int external_references = 0;
    for (const Reference& reference : parts.references) {
        std::optional<bool> matches;
        std::string why;
        if (reference.external) {
            if (++external_references > 1) {
                process.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
                report.findings.push_back(make_finding(Finding::Severity::error, "several_detached_references",
                                                       "Chữ ký ký nhiều tệp tách rời; chỉ một tệp được cung cấp.",
                                                       "The signature signs several detached files; only one was given."));
                data_checked = false;
                continue;
            }
            if (reference.has_transforms) {
                process.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
                report.findings.push_back(make_finding(Finding::Severity::error, "detached_transforms_unsupported",
                                                       "Tham chiếu tới tệp tách rời " + reference.uri + " có phép biến đổi, chưa được hỗ trợ.",
                                                       "The reference to the detached file " + reference.uri + " has transforms, which are not supported."));
                data_checked = false;
                continue;
            }
            try {
                switch (content.kind()) {
                    case SignedContent::Kind::attached:
                        process.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
                        report.findings.push_back(make_finding(Finding::Severity::error, "signed_data_not_found",
                                                               "Chữ ký tách rời: cần tệp " + reference.uri + " để kiểm tra.",
                                                               "A detached signature: the signed file " + reference.uri + " is needed."));
                        break;
                    case SignedContent::Kind::detached:
                        matches = digest_with(reference.digest, content.document()) == reference.digest_value;
                        break;
                    case SignedContent::Kind::digest:
                        if (lowercase_alnum(content.digest_name()) != lowercase_alnum(reference.digest)) {
                            process.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
                            report.findings.push_back(make_finding(Finding::Severity::error, "digest_algorithm_mismatch",
                                                                   "Giá trị băm được cung cấp dùng " + content.digest_name() + " nhưng chữ ký dùng " + reference.digest + ".",
                                                                   "The digest given was made with " + content.digest_name() + " but the signature uses " + reference.digest + "."));
                        } else {
                            matches = content.digest_value() == reference.digest_value;
                        }
                        break;
                    case SignedContent::Kind::digester: {
                        const EVP_MD* md = EVP_get_digestbyname(reference.digest.c_str());
                        if (!md) throw Error(ErrorKind::internal, "openssl_failure", "unknown digest " + reference.digest);
                        matches = content.digest_function()(EVP_MD_get0_name(md)) == reference.digest_value;
                        break;
                    }
                }
            } catch (const std::exception& error) {
                process.raise(MainIndication::indeterminate, SubIndication::signed_data_not_found);
                report.findings.push_back(make_finding(Finding::Severity::error, "signed_data_unreadable",
                                                       std::string("Không đọc được dữ liệu được ký: ") + error.what(),
                                                       std::string("The signed data could not be read: ") + error.what()));
            }
            if (!matches) {
                data_checked = false;
                continue;
            }
        } else {
            matches = reference_matches(reference.node, why);
            if (!matches) return format_failure("reference_unprocessable", "the reference '" + reference.uri + "' cannot be processed: " + why);
        }
        if (*matches) continue;
        if (reference.signs_properties) {
            process.raise(SubIndication::hash_failure);
            report.findings.push_back(make_finding(Finding::Severity::error, "signed_properties_hash_failure",
                                                   "Các thuộc tính được ký (SignedProperties) đã bị thay đổi sau khi ký.",
                                                   "The signed properties were changed after signing."));
        } else {
            data_intact = false;
        }
    }
    if (data_checked || !data_intact) {
        report.integrity = data_intact;
        if (data_intact) {
            report.findings.push_back(make_finding(Finding::Severity::info, "integrity_ok", "Dữ liệu được ký toàn vẹn: không bị thay đổi sau khi ký.",
                                                   "The signed data is intact: unchanged since signing."));
        } else {
            process.raise(SubIndication::hash_failure);
            report.findings.push_back(make_finding(Finding::Severity::error, "hash_failure",
                                                   "Dữ liệu được ký đã bị thay đổi sau khi ký (giá trị băm không khớp).",
                                                   "The signed data was changed after signing (the digest does not match)."));
        }
    }

    // -- the signature value over SignedInfo
    std::string why;
    std::optional<bool> verified = signature_value_verifies(parts, public_key, why);
    report.signature_value_valid = verified.value_or(false);
    if (!*report.signature_value_valid) {
        process.raise(SubIndication::sig_crypto_failure);
        report.findings.push_back(make_finding(Finding::Severity::error, "sig_crypto_failure",
                                               "Giá trị chữ ký không khớp với khóa công khai của người ký" + (verified ? std::string() : " (" + why + ")") + ".",
                                               "The signature value does not verify with the signer's public key" + (verified ? std::string() : " (" + why + ")") + "."));
    }

    // -- time-stamps over the canonicalised SignatureValue: the proof of existence
    for (xmlNode* timestamp : timestamps) {
        if (static_cast<int>(report.timestamps.size()) >= input_limits.max_timestamps) {
            report.findings.push_back(make_finding(Finding::Severity::warning, "too_many_timestamps",
                                                   "Chữ ký có quá nhiều dấu thời gian; phần vượt giới hạn bị bỏ qua.",
                                                   "The signature carries too many time-stamps; those past the limit were ignored."));
            break;
        }
        std::string c14n = attribute(child_named(timestamp, ds_ns, "CanonicalizationMethod"), "Algorithm").value_or(std::string(default_c14n));
        auto covered = xml::canonicalize(document, parts.signature_value, c14n);
        auto token = base64_of(child_named(timestamp, xades_ns, "EncapsulatedTimeStamp"));
        TimestampReport stamp;
        if (!covered || !token) {
            stamp.type = "signature-time-stamp";
            stamp.findings.push_back(make_finding(Finding::Severity::error, "timestamp_malformed", "Dấu thời gian không đúng định dạng.",
                                                  "The time-stamp token is malformed."));
        } else {
            stamp = process.validate_timestamp(*token, signed_value_bytes(*covered), report);
        }
        if (stamp.valid && (!report.best_signature_time || *stamp.generation_time < *report.best_signature_time)) {
            report.best_signature_time = stamp.generation_time;
            report.best_signature_time_proven = true;
        }
        if (!stamp.valid)
            report.findings.push_back(make_finding(Finding::Severity::warning, "timestamp_invalid",
                                                   "Dấu thời gian của chữ ký không hợp lệ nên không được dùng làm bằng chứng thời điểm ký.",
                                                   "The signature time-stamp is invalid and is not used as proof of the signing time."));
        report.timestamps.push_back(std::move(stamp));
    }
    ERR_clear_error();
    if (timestamps.empty())
        process.constrain(report, policy.signature_timestamp, SubIndication::sig_constraints_failure,
                          make_finding(Finding::Severity::info, "no_signature_timestamp", "Chữ ký không có dấu thời gian; thời điểm ký chỉ do người ký tự khai.",
                                       "The signature has no time-stamp; the signing time is only the signer's claim."));
    if (!report.claimed_signing_time)
        process.constrain(report, policy.signing_time_attribute, SubIndication::sig_constraints_failure,
                          make_finding(Finding::Severity::info, "no_signing_time", "Chữ ký không có thuộc tính thời điểm ký (SigningTime).",
                                       "The signature has no SigningTime property."));
    const TimePoint best_time = report.best_signature_time.value_or(shared.validation_time());
    report.best_signature_time = best_time;
    const bool proven = report.best_signature_time_proven;
    if (proven && report.claimed_signing_time && *report.claimed_signing_time > best_time + policy.clock_skew)
        process.constrain(report, policy.timestamp_order, SubIndication::timestamp_order_failure,
                          make_finding(Finding::Severity::warning, "timestamp_order", "Thời điểm ký do người ký khai sau thời điểm của dấu thời gian.",
                                       "The claimed signing time is after the time-stamp's time."));

    // -- archive time-stamps (EN 319 132-1 5.5.2): each over the signature and what preceded it
    bool archive_timestamp_valid = false;
    for (xmlNode* archive : archive_timestamps) {
        if (static_cast<int>(report.timestamps.size()) >= input_limits.max_timestamps) break;
        std::string c14n = attribute(child_named(archive, ds_ns, "CanonicalizationMethod"), "Algorithm").value_or(std::string(default_c14n));
        auto token = base64_of(child_named(archive, xades_ns, "EncapsulatedTimeStamp"));
        std::string why_not;
        auto external = [&](xmlNode*) -> std::optional<std::string> {
            if (content.kind() != SignedContent::Kind::detached) return std::nullopt;
            return std::string(reinterpret_cast<const char*>(content.document().data()), content.document().size());
        };
        auto covered = xml::archive_timestamp_input(document, parts.signature, archive, c14n, external, why_not);
        TimestampReport stamp;
        if (!covered || !token) {
            stamp.type = "archive-time-stamp";
            stamp.findings.push_back(covered ? make_finding(Finding::Severity::error, "timestamp_malformed", "Dấu thời gian không đúng định dạng.",
                                                            "The time-stamp token is malformed.")
                                             : make_finding(Finding::Severity::error, "archive_timestamp_unverifiable",
                                                            "Không tính được dữ liệu mà dấu thời gian lưu trữ phủ: " + why_not + ".",
                                                            "What the archive time-stamp covers cannot be computed: " + why_not + "."));
        } else {
            stamp = process.validate_timestamp(*token, signed_value_bytes(*covered), report, "archive-time-stamp");
        }
        archive_timestamp_valid |= stamp.valid;
        report.timestamps.push_back(std::move(stamp));
    }
    ERR_clear_error();
    if (!archive_timestamps.empty() && !archive_timestamp_valid)
        report.findings.push_back(make_finding(Finding::Severity::warning, "archive_timestamp_invalid",
                                               "Dấu thời gian lưu trữ (ArchiveTimeStamp) không hợp lệ nên không được dùng làm bằng chứng tồn tại; chữ ký không đạt mức LTA.",
                                               "The archive time-stamp (ArchiveTimeStamp) is invalid and is not used as proof of existence; the signature is not at level LTA."));

    // -- level
    if (report.format == "XAdES")
        report.level = archive_timestamp_valid                            ? "XAdES-BASELINE-LTA"
                       : !timestamps.empty() && carries_validation_data ? "XAdES-BASELINE-LT"
                       : !timestamps.empty()                            ? "XAdES-BASELINE-T"
                                                                        : "XAdES-BASELINE-B";

    // -- the references' digests under the policy too (the signature method's is checked with the key)
    std::vector<std::string> reference_digests;
    for (const Reference& reference : parts.references)
        if (reference.digest != report.digest_algorithm &&
            std::find(reference_digests.begin(), reference_digests.end(), reference.digest) == reference_digests.end())
            reference_digests.push_back(reference.digest);
    for (const std::string& digest : reference_digests)
        if (auto refusal = policy.check_digest(digest, best_time))
            process.constrain(report, policy.cryptographic, SubIndication::crypto_constraints_failure,
                              make_finding(Finding::Severity::error, "algorithm_refused", "Thuật toán không được chấp nhận: " + refusal->vi + ".",
                                           "Algorithm not accepted: " + refusal->en + "."));

    return process.accept_and_validate_path(signer, scheme, best_time, proven, std::move(report));
}

SignatureReport format_failure_report(const std::string& why) {
    SignatureReport report;
    report.id = "S1";
    report.format = "XML-DSig";
    report.indication = MainIndication::total_failed;
    report.sub_indication = SubIndication::format_failure;
    report.findings.push_back(make_finding(Finding::Severity::error, "format_failure", "Chữ ký không đúng định dạng XML-DSig/XAdES: " + why + ".",
                                           "The signature is not well-formed XML-DSig/XAdES: " + why + "."));
    return report;
}

std::vector<xmlNode*> signature_elements(xmlDoc* document) {
    std::vector<xmlNode*> out;
    std::vector<xmlNode*> stack{xmlDocGetRootElement(document)};
    while (!stack.empty()) {
        xmlNode* element = stack.back();
        stack.pop_back();
        if (is(element, ds_ns, "Signature")) out.push_back(element);
        for (xmlNode* child = element->last; child; child = child->prev)
            if (child->type == XML_ELEMENT_NODE) stack.push_back(child);
    }
    return out;
}

}  // namespace

ValidationReport validate_xades(std::span<const std::uint8_t> input, const SignedContent& content, const ValidationOptions& options,
                                const XmlLimits& limits) {
    initialise_xmlsec();
    detail::SharedValidation shared(options);
    const InputLimits& input_limits = options.input_limits;
    if (input.size() > input_limits.max_signature_bytes)
        return shared.report({format_failure_report("the document is larger than the limit of " + std::to_string(input_limits.max_signature_bytes) + " bytes")});
    xml::XmlDocPtr document;
    try {
        document = xml::parse(input, "the signed XML");
    } catch (const Error& error) {
        return shared.report({format_failure_report(error.what())});
    }
    if (auto problem = shape_problem(document.get(), limits)) return shared.report({format_failure_report(*problem)});
    auto signatures = signature_elements(document.get());
    if (signatures.empty()) return shared.report({format_failure_report("the document has no ds:Signature")});
    if (static_cast<int>(signatures.size()) > input_limits.max_signers)
        return shared.report({format_failure_report("more than " + std::to_string(input_limits.max_signers) + " signatures")});
    if (auto problem = register_ids(document.get())) return shared.report({format_failure_report(*problem)});

    std::vector<SignatureReport> reports;
    for (std::size_t i = 0; i < signatures.size(); ++i)
        reports.push_back(validate_signature(shared, document.get(), signatures[i], content, limits, static_cast<int>(i)));
    ERR_clear_error();
    return shared.report(std::move(reports));
}

}  // namespace sign::validate
