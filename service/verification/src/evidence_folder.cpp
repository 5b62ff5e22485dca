#include "sign/verification/evidence_folder.h"

#include <fcntl.h>
#include <cctype>
#include <unistd.h>

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "sign/atomic_file.h"
#include "sign/error.h"
#include "sign/hex.h"
#include "sign/random_id.h"
#include "sign/utc_time.h"

namespace sign::verification {

namespace fs = std::filesystem;

namespace {

nlohmann::json described(std::span<const std::uint8_t> bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "openssl_failure", "cannot hash an input of the validation");
    return {{"sha256", to_hex({digest, length})}, {"bytes", bytes.size()}};
}

// The rename is durable once the folder that holds it is synced.
void sync_directory(const fs::path& directory) {
    int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY);
    if (descriptor < 0) return;
    ::fsync(descriptor);
    ::close(descriptor);
}

bool plain_id_part(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    return true;
}

}  // namespace

EvidenceFolder::EvidenceFolder(fs::path folder, const Clock& clock) : folder_(std::move(folder)), clock_(clock) {}

fs::path EvidenceFolder::path_of(const std::string& id) const {
    // "<yyyy>-<mm>-<random>": the date names the folders, the random part nothing else.
    bool well_formed = id.size() > 8 && id[4] == '-' && id[7] == '-' && plain_id_part(id);
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
        if (well_formed && !std::isdigit(static_cast<unsigned char>(id[i]))) well_formed = false;
    if (!well_formed) throw Error(ErrorKind::invalid_input, "invalid_evidence_id", "'" + id + "' is not an evidence id");
    return folder_ / id.substr(0, 4) / id.substr(5, 2) / id;
}

std::string EvidenceFolder::keep(const VerificationRequest& request, const VerificationOutcome& outcome) {
    auto now = clock_.now();
    std::string date = format_utc(now);  // "2026-12-08T..."
    std::string id = date.substr(0, 4) + "-" + date.substr(5, 2) + "-" + random_id();
    nlohmann::json inputs = {{"evidenceId", id},
                             {"keptAt", date},
                             {"format", to_string(outcome.format)},
                             {"signedFile", described(request.signed_file)},
                             {"offline", request.offline},
                             {"indication", to_string(outcome.report.overall())}};
    if (!request.requested_by.empty() || !request.client_address.empty())
        inputs["requestedBy"] = {{"actor", request.requested_by}, {"address", request.client_address}};
    if (request.document) inputs["document"] = described(*request.document);
    if (request.document_digest)
        inputs["documentDigest"] = {{"algorithm", request.document_digest->algorithm}, {"value", to_hex(request.document_digest->value)}};
    try {
        fs::path incoming = folder_ / ".incoming" / id;
        fs::create_directories(incoming);
        write_file_atomically((incoming / "inputs.json").string(), inputs.dump(2) + "\n", 0640);
        write_file_atomically((incoming / "report.json").string(), outcome.report.to_json().dump(2) + "\n", 0640);
        fs::path target = path_of(id);
        fs::create_directories(target.parent_path());
        fs::rename(incoming, target);
        sync_directory(target.parent_path());
    } catch (const std::exception& error) {
        throw Error(ErrorKind::internal, "evidence_not_kept", std::string("the evidence of a validation cannot be written: ") + error.what());
    }
    return id;
}

}  // namespace sign::verification
