#include "xml_document.h"

#include <climits>
#include <functional>
#include <mutex>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "sign/error.h"

namespace sign::xml {

namespace {

const xmlChar* to_xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }
const char* from_xml(const xmlChar* text) { return reinterpret_cast<const char*>(text); }

struct ParserContextDeleter {
    void operator()(xmlParserCtxt* context) const noexcept { xmlFreeParserCtxt(context); }
};

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

bool equals(const xmlChar* text, std::string_view expected) {
    return text != nullptr && std::string_view(from_xml(text)) == expected;
}

bool is_element(const xmlNode* node, std::string_view ns, std::string_view name) {
    return node->type == XML_ELEMENT_NODE && equals(node->name, name) && node->ns != nullptr && equals(node->ns->href, ns);
}

bool within(const xmlNode* node, const xmlNode* root) {
    for (; node != nullptr; node = node->parent)
        if (node == root) return true;
    return false;
}

struct C14nSelection {
    xmlNode* subtree;
    xmlNode* excluded;
};

// libxml2 asks about every node, attribute and namespace node; namespace nodes have no parent
// pointer of their own, so the element they are declared on comes as `parent`.
int is_selected(void* user_data, xmlNode* node, xmlNode* parent) {
    const auto* selection = static_cast<const C14nSelection*>(user_data);
    const xmlNode* anchor = node->type == XML_NAMESPACE_DECL ? parent : node;
    if (selection->subtree != nullptr && !within(anchor, selection->subtree)) return 0;
    if (selection->excluded != nullptr && within(anchor, selection->excluded)) return 0;
    return 1;
}

int append_to_string(void* context, const char* buffer, int length) {
    static_cast<std::string*>(context)->append(buffer, static_cast<size_t>(length));
    return length;
}

int close_nothing(void*) { return 0; }

}  // namespace

XmlDocPtr parse(std::span<const uint8_t> bytes, std::string_view what) {
    static std::once_flag initialised;
    std::call_once(initialised, [] { xmlInitParser(); });
    if (bytes.size() > static_cast<size_t>(INT_MAX))
        throw Error(ErrorKind::invalid_input, "input_too_large", std::string(what) + " is too large to be parsed as XML");

    std::unique_ptr<xmlParserCtxt, ParserContextDeleter> context(xmlNewParserCtxt());
    if (!context) throw Error(ErrorKind::internal, "out_of_memory", "cannot create an XML parser");
    // No XML_PARSE_NOENT (entities stay references, external ones are never loaded), no DTD
    // loading or defaulted attributes, no network.
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    XmlDocPtr document(xmlCtxtReadMemory(context.get(), reinterpret_cast<const char*>(bytes.data()),
                                         static_cast<int>(bytes.size()), nullptr, nullptr, options));
    if (!document || !context->wellFormed) {
        std::string reason = "it is empty";
        if (const xmlError* error = xmlCtxtGetLastError(context.get()); error != nullptr && error->message != nullptr)
            reason = "line " + std::to_string(error->line) + ": " + trimmed(error->message);
        throw Error(ErrorKind::invalid_input, "not_xml", std::string(what) + " is not well-formed XML (" + reason + ")");
    }
    if (document->intSubset != nullptr || document->extSubset != nullptr)
        throw Error(ErrorKind::invalid_input, "xml_dtd_refused",
                    std::string(what) + " has a document type declaration (DTD); documents with DTDs or entity "
                                        "declarations are refused for signing");
    if (xmlDocGetRootElement(document.get()) == nullptr)
        throw Error(ErrorKind::invalid_input, "not_xml", std::string(what) + " has no root element");
    return document;
}

std::string exclusive_c14n(xmlDoc* document, xmlNode* subtree, xmlNode* excluded) {
    std::string output;
    xmlOutputBuffer* buffer = xmlOutputBufferCreateIO(append_to_string, close_nothing, &output, nullptr);
    if (buffer == nullptr) throw Error(ErrorKind::internal, "out_of_memory", "cannot create a C14N output buffer");
    C14nSelection selection{subtree, excluded};
    int written = xmlC14NExecute(document, is_selected, &selection, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, buffer);
    int closed = xmlOutputBufferClose(buffer);
    if (written < 0 || closed < 0)
        throw Error(ErrorKind::internal, "c14n_failed", "exclusive XML canonicalisation failed");
    return output;
}

