#pragma once
// Gathers the validation data a long-term signature carries (ETSI EN 319 142-1 B-LT, the /DSS):
// for a signature's CMS, the chain of each signer, of each signature time-stamp's TSA and of each
// OCSP responder used, and for every certificate but the trust anchors an OCSP response or a CRL.
// It asks, in order: the local OCSP responder (our own CA's), OCSP over the Fetcher at the
// certificate's AIA, the CRLs at hand, then the CRL distribution points over the Fetcher.
// Run after the signature time-stamp, the data it gathers speaks for the signing time.
//
//     sign::validate::CollectionSources sources;
//     sources.trust.trust_anchors.push_back(root.copy());
//     sources.fetcher = &curl_fetcher;
//     sign::validate::ValidationDataCollector collector(sources);
//     collector.add_signature(cms_der);
//     if (!collector.collected().complete()) ...;  // problems() names what is missing
//     sign::add_pdf_dss(in, out, collector.collected().pdf_data());

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sign/certificate.h"
#include "sign/validate/fetcher.h"
#include "sign/validate/validation_data.h"

namespace sign::validate {

struct CollectionSources {
    /// Chains end at a trust anchor; intermediates help build them.
    TrustSettings trust;
    /// Certificates and CRLs at hand (e.g. the CA's published CRLs); PEM or DER.
    ValidationData local;
    /// Answers a DER OCSPRequest with a DER OCSPResponse (our own CA's responder, in-process).
    /// May throw sign::Error or return an unsuccessful response for certificates it does not serve.
    std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>& request)> ocsp_responder;
    /// Null: nothing is fetched.
    Fetcher* fetcher = nullptr;
    FetchLimits fetch_limits{std::chrono::milliseconds(5000), 2 * 1024 * 1024, 64};
};

/// One certificate's revocation status, as the data gathered shows it.
struct CollectedStatus {
    std::string subject;
    std::string serial_hex;
    std::string status;  ///< "good", "revoked", "unknown", "not-checked" (trust anchor, ocsp-nocheck)
    std::optional<std::chrono::system_clock::time_point> revocation_time;
    std::string source;  ///< "ocsp", "crl", or empty
};

struct CollectedValidationData {
    std::vector<std::vector<std::uint8_t>> certificates;    ///< DER, each once
    std::vector<std::vector<std::uint8_t>> ocsp_responses;  ///< DER OCSPResponse, each once
    std::vector<std::vector<std::uint8_t>> crls;            ///< DER, each once
    std::vector<CollectedStatus> statuses;                  ///< per certificate looked at, in order
    std::vector<std::string> problems;                      ///< what could not be found, one sentence each

    bool complete() const { return problems.empty(); }
    /// The problems as one sentence list ("a; b"), for an error message.
    std::string problems_text() const;
    /// The status found for `certificate`; null when it was not looked at.
    const CollectedStatus* status_of(const Certificate& certificate) const;
};

class ValidationDataCollector {
public:
    /// `sources` is borrowed and must outlive the collector.
    explicit ValidationDataCollector(const CollectionSources& sources);
    ~ValidationDataCollector();
    ValidationDataCollector(const ValidationDataCollector&) = delete;
    ValidationDataCollector& operator=(const ValidationDataCollector&) = delete;

    /// Every SignerInfo of a DER SignedData (a CAdES/PAdES signature, or an RFC 3161 time-stamp
    /// token): its signer's chain, and those of the TSAs of its signature time-stamps. Throws
    /// invalid_input `signature_unreadable` when `cms` is not a SignedData.
    void add_signature(std::span<const std::uint8_t> cms);
    /// One certificate's chain; `helpers` (its issuing CAs) help build it.
    void add_certificate(const Certificate& certificate, const std::vector<Certificate>& helpers = {});

    const CollectedValidationData& collected() const;

    struct State;

private:
    std::unique_ptr<State> state_;
};

}  // namespace sign::validate
