#include "xades_archive.h"

#include <cstring>
#include <vector>

#include "xml_document.h"
#include "xmlsec_support.h"

namespace sign::xml {
namespace {

constexpr std::string_view ds_ns = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view xades_ns = "http://uri.etsi.org/01903/v1.3.2#";

bool is(const xmlNode* node, std::string_view ns, std::string_view name) {
    return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
           reinterpret_cast<const char*>(node->ns->href) == ns && reinterpret_cast<const char*>(node->name) == name;
}

std::vector<xmlNode*> elements_of(xmlNode* parent) {
    std::vector<xmlNode*> out;
    for (xmlNode* child = parent ? parent->children : nullptr; child; child = child->next)
        if (child->type == XML_ELEMENT_NODE) out.push_back(child);
    return out;
}

bool same_document(const std::string& uri) { return uri.empty() || uri.front() == '#'; }

}  // namespace

std::optional<std::string> archive_timestamp_input(xmlDoc* document, xmlNode* signature, xmlNode* archive_timestamp,
                                                   std::string_view c14n_uri, const ExternalReferenceOutput& external,
                                                   std::string& why) {
    xmlNode* signed_info = nullptr;
    xmlNode* signature_value = nullptr;
    xmlNode* key_info = nullptr;
    std::vector<xmlNode*> objects;
    for (xmlNode* child : elements_of(signature)) {
        if (is(child, ds_ns, "SignedInfo")) signed_info = child;
        else if (is(child, ds_ns, "SignatureValue")) signature_value = child;
        else if (is(child, ds_ns, "KeyInfo")) key_info = child;
        else if (is(child, ds_ns, "Object")) objects.push_back(child);
    }
    if (!signed_info || !signature_value) {
        why = "ds:SignedInfo or ds:SignatureValue is missing";
        return std::nullopt;
    }
    std::string out;
    auto add_canonical = [&](xmlNode* node) {
        auto canonical = canonicalize(document, node, c14n_uri);
        if (!canonical) why = "the canonicalization '" + std::string(c14n_uri) + "' is not supported";
        else out += *canonical;
        return canonical.has_value();
    };
    for (xmlNode* reference : elements_of(signed_info)) {
        if (!is(reference, ds_ns, "Reference")) continue;
        xmlChar* uri_value = xmlGetProp(reference, reinterpret_cast<const xmlChar*>("URI"));
        std::string uri = uri_value ? reinterpret_cast<const char*>(uri_value) : "";
        xmlFree(uri_value);
        std::optional<std::string> output = same_document(uri) ? reference_output(reference, why) : external(reference);
        if (!output) {
            if (!same_document(uri)) why = "the detached file '" + uri + "' is needed";
            return std::nullopt;
        }
        out += *output;
    }
    if (!add_canonical(signed_info) || !add_canonical(signature_value) || (key_info && !add_canonical(key_info))) return std::nullopt;
    xmlNode* qualifying_object = nullptr;
    for (xmlNode* object : objects)
        for (xmlNode* qualifying : elements_of(object)) {
            if (!is(qualifying, xades_ns, "QualifyingProperties")) continue;
            qualifying_object = object;
            for (xmlNode* unsigned_properties : elements_of(qualifying)) {
                if (!is(unsigned_properties, xades_ns, "UnsignedProperties")) continue;
                for (xmlNode* properties : elements_of(unsigned_properties)) {
                    if (!is(properties, xades_ns, "UnsignedSignatureProperties")) continue;
                    for (xmlNode* property : elements_of(properties)) {
                        if (property == archive_timestamp) break;
                        if (!add_canonical(property)) return std::nullopt;
                    }
                }
            }
        }
    for (xmlNode* object : objects)
        if (object != qualifying_object && !add_canonical(object)) return std::nullopt;
    return out;
}

}  // namespace sign::xml
