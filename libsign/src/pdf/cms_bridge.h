#pragma once
// The PDF side's view of CAdES (sign/cades.h): a detached CMS over the ByteRange digest,
// without the signing-time attribute (ETSI EN 319 142-1 puts the time in /M).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sign/certificate_registry.h"
#include "sign/prepared_signature.h"
#include "sign/signature_level.h"
#include "sign/signer.h"
#include "sign/timestamp_source.h"

namespace sign::pdf {

/// An upper bound of the DER size of the CMS this signer makes at `level`: a CMS prepared over a
/// dummy digest with the real chain and attributes, plus the key's maximum signature size, plus,
/// for B-T, a real token from `tsa` over a dummy digest and the attribute around it.
std::size_t estimate_cms_size(const Signer& signer, SignatureLevel level, const CertificateRegistry* registry,
                              std::chrono::system_clock::time_point signing_time, TimestampSource* tsa);

/// CAdES prepare over the ByteRange digest.
PreparedSignature cades_prepare(const Signer& signer, SignatureLevel level, const CertificateRegistry* registry,
                                std::chrono::system_clock::time_point signing_time,
                                std::span<const std::uint8_t> content_digest);

/// CAdES finalize; `tsa` is null for B-B.
std::vector<std::uint8_t> cades_finalize(const PreparedSignature& cades, std::span<const std::uint8_t> signature_value,
                                         TimestampSource* tsa);

}  // namespace sign::pdf
