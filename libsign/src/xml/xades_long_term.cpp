#include "sign/xades_long_term.h"

#include <algorithm>

#include <libxml/tree.h>
#include <openssl/evp.h>

#include "sign/base64.h"
#include "sign/error.h"
#include "sign/key_policy.h"
#include "xades_archive.h"
#include "xml_document.h"
#include "xmlsec_support.h"

namespace sign {
namespace {

constexpr std::string_view ds_ns = "http://www.w3.org/2000/09/xmldsig#";
constexpr std::string_view xades_ns = "http://uri.etsi.org/01903/v1.3.2#";
constexpr const char* exc_c14n = "http://www.w3.org/2001/10/xml-exc-c14n#";

using Der = std::vector<std::uint8_t>;

const xmlChar* to_xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

bool is(const xmlNode* node, std::string_view ns, std::string_view name) {
    return node && node->type == XML_ELEMENT_NODE && node->ns && node->ns->href &&
           reinterpret_cast<const char*>(node->ns->href) == ns && reinterpret_cast<const char*>(node->name) == name;
}

std::vector<xmlNode*> children_named(xmlNode* parent, std::string_view ns, std::string_view name) {
    std::vector<xmlNode*> out;
    for (xmlNode* child = parent ? parent->children : nullptr; child; child = child->next)
        if (is(child, ns, name)) out.push_back(child);
    return out;
}

xmlNode* child_named(xmlNode* parent, std::string_view ns, std::string_view name) {
    auto found = children_named(parent, ns, name);
    return found.empty() ? nullptr : found.front();
}

// Every element named so under `root`, in document order.
std::vector<xmlNode*> descendants_named(xmlNode* root, std::string_view ns, std::string_view name) {
    std::vector<xmlNode*> out;
    std::vector<xmlNode*> stack{root};
    while (!stack.empty()) {
        xmlNode* element = stack.back();
        stack.pop_back();
        if (is(element, ns, name)) out.push_back(element);
        for (xmlNode* child = element->last; child; child = child->prev)
            if (child->type == XML_ELEMENT_NODE) stack.push_back(child);
    }
    return out;
}

Der base64_content(xmlNode* element) {
    auto decoded = decode_base64(xml::text_of(element), {.ignore_whitespace = true});
    if (!decoded) throw Error(ErrorKind::invalid_input, "signature_unreadable", "an encapsulated value of the signature is not base64");
    return *decoded;
}

std::vector<std::uint8_t> hash(const EVP_MD* md, std::string_view data) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(EVP_MD_get_size(md)));
    if (EVP_Digest(data.data(), data.size(), out.data(), nullptr, md, nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "hashing failed: " + drain_openssl_errors());
    return out;
}

// What one XAdES signature is made of, for its extension.
struct XadesSignature {
    xmlNode* signature = nullptr;
    xmlNode* key_info = nullptr;
    xmlNode* unsigned_signature_properties = nullptr;
};

xmlNs* namespace_of(xmlDoc* document, xmlNode* node, std::string_view href) {
    std::string copy(href);
    xmlNs* ns = xmlSearchNsByHref(document, node, to_xml(copy.c_str()));
    if (!ns) throw Error(ErrorKind::invalid_input, "signature_unreadable", "the signature does not declare the namespace " + copy);
    return ns;
}

// `parent`'s child `name` in `ns`, made as its last child when there is none.
xmlNode* child_or_new(xmlNode* parent, xmlNs* ns, const char* name) {
    std::string_view href = reinterpret_cast<const char*>(ns->href);
    if (xmlNode* existing = child_named(parent, href, name)) return existing;
    return xml::append_element(parent, ns, name);
}

// The validation data of one signature the document does not hold yet, into `holder`: the
// unsigned signature properties, or a new TimeStampValidationData after an archive time-stamp.
void add_values(xmlDoc* document, xmlNode* holder, xmlNs* xades, const std::vector<Der>& certificates,
                const std::vector<Der>& crls, const std::vector<Der>& ocsp_responses) {
    if (!certificates.empty()) {
        xmlNode* values = child_or_new(holder, xades, "CertificateValues");
        for (const auto& der : certificates) xml::append_element(values, xades, "EncapsulatedX509Certificate", encode_base64(der));
    }
    if (crls.empty() && ocsp_responses.empty()) return;
    xmlNode* revocation = child_or_new(holder, xades, "RevocationValues");
    if (!crls.empty()) {
        // CRLValues comes before OCSPValues (the schema's order).
        xmlNode* values = child_named(revocation, xades_ns, "CRLValues");
        if (!values) {
            values = xmlNewDocNode(document, xades, to_xml("CRLValues"), nullptr);
            xmlNode* ocsp = child_named(revocation, xades_ns, "OCSPValues");
            if (!values || !(ocsp ? xmlAddPrevSibling(ocsp, values) : xmlAddChild(revocation, values)))
                throw Error(ErrorKind::internal, "out_of_memory", "cannot add xades:CRLValues");
        }
        for (const auto& der : crls) xml::append_element(values, xades, "EncapsulatedCRLValue", encode_base64(der));
    }
    if (!ocsp_responses.empty()) {
        xmlNode* values = child_or_new(revocation, xades, "OCSPValues");
        for (const auto& der : ocsp_responses) xml::append_element(values, xades, "EncapsulatedOCSPValue", encode_base64(der));
    }
}

// A detached reference's bytes: the caller's file, which must be what the reference digests.
std::optional<std::string> detached_output(xmlNode* reference, const validate::SignedContent& content) {
    if (content.kind() != validate::SignedContent::Kind::detached)
        throw Error(ErrorKind::invalid_input, "signed_data_not_found",
                    "the signature is detached: its archive time-stamp needs the signed file");
    std::string bytes(reinterpret_cast<const char*>(content.document().data()), content.document().size());
    xmlNode* method = child_named(reference, ds_ns, "DigestMethod");
    xmlNode* value = child_named(reference, ds_ns, "DigestValue");
    xmlChar* algorithm = method ? xmlGetProp(method, to_xml("Algorithm")) : nullptr;
    std::string uri = algorithm ? reinterpret_cast<const char*>(algorithm) : "";
    xmlFree(algorithm);
    const char* name = uri == "http://www.w3.org/2001/04/xmlenc#sha256"        ? "sha256"
                       : uri == "http://www.w3.org/2001/04/xmldsig-more#sha384" ? "sha384"
                       : uri == "http://www.w3.org/2001/04/xmlenc#sha512"       ? "sha512"
                                                                                : nullptr;
    if (!name || !value)
        throw Error(ErrorKind::invalid_input, "signature_unreadable", "the detached reference's digest method '" + uri + "' is not supported");
    if (hash(check_digest(name), bytes) != base64_content(value))
        throw Error(ErrorKind::invalid_input, "content_mismatch",
                    "the file given is not the one the signature signs (its digest differs from the reference's)");
    return bytes;
}

}  // namespace

