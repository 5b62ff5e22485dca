#pragma once
// The data a validation may use besides the signature itself: the trust
// anchors and local intermediates the relying party chose, and a pool of
// certificates, CRLs and OCSP responses supplied with the document (a PDF's
// /DSS, files next to a .p7s). Bytes are DER or PEM; bad items are skipped
// with a note in the report, never fatal.

#include <cstdint>
#include <vector>

#include "sign/certificate.h"

namespace sign::validate {

struct ValidationData {
    std::vector<std::vector<std::uint8_t>> certificates;
    std::vector<std::vector<std::uint8_t>> crls;
    std::vector<std::vector<std::uint8_t>> ocsp_responses;  ///< OCSPResponse or BasicOCSPResponse
};

struct TrustSettings {
    /// The roots (or any CA) the relying party trusts; a chain must end at one of them.
    std::vector<Certificate> trust_anchors;
    /// CA certificates known locally that help build chains but are not trusted by themselves.
    std::vector<Certificate> intermediates;
};

}  // namespace sign::validate
