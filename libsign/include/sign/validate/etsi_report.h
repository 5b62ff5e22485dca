#pragma once
// The validation report as ETSI TS 119 102-2 XML (namespace http://uri.etsi.org/19102/v1.2.1#),
// for relying parties and tools that read that format: one SignatureValidationReport per
// signature (SignatureIdentifier, ValidationTimeInfo, SignersDocument, SignatureAttributes,
// SignerInformation, SignatureQuality, SignatureValidationProcess, SignatureValidationStatus with
// the MainIndication and SubIndication URIs of clause 5.1.3 of EN 319 102-1, the chain and the
// findings as associated report data), then the certificates, CRLs, OCSP responses and
// time-stamps used as SignatureValidationObjects. Times are UTC (xsd:dateTime with Z).
//
//     auto report = sign::validate::validate_cms(p7s, content, options);
//     std::string xml = sign::validate::to_etsi_xml(report, sign::validate::CheckedFile::of("don.pdf", bytes));

#include <string>

#include "sign/validate/checked_file.h"
#include "sign/validate/report.h"

namespace sign::validate {

/// The TS 119 102-2 namespace the output uses.
inline constexpr const char* etsi_validation_report_ns = "http://uri.etsi.org/19102/v1.2.1#";

/// "http://uri.etsi.org/19102/mainindication/total-passed", ".../total-failed", ".../indeterminate".
std::string etsi_uri(MainIndication indication);
/// "http://uri.etsi.org/19102/subindication/HASH_FAILURE", ...
std::string etsi_uri(SubIndication sub_indication);

/// The report as a UTF-8 XML document. `file` (optional) fills each signature's SignersDocument
/// with its SHA-256; without it SignersDocument is left out.
std::string to_etsi_xml(const ValidationReport& report, const CheckedFile& file = {});

}  // namespace sign::validate