std::optional<std::string> canonicalize(xmlDoc* document, xmlNode* subtree, std::string_view algorithm_uri) {
    struct Algorithm {
        std::string_view uri;
        int mode;
        int with_comments;
    };
    static constexpr Algorithm algorithms[] = {
        {"http://www.w3.org/TR/2001/REC-xml-c14n-20010315", XML_C14N_1_0, 0},
        {"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments", XML_C14N_1_0, 1},
        {"http://www.w3.org/2006/12/xml-c14n11", XML_C14N_1_1, 0},
        {"http://www.w3.org/2006/12/xml-c14n11#WithComments", XML_C14N_1_1, 1},
        {"http://www.w3.org/2001/10/xml-exc-c14n#", XML_C14N_EXCLUSIVE_1_0, 0},
        {"http://www.w3.org/2001/10/xml-exc-c14n#WithComments", XML_C14N_EXCLUSIVE_1_0, 1},
    };
    const Algorithm* chosen = nullptr;
    for (const Algorithm& algorithm : algorithms)
        if (algorithm.uri == algorithm_uri) chosen = &algorithm;
    if (chosen == nullptr) return std::nullopt;
    std::string output;
    xmlOutputBuffer* buffer = xmlOutputBufferCreateIO(append_to_string, close_nothing, &output, nullptr);
    if (buffer == nullptr) throw Error(ErrorKind::internal, "out_of_memory", "cannot create a C14N output buffer");
    C14nSelection selection{subtree, nullptr};
    int written = xmlC14NExecute(document, is_selected, &selection, chosen->mode, nullptr, chosen->with_comments, buffer);
    int closed = xmlOutputBufferClose(buffer);
    if (written < 0 || closed < 0) throw Error(ErrorKind::internal, "c14n_failed", "XML canonicalisation failed");
    return output;
}

std::string serialize(xmlDoc* document) {
    xmlChar* memory = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(document, &memory, &size, "UTF-8");
    if (memory == nullptr) throw Error(ErrorKind::internal, "xml_serialize_failed", "cannot serialise the XML document");
    std::string text(from_xml(memory), static_cast<size_t>(size));
    xmlFree(memory);
    return text;
}

namespace {

xmlNode* find_element(xmlNode* node, const std::function<bool(xmlNode*)>& matches) {
    for (; node != nullptr; node = node->next) {
        if (node->type != XML_ELEMENT_NODE) continue;
        if (matches(node)) return node;
        if (xmlNode* found = find_element(node->children, matches)) return found;
    }
    return nullptr;
}

}  // namespace

xmlNode* find_element_by_id(xmlDoc* document, std::string_view ns, std::string_view name, std::string_view id) {
    return find_element(xmlDocGetRootElement(document), [&](xmlNode* element) {
        if (!is_element(element, ns, name)) return false;
        xmlChar* value = xmlGetProp(element, to_xml("Id"));
        bool match = equals(value, id);
        xmlFree(value);
        return match;
    });
}

xmlNode* find_element(xmlDoc* document, std::string_view ns, std::string_view name) {
    return find_element(xmlDocGetRootElement(document), [&](xmlNode* element) { return is_element(element, ns, name); });
}

xmlNode* child_element(xmlNode* parent, std::string_view ns, std::string_view name) {
    for (xmlNode* child = parent->children; child != nullptr; child = child->next)
        if (is_element(child, ns, name)) return child;
    return nullptr;
}

bool id_in_use(xmlDoc* document, std::string_view id) {
    return find_element(xmlDocGetRootElement(document), [&](xmlNode* element) {
               for (xmlAttr* attribute = element->properties; attribute != nullptr; attribute = attribute->next) {
                   if (!equals(attribute->name, "Id")) continue;
                   xmlChar* value = xmlNodeListGetString(document, attribute->children, 1);
                   bool match = equals(value, id);
                   xmlFree(value);
                   if (match) return true;
               }
               return false;
           }) != nullptr;
}

xmlNode* append_element(xmlNode* parent, xmlNs* ns, const char* name, std::string_view text) {
    std::string content(text);
    xmlNode* element = xmlNewTextChild(parent, ns, to_xml(name), text.empty() ? nullptr : to_xml(content.c_str()));
    if (element == nullptr) throw Error(ErrorKind::internal, "out_of_memory", "cannot create an XML element");
    return element;
}

void set_attribute(xmlNode* element, const char* name, std::string_view value) {
    std::string copy(value);
    if (xmlSetProp(element, to_xml(name), to_xml(copy.c_str())) == nullptr)
        throw Error(ErrorKind::internal, "out_of_memory", "cannot set an XML attribute");
}

std::string text_of(xmlNode* element) {
    xmlChar* content = xmlNodeGetContent(element);
    std::string text = content ? from_xml(content) : "";
    xmlFree(content);
    return text;
}

}  // namespace sign::xml
