#include "xmlsec_support.h"

#include <mutex>
#include <string_view>
#include <vector>

#include <xmlsec/buffer.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmlsec.h>

#include "sign/error.h"

namespace sign::xml {

// xmlsec reports errors through a global callback (stderr by default); each thread keeps its last one
// for the report.
namespace {

thread_local std::string xmlsec_last_error;

void keep_xmlsec_error(const char*, int, const char* function, const char* object, const char* subject, int reason,
                       const char* message) {
    std::string text;
    for (const char* part : {object, subject, message})
        if (part && *part) text += (text.empty() ? "" : ", ") + std::string(part);
    const char* reason_text = nullptr;
    for (xmlSecSize i = 0; (reason_text = xmlSecErrorsGetMsg(i)) != nullptr; ++i)
        if (xmlSecErrorsGetCode(i) == reason) break;
    xmlsec_last_error = (reason_text ? std::string(reason_text) : std::string(function ? function : "xmlsec")) +
                        (text.empty() ? "" : " (" + text + ")");
}

}  // namespace

std::string take_xmlsec_error() {
    std::string text = xmlsec_last_error.empty() ? "xmlsec failed" : xmlsec_last_error;
    xmlsec_last_error.clear();
    return text;
}

void initialise_xmlsec() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 || xmlSecCryptoAppInit(nullptr) < 0 || xmlSecCryptoInit() < 0)
            throw Error(ErrorKind::internal, "xmlsec_unavailable", "the xmlsec library could not be initialised");
        xmlSecErrorsSetCallback(keep_xmlsec_error);
    });
}

std::optional<std::string> register_ids(xmlDoc* document) {
    std::vector<xmlNode*> stack{xmlDocGetRootElement(document)};
    while (!stack.empty()) {
        xmlNode* element = stack.back();
        stack.pop_back();
        for (xmlAttr* property = element->properties; property; property = property->next) {
            if (property->ns || reinterpret_cast<const char*>(property->name) != std::string_view("Id")) continue;
            xmlChar* value = xmlNodeListGetString(document, property->children, 1);
            std::string id = value ? reinterpret_cast<const char*>(value) : "";
            xmlFree(value);
            xmlAttr* known = xmlGetID(document, reinterpret_cast<const xmlChar*>(id.c_str()));
            if (known && known != property) return "the Id '" + id + "' is used more than once";
            if (!known && !xmlAddID(nullptr, document, reinterpret_cast<const xmlChar*>(id.c_str()), property)) return "the Id '" + id + "' cannot be registered";
        }
        for (xmlNode* child = element->last; child; child = child->prev)
            if (child->type == XML_ELEMENT_NODE) stack.push_back(child);
    }
    return std::nullopt;
}

DsigContext::DsigContext() {
    if (xmlSecDSigCtxInitialize(&context, nullptr) < 0) throw Error(ErrorKind::internal, "out_of_memory", "cannot start xmlsec");
    context.operation = xmlSecTransformOperationVerify;
    // Nothing outside the document: no file, no network.
    context.enabledReferenceUris = static_cast<xmlSecTransformUriType>(xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument);
    for (xmlSecTransformId id : {xmlSecTransformInclC14NId, xmlSecTransformInclC14NWithCommentsId, xmlSecTransformInclC14N11Id,
                                 xmlSecTransformInclC14N11WithCommentsId, xmlSecTransformExclC14NId,
                                 xmlSecTransformExclC14NWithCommentsId, xmlSecTransformEnvelopedId, xmlSecTransformSha1Id,
                                 xmlSecTransformSha224Id, xmlSecTransformSha256Id, xmlSecTransformSha384Id, xmlSecTransformSha512Id})
        xmlSecDSigCtxEnableReferenceTransform(&context, id);
    for (xmlSecTransformId id : {xmlSecTransformInclC14NId, xmlSecTransformInclC14NWithCommentsId, xmlSecTransformInclC14N11Id,
                                 xmlSecTransformInclC14N11WithCommentsId, xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId,
                                 xmlSecTransformRsaSha1Id, xmlSecTransformRsaSha224Id, xmlSecTransformRsaSha256Id,
                                 xmlSecTransformRsaSha384Id, xmlSecTransformRsaSha512Id, xmlSecTransformEcdsaSha1Id,
                                 xmlSecTransformEcdsaSha224Id, xmlSecTransformEcdsaSha256Id, xmlSecTransformEcdsaSha384Id,
                                 xmlSecTransformEcdsaSha512Id})
        xmlSecDSigCtxEnableSignatureTransform(&context, id);
}

DsigContext::~DsigContext() { xmlSecDSigCtxFinalize(&context); }

std::optional<std::string> reference_output(xmlNode* reference, std::string& why) {
    DsigContext dsig;
    // Keeps what goes into the digest, which the archive time-stamp covers.
    dsig.context.flags |= XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
    xmlSecDSigReferenceCtxPtr context = xmlSecDSigReferenceCtxCreate(&dsig.context, xmlSecDSigReferenceOriginSignedInfo);
    if (!context) throw Error(ErrorKind::internal, "out_of_memory", "cannot start xmlsec");
    int processed = xmlSecDSigReferenceCtxProcessNode(context, reference);
    xmlSecBufferPtr buffer = processed < 0 ? nullptr : xmlSecDSigReferenceCtxGetPreDigestBuffer(context);
    std::optional<std::string> out;
    if (buffer)
        out.emplace(reinterpret_cast<const char*>(xmlSecBufferGetData(buffer)), static_cast<std::size_t>(xmlSecBufferGetSize(buffer)));
    else
        why = processed < 0 ? take_xmlsec_error() : "xmlsec kept no reference output";
    xmlSecDSigReferenceCtxDestroy(context);
    return out;
}

}  // namespace sign::xml
