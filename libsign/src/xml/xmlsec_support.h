#pragma once
// xmlsec1 as libsign uses it, for the XAdES validator and the XAdES long-term extension alike:
// initialised once per process, its errors kept per thread, Ids registered before references
// resolve, and a verification context that reaches nothing outside the document. Internal.

#include <optional>
#include <string>

#include <libxml/tree.h>
#include <xmlsec/xmldsig.h>

namespace sign::xml {

/// xmlsec and its OpenSSL back-end, once per process; throws internal `xmlsec_unavailable`.
void initialise_xmlsec();
/// The last error xmlsec reported on this thread (and forgets it).
std::string take_xmlsec_error();

/// Registers every Id attribute as an XML ID, so same-document references resolve; the reason
/// when a value is used twice (which of the two a reference means is what a wrapping attack plays
/// on) or cannot be registered.
std::optional<std::string> register_ids(xmlDoc* document);

/// A verification context: same-document references only (no file, no network), the
/// canonicalizations, enveloped-signature, the SHA digests and the RSA/ECDSA signature methods.
struct DsigContext {
    xmlSecDSigCtx context;
    DsigContext();
    ~DsigContext();
    DsigContext(const DsigContext&) = delete;
    DsigContext& operator=(const DsigContext&) = delete;
};

/// The octets a same-document ds:Reference digests, after its transforms (for an XML node-set,
/// its canonical form as XML-DSig's reference processing gives it); nullopt with `why` when xmlsec
/// cannot process the reference.
std::optional<std::string> reference_output(xmlNode* reference, std::string& why);

}  // namespace sign::xml
