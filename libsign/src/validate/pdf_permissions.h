#pragma once
// DocMDP and FieldMDP read from qpdf objects: shared by the validator and by PAdES signing,
// which refuses a document certified with "no changes".

#include <optional>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include "sign/validate/pdf_signatures.h"

namespace sign::validate::detail {

/// The permission of the certification signature /Perms /DocMDP names, if there is one
/// (/P missing means 2, ISO 32000-2 Table 257). A /P outside 1..3 counts as 1, the strictest.
std::optional<DocMdpPermission> certification_permission(QPDF& pdf);

/// Whether `signature` (a signature dictionary) is the one /Perms /DocMDP names.
bool is_certification(QPDF& pdf, QPDFObjectHandle signature);

/// The DocMDP permission a signature dictionary's /Reference carries, if any.
std::optional<DocMdpPermission> docmdp_of(QPDFObjectHandle signature);

/// The FieldMDP lock of a signature: its /Reference FieldMDP transform, else its field's /Lock.
std::optional<FieldLock> field_lock_of(QPDFObjectHandle signature, QPDFObjectHandle field);

}  // namespace sign::validate::detail
