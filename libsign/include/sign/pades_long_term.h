#pragma once
// PAdES B-LT and B-LTA (ETSI EN 319 142-1 5.4.2, 5.4.3) around signatures already in a PDF, ours
// or anyone's: the validation data of every chain involved (signers, TSAs, OCSP responders) in
// the /DSS, gathered by sign/validate/validation_data_collector.h after the signature's
// time-stamp so it shows the status at signing time, then, for B-LTA, a document time-stamp.
//
//     sign::validate::CollectionSources sources;           // trust anchors, local OCSP/CRLs, Fetcher
//     sign::extend_pades("in.pdf", "in.pdf", sign::SignatureLevel::b_lta, sources, &tsa);  // in place
//
// sign_pades() with PadesOptions::level b_lt or b_lta signs at B-T and then extends the result.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sign/signature_level.h"
#include "sign/signer.h"
#include "sign/signer_checks.h"  // require_signer_in_good_standing
#include "sign/timestamp_source.h"
#include "sign/validate/validation_data_collector.h"

namespace sign {

/// What extend_pades() did.
struct PadesExtension {
    std::size_t certificates = 0, ocsp_responses = 0, crls = 0;  ///< items gathered (the /DSS skips those it holds)
    bool dss_updated = false;        ///< an update with new /DSS items was appended
    std::string document_timestamp;  ///< the new document time-stamp's field, for B-LTA
};

/// Brings the signatures of `input` to `level` (b_lt or b_lta) into `output`, which may be
/// `input` itself: written beside it and renamed, so a reader sees the old file or the new one.
/// The data gathered covers every signature and document time-stamp from the last document
/// time-stamp on (all of them when there is none): run again on a B-LTA file, it adds the data
/// of the last document time-stamp and, for b_lta, a new archive time-stamp over it. `tsa` is
/// required for b_lta. Throws invalid_input `unsupported_signature_level` (b_b, b_t),
/// `no_signature` (nothing to extend), `timestamp_source_missing`; policy
/// `validation_data_incomplete` naming what could not be found (nothing is written then); and
/// what inspect_pdf_signatures(), add_pdf_dss() and add_document_timestamp() throw.
PadesExtension extend_pades(const std::filesystem::path& input, const std::filesystem::path& output, SignatureLevel level,
                            const validate::CollectionSources& sources, TimestampSource* tsa);

/// How far a PDF's signatures are extended already, for archive jobs that skip recent ones.
struct PadesLongTermState {
    /// The /DSS was updated after the last signature or time-stamp was added (the file is B-LT).
    bool validation_data_after_last_signature = false;
    /// genTime of the last document time-stamp, when there is one.
    std::optional<std::chrono::system_clock::time_point> last_document_timestamp;
};
/// Reads it from `pdf`; throws what inspect_pdf_signatures() throws.
PadesLongTermState pades_long_term_state(const std::filesystem::path& pdf);

}  // namespace sign