std::vector<std::uint8_t> extend_xades(std::span<const std::uint8_t> input, const validate::SignedContent& content,
                                       SignatureLevel level, const validate::CollectionSources& sources, TimestampSource* tsa,
                                       XadesExtension* done) {
    if (level != SignatureLevel::b_lt && level != SignatureLevel::b_lta)
        throw Error(ErrorKind::invalid_input, "unsupported_signature_level",
                    std::string("a XAdES signature is extended to b-lt or b-lta, not ") + to_string(level));
    if (level == SignatureLevel::b_lta && !tsa)
        throw Error(ErrorKind::invalid_input, "timestamp_source_missing", "a B-LTA extension needs a time-stamp source");
    xml::initialise_xmlsec();
    xml::XmlDocPtr document = xml::parse(input, "the signed XML");
    if (auto problem = xml::register_ids(document.get()))
        throw Error(ErrorKind::invalid_input, "signature_unreadable", "the signed XML cannot be read: " + *problem);

    std::vector<XadesSignature> signatures;
    for (xmlNode* signature : descendants_named(xmlDocGetRootElement(document.get()), ds_ns, "Signature")) {
        XadesSignature found{signature, child_named(signature, ds_ns, "KeyInfo"), nullptr};
        for (xmlNode* object : children_named(signature, ds_ns, "Object"))
            for (xmlNode* qualifying : children_named(object, xades_ns, "QualifyingProperties"))
                for (xmlNode* properties : children_named(qualifying, xades_ns, "UnsignedProperties"))
                    found.unsigned_signature_properties = child_named(properties, xades_ns, "UnsignedSignatureProperties");
        if (!found.unsigned_signature_properties || !child_named(found.unsigned_signature_properties, xades_ns, "SignatureTimeStamp"))
            throw Error(ErrorKind::invalid_input, "signature_timestamp_missing",
                        "a signature is extended from B-T: a ds:Signature of the document has no xades:SignatureTimeStamp");
        signatures.push_back(found);
    }
    if (signatures.empty()) throw Error(ErrorKind::invalid_input, "no_signature", "the XML holds no signature to extend");

    XadesExtension result;
    for (const XadesSignature& signature : signatures) {
        xmlNode* properties = signature.unsigned_signature_properties;
        auto archive_timestamps = children_named(properties, xml::xades141_ns, "ArchiveTimeStamp");
        // What the signature holds already, anywhere in it.
        std::vector<Der> certificates, crls, ocsp_responses;
        std::vector<Der> key_info_certificates;
        for (xmlNode* element : descendants_named(signature.signature, ds_ns, "X509Certificate")) key_info_certificates.push_back(base64_content(element));
        certificates = key_info_certificates;
        for (xmlNode* element : descendants_named(properties, xades_ns, "EncapsulatedX509Certificate")) certificates.push_back(base64_content(element));
        for (xmlNode* element : descendants_named(properties, xades_ns, "EncapsulatedCRLValue")) crls.push_back(base64_content(element));
        for (xmlNode* element : descendants_named(properties, xades_ns, "EncapsulatedOCSPValue")) ocsp_responses.push_back(base64_content(element));

        // The data of what came before the last archive time-stamp is inside and covered by it;
        // what that time-stamp needs is gathered now. Without one, everything the signature needs.
        validate::ValidationDataCollector collector(sources);
        auto add_token = [&](xmlNode* stamp) {
            xmlNode* encapsulated = child_named(stamp, xades_ns, "EncapsulatedTimeStamp");
            if (!encapsulated) throw Error(ErrorKind::invalid_input, "signature_unreadable", "a time-stamp of the signature has no token");
            collector.add_signature(base64_content(encapsulated));
        };
        if (archive_timestamps.empty()) {
            if (key_info_certificates.empty())
                throw Error(ErrorKind::invalid_input, "signature_unreadable", "the signature carries no certificate in ds:KeyInfo");
            std::vector<Certificate> helpers;
            for (std::size_t i = 1; i < key_info_certificates.size(); ++i) helpers.push_back(Certificate::from_der(key_info_certificates[i]));
            collector.add_certificate(Certificate::from_der(key_info_certificates.front()), helpers);
            for (xmlNode* stamp : children_named(properties, xades_ns, "SignatureTimeStamp")) add_token(stamp);
        } else {
            add_token(archive_timestamps.back());
        }
        const auto& collected = collector.collected();
        if (!collected.complete())
            throw Error(ErrorKind::policy, "validation_data_incomplete",
                        "the validation data for a long-term signature is incomplete: " + collected.problems_text());
        auto fresh = [](const std::vector<Der>& gathered, const std::vector<Der>& held) {
            std::vector<Der> out;
            for (const auto& item : gathered)
                if (std::find(held.begin(), held.end(), item) == held.end() && std::find(out.begin(), out.end(), item) == out.end())
                    out.push_back(item);
            return out;
        };
        auto new_certificates = fresh(collected.certificates, certificates);
        auto new_crls = fresh(collected.crls, crls);
        auto new_ocsp_responses = fresh(collected.ocsp_responses, ocsp_responses);
        result.certificates += new_certificates.size();
        result.crls += new_crls.size();
        result.ocsp_responses += new_ocsp_responses.size();

        xmlNs* xades = namespace_of(document.get(), properties, xades_ns);
        xmlNode* holder = properties;
        bool anything_new = !new_certificates.empty() || !new_crls.empty() || !new_ocsp_responses.empty();
        if (!archive_timestamps.empty() && anything_new) {
            holder = xml::append_element(properties, nullptr, "TimeStampValidationData");
            xmlSetNs(holder, xmlNewNs(holder, to_xml(std::string(xml::xades141_ns).c_str()), to_xml("xadesv141")));
        }
        add_values(document.get(), holder, xades, new_certificates, new_crls, new_ocsp_responses);

        if (level == SignatureLevel::b_lta) {
            std::string why;
            auto covered = xml::archive_timestamp_input(
                document.get(), signature.signature, nullptr, exc_c14n,
                [&](xmlNode* reference) { return detached_output(reference, content); }, why);
            if (!covered) throw Error(ErrorKind::invalid_input, "signature_unreadable", "what an archive time-stamp covers cannot be computed: " + why);
            std::vector<std::uint8_t> token = tsa->timestamp("sha256", hash(EVP_sha256(), *covered));
            xmlNode* archive = xml::append_element(properties, nullptr, "ArchiveTimeStamp");
            xmlSetNs(archive, xmlNewNs(archive, to_xml(std::string(xml::xades141_ns).c_str()), to_xml("xadesv141")));
            xmlChar* signature_id = xmlGetProp(signature.signature, to_xml("Id"));
            std::string base = signature_id ? reinterpret_cast<const char*>(signature_id) : "signature";
            xmlFree(signature_id);
            std::string id;
            for (std::size_t n = archive_timestamps.size() + 1;; ++n)
                if (!xml::id_in_use(document.get(), id = base + "-ats-" + std::to_string(n))) break;
            xml::set_attribute(archive, "Id", id);
            xmlNode* method = xml::append_element(archive, namespace_of(document.get(), signature.signature, ds_ns), "CanonicalizationMethod");
            xml::set_attribute(method, "Algorithm", exc_c14n);
            xml::append_element(archive, xades, "EncapsulatedTimeStamp", encode_base64(token));
            ++result.archive_timestamps;
        }
    }
    if (done) *done = result;
    std::string output = xml::serialize(document.get());
    return {output.begin(), output.end()};
}

}  // namespace sign
