#pragma once
// What an xadesv141:ArchiveTimeStamp covers (ETSI EN 319 132-1 5.5.2.2), computed the same way
// when one is made (extend_xades) and when one is checked (the XAdES validator). Internal.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <libxml/tree.h>

namespace sign::xml {

inline constexpr std::string_view xades141_ns = "http://uri.etsi.org/01903/v1.4.1#";

/// The bytes of a reference to a file outside the document (a detached signature's), or nullopt
/// when they are not at hand.
using ExternalReferenceOutput = std::function<std::optional<std::string>(xmlNode* reference)>;

/// The concatenation, for the ds:Signature `signature`: the output of each ds:Reference of
/// SignedInfo in order (same-document ones through xmlsec, others from `external`); SignedInfo,
/// SignatureValue and KeyInfo canonicalised with `c14n_uri`; each child of
/// UnsignedSignatureProperties before `archive_timestamp` (all of them when it is null), the same;
/// then each ds:Object other than the one holding the QualifyingProperties. Ids must be registered
/// (register_ids). Nullopt with `why` when a part cannot be computed.
std::optional<std::string> archive_timestamp_input(xmlDoc* document, xmlNode* signature, xmlNode* archive_timestamp,
                                                   std::string_view c14n_uri, const ExternalReferenceOutput& external,
                                                   std::string& why);

}  // namespace sign::xml
