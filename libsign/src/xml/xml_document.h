#pragma once
// libxml2 the safe way for signing: owned documents, a parser that never reaches the network,
// never substitutes entities and refuses DTDs, exclusive C14N of any subtree, and serialisation.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <libxml/tree.h>

namespace sign::xml {

struct XmlDocDeleter {
    void operator()(xmlDoc* document) const noexcept { xmlFreeDoc(document); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocDeleter>;

/// Parses `bytes` as XML. Throws invalid_input `not_xml` (with libxml2's reason and line) when it
/// is not well-formed, and `xml_dtd_refused` when it carries a DTD (the door to external entities
/// and entity expansion attacks). `what` names the input in messages ("the document").
XmlDocPtr parse(std::span<const uint8_t> bytes, std::string_view what);

/// Exclusive C14N 1.0 without comments of the subtree rooted at `subtree` (the whole document when
/// null), leaving out the subtree rooted at `excluded` (if any): what a same-document reference
/// with exc-c14n (and, with `excluded` = its Signature, enveloped-signature) transforms digests.
std::string exclusive_c14n(xmlDoc* document, xmlNode* subtree, xmlNode* excluded = nullptr);

/// The subtree rooted at `subtree` canonicalised by the XML-DSig algorithm `algorithm_uri`
/// (Canonical XML 1.0 or 1.1, Exclusive XML Canonicalization 1.0, each with or without comments);
/// nullopt for any other algorithm. For a validator: what a time-stamp or reference covers.
std::optional<std::string> canonicalize(xmlDoc* document, xmlNode* subtree, std::string_view algorithm_uri);

/// The document as UTF-8 bytes, with an XML declaration, without re-indenting.
std::string serialize(xmlDoc* document);

/// The first element in document order named `name` in namespace `ns` whose attribute `Id` is `id`.
xmlNode* find_element_by_id(xmlDoc* document, std::string_view ns, std::string_view name, std::string_view id);
/// The first element in document order named `name` in namespace `ns`, or null.
xmlNode* find_element(xmlDoc* document, std::string_view ns, std::string_view name);
/// The first child element of `parent` named `name` in namespace `ns`, or null.
xmlNode* child_element(xmlNode* parent, std::string_view ns, std::string_view name);
/// True when any element of the document has an attribute `Id` (any namespace) with this value.
bool id_in_use(xmlDoc* document, std::string_view id);

/// A new element `ns_prefix:name` appended to `parent`, with `text` (escaped) as content if not empty.
xmlNode* append_element(xmlNode* parent, xmlNs* ns, const char* name, std::string_view text = {});
/// Sets attribute `name` (no namespace) to `value`.
void set_attribute(xmlNode* element, const char* name, std::string_view value);
/// The text content of `element`.
std::string text_of(xmlNode* element);

}  // namespace sign::xml
