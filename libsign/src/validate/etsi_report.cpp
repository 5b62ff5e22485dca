#include "sign/validate/etsi_report.h"

#include <algorithm>
#include <map>

#include <libxml/tree.h>
#include <openssl/evp.h>

#include "../xml/xml_document.h"
#include "sign/base64.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/utc_time.h"

namespace sign::validate {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

constexpr const char* ds_ns = "http://www.w3.org/2000/09/xmldsig#";
constexpr const char* sha256_uri = "http://www.w3.org/2001/04/xmlenc#sha256";
constexpr const char* object_type = "http://uri.etsi.org/19102/validationObject/";
constexpr const char* finding_type = "urn:city-sign:validation:finding:";

const xmlChar* xml_text(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

// One SignatureValidationObjects entry, found again by what identifies it.
struct ValidationObject {
    std::string id;
    std::string type;  // "certificate", "CRL", "OCSPResponse", "timestamp", "signedData"
    std::string sha256_hex;
    std::string uri;
    std::string description;
    std::optional<TimePoint> poe;
};

class Builder {
public:
    Builder() : document_(xmlNewDoc(xml_text("1.0"))) {
        if (!document_) throw Error(ErrorKind::internal, "out_of_memory", "cannot create the report document");
        root_ = xmlNewDocNode(document_.get(), nullptr, xml_text("ValidationReport"), nullptr);
        xmlDocSetRootElement(document_.get(), root_);
        vr_ = xmlNewNs(root_, xml_text(etsi_validation_report_ns), xml_text("vr"));
        ds_ = xmlNewNs(root_, xml_text(ds_ns), xml_text("ds"));
        xmlSetNs(root_, vr_);
    }

    xmlNode* root() const { return root_; }
    xmlNode* add(xmlNode* parent, const char* name, std::string_view text = {}) { return xml::append_element(parent, vr_, name, text); }
    xmlNode* add_ds(xmlNode* parent, const char* name, std::string_view text = {}) { return xml::append_element(parent, ds_, name, text); }

    void digest(xmlNode* parent, const std::string& sha256_hex) {
        xmlNode* value = add(parent, "DigestAlgAndValue");
        xml::set_attribute(add_ds(value, "DigestMethod"), "Algorithm", sha256_uri);
        auto bytes = from_hex(sha256_hex);
        add_ds(value, "DigestValue", bytes ? encode_base64(*bytes) : std::string());
    }

    // The id of the object, added on first mention.
    std::string object(ValidationObject candidate) {
        std::string key = candidate.type + "|" + (candidate.sha256_hex.empty() ? candidate.uri + "|" + candidate.description : candidate.sha256_hex);
        auto found = index_.find(key);
        if (found != index_.end()) return objects_[found->second].id;
        candidate.id = "VO-" + std::to_string(objects_.size() + 1);
        index_.emplace(key, objects_.size());
        objects_.push_back(std::move(candidate));
        return objects_.back().id;
    }

    void write_objects() {
        if (objects_.empty()) return;
        xmlNode* list = add(root_, "SignatureValidationObjects");
        for (const ValidationObject& item : objects_) {
            xmlNode* object = add(list, "ValidationObject");
            xml::set_attribute(object, "id", item.id);
            add(object, "ObjectType", object_type + item.type);
            xmlNode* representation = add(object, "ValidationObjectRepresentation");
            if (!item.sha256_hex.empty())
                digest(representation, item.sha256_hex);
            else if (!item.uri.empty())
                add(representation, "URI", item.uri);
            else
                add(representation, "direct", item.description);
            if (item.poe) {
                xmlNode* poe = add(object, "POE");
                add(poe, "POETime", format_utc(*item.poe));
                add(poe, "TypeOfProof", "http://uri.etsi.org/19102/TypeOfProof/validation");
            }
        }
    }

    std::string text() const { return xml::serialize(document_.get()); }

private:
    xml::XmlDocPtr document_;
    xmlNode* root_ = nullptr;
    xmlNs* vr_ = nullptr;
    xmlNs* ds_ = nullptr;
    std::vector<ValidationObject> objects_;
    std::map<std::string, std::size_t> index_;
};

std::string certificate_object(Builder& builder, const ChainCertificate& certificate) {
    return builder.object({{}, "certificate", certificate.fingerprint_sha256, certificate.url, certificate.subject, std::nullopt});
}

std::string revocation_object(Builder& builder, const RevocationEvidence& evidence) {
    std::string description = evidence.issuer + ", thisUpdate " + format_utc(evidence.this_update) + ", serial " + evidence.certificate_serial;
    return builder.object({{}, evidence.kind == "ocsp" ? "OCSPResponse" : "CRL", {}, evidence.url, description, std::nullopt});
}

void status(Builder& builder, xmlNode* parent, MainIndication main, std::optional<SubIndication> sub) {
    builder.add(parent, "MainIndication", etsi_uri(main));
    if (sub) builder.add(parent, "SubIndication", etsi_uri(*sub));
}

void findings_data(Builder& builder, xmlNode* report_data, const std::vector<Finding>& findings) {
    if (findings.empty()) return;
    xmlNode* additional = builder.add(report_data, "AdditionalValidationReportData");
    for (const Finding& item : findings) {
        xmlNode* data = builder.add(additional, "ReportData");
        builder.add(data, "Type", finding_type + item.code);
        builder.add(data, "Value", item.en);
    }
}

void signature_report(Builder& builder, const ValidationReport& report, const SignatureReport& signature, const std::string& document_object,
                      const CheckedFile& file) {
    xmlNode* node = builder.add(builder.root(), "SignatureValidationReport");

    xmlNode* identifier = builder.add(node, "SignatureIdentifier");
    xml::set_attribute(identifier, "id", signature.id);
    builder.add(identifier, "HashOnly", "false");
    builder.add(identifier, "DocHashOnly", "false");
    builder.add(identifier, "DAIdentifier", signature.id);

    xmlNode* time_info = builder.add(node, "ValidationTimeInfo");
    builder.add(time_info, "ValidationTime", format_utc(report.validation_time));
    xmlNode* best = builder.add(time_info, "BestSignatureTime");
    builder.add(best, "POETime", format_utc(signature.best_signature_time.value_or(report.validation_time)));
    builder.add(best, "TypeOfProof", signature.best_signature_time_proven ? "http://uri.etsi.org/19102/TypeOfProof/validation"
                                                                          : "http://uri.etsi.org/19102/TypeOfProof/provided");

    if (!document_object.empty()) {
        xmlNode* signers_document = builder.add(node, "SignersDocument");
        builder.digest(signers_document, file.sha256_hex);
        xml::set_attribute(builder.add(signers_document, "SignersDocumentRepresentation"), "VOReference", document_object);
    }

    std::vector<std::string> timestamp_objects;
    for (const TimestampReport& stamp : signature.timestamps)
        if (stamp.generation_time)
            timestamp_objects.push_back(builder.object({{}, "timestamp", {}, {}, stamp.tsa + ", genTime " + format_utc(*stamp.generation_time), stamp.generation_time}));
    if (signature.claimed_signing_time || !timestamp_objects.empty()) {
        xmlNode* attributes = builder.add(node, "SignatureAttributes");
        if (signature.claimed_signing_time) {
            xmlNode* signing_time = builder.add(attributes, "SigningTime");
            xml::set_attribute(signing_time, "Signed", "true");
            builder.add(signing_time, "Time", format_utc(*signature.claimed_signing_time));
        }
        for (std::size_t i = 0; i < signature.timestamps.size() && i < timestamp_objects.size(); ++i) {
            xmlNode* stamp = builder.add(attributes, "SignatureTimeStamp");
            xml::set_attribute(builder.add(stamp, "AttributeObject"), "VOReference", timestamp_objects[i]);
            builder.add(stamp, "TimeStampValue", format_utc(*signature.timestamps[i].generation_time));
        }
    }

    std::string signer_object;
    if (signature.signer_certificate_found && !signature.chain.empty()) signer_object = certificate_object(builder, signature.chain.front());
    if (!signer_object.empty()) {
        xmlNode* signer = builder.add(node, "SignerInformation");
        xml::set_attribute(builder.add(signer, "SignerCertificate"), "VOReference", signer_object);
        builder.add(signer, "Signer", signature.signer.subject);
    }

    if (!signature.level.empty())
        builder.add(builder.add(node, "SignatureQuality"), "SignatureQualityInformation", "urn:city-sign:signature-level:" + signature.level);

    builder.add(builder.add(node, "SignatureValidationProcess"), "SignatureValidationProcessID",
                signature.best_signature_time_proven ? "urn:etsi:019102:validationprocess:LTVM" : "urn:etsi:019102:validationprocess:Basic");

    xmlNode* validation_status = builder.add(node, "SignatureValidationStatus");
    status(builder, validation_status, signature.indication, signature.sub_indication);
    xmlNode* data = builder.add(validation_status, "AssociatedValidationReportData");
    if (!signature.chain.empty()) {
        const ChainCertificate& last = signature.chain.back();
        if (last.trust_anchor) xml::set_attribute(builder.add(data, "TrustAnchor"), "VOReference", certificate_object(builder, last));
        xmlNode* chain = builder.add(data, "CertificateChain");
        xml::set_attribute(builder.add(chain, "SigningCertificate"), "VOReference", certificate_object(builder, signature.chain.front()));
        for (std::size_t i = 1; i < signature.chain.size(); ++i) {
            if (signature.chain[i].trust_anchor) continue;
            xml::set_attribute(builder.add(chain, "IntermediateCertificate"), "VOReference", certificate_object(builder, signature.chain[i]));
        }
        if (last.trust_anchor) xml::set_attribute(builder.add(chain, "TrustAnchor"), "VOReference", certificate_object(builder, last));
    }
    // The same CRL may have answered for several certificates: each object is named once.
    std::vector<std::string> related;
    for (const RevocationEvidence& evidence : signature.revocation) related.push_back(revocation_object(builder, evidence));
    related.insert(related.end(), timestamp_objects.begin(), timestamp_objects.end());
    for (std::size_t i = 0; i < related.size(); ++i)
        if (std::find(related.begin(), related.begin() + static_cast<std::ptrdiff_t>(i), related[i]) == related.begin() + static_cast<std::ptrdiff_t>(i))
            xml::set_attribute(builder.add(data, "RelatedValidationObject"), "VOReference", related[i]);
    auto revoked = std::find_if(signature.revocation.begin(), signature.revocation.end(), [&](const RevocationEvidence& evidence) {
        return evidence.status == "revoked" && evidence.revocation_time && !signature.chain.empty() &&
               evidence.certificate_serial == signature.chain.front().serial_hex;
    });
    if (revoked != signature.revocation.end()) {
        xmlNode* information = builder.add(data, "RevocationStatusInformation");
        xml::set_attribute(builder.add(information, "ValidationObjectId"), "VOReference", signer_object);
        builder.add(information, "RevocationTime", format_utc(*revoked->revocation_time));
        if (!revoked->revocation_reason.empty())
            builder.add(information, "RevocationReason", "urn:city-sign:revocation-reason:" + revoked->revocation_reason);
        xml::set_attribute(builder.add(information, "RevocationObject"), "VOReference", revocation_object(builder, *revoked));
    }
    if (!signer_object.empty() && !signature.signature_algorithm.empty()) {
        xmlNode* crypto = builder.add(data, "CryptoInformation");
        xml::set_attribute(builder.add(crypto, "ValidationObjectId"), "VOReference", signer_object);
        builder.add(crypto, "Algorithm", "urn:city-sign:algorithm:" + signature.digest_algorithm + ":" +
                                             signature.signature_algorithm.substr(0, signature.signature_algorithm.find(' ')));
        bool refused = std::any_of(signature.findings.begin(), signature.findings.end(), [](const Finding& item) {
            return item.code == "algorithm_refused" && item.severity == Finding::Severity::error;
        });
        builder.add(crypto, "SecureAlgorithm", refused ? "false" : "true");
    }
    findings_data(builder, data, signature.findings);
    // An empty AssociatedValidationReportData says nothing; the schema allows leaving it out.
    if (!data->children) {
        xmlUnlinkNode(data);
        xmlFreeNode(data);
    }
}

}  // namespace

std::string etsi_uri(MainIndication indication) {
    switch (indication) {
        case MainIndication::total_passed: return "http://uri.etsi.org/19102/mainindication/total-passed";
        case MainIndication::total_failed: return "http://uri.etsi.org/19102/mainindication/total-failed";
        case MainIndication::indeterminate: return "http://uri.etsi.org/19102/mainindication/indeterminate";
    }
    return "http://uri.etsi.org/19102/mainindication/indeterminate";
}

std::string etsi_uri(SubIndication sub_indication) { return "http://uri.etsi.org/19102/subindication/" + to_string(sub_indication); }

std::string to_etsi_xml(const ValidationReport& report, const CheckedFile& file) {
    Builder builder;
    std::string document_object;
    if (!file.sha256_hex.empty()) document_object = builder.object({{}, "signedData", file.sha256_hex, {}, file.name, std::nullopt});
    if (report.signatures.empty()) {
        // The schema wants one SignatureValidationReport: the file's own verdict stands for it.
        SignatureReport none;
        none.id = "S0";
        none.indication = report.overall();
        none.findings = report.findings;
        signature_report(builder, report, none, document_object, file);
    }
    for (const SignatureReport& signature : report.signatures) signature_report(builder, report, signature, document_object, file);
    builder.write_objects();
    return builder.text();
}

}  // namespace sign::validate
