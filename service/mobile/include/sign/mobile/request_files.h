#pragma once
// The files of signature requests, one folder each under
// <data>/signature-requests/<id>/ (the documents as sent, prepared PDFs,
// previews, signed results), and when they go. They are citizens'
// applications and official documents: a request that ends without a result
// loses its folder as soon as that end is recorded, and a signed result is
// kept only for the retention period. The database row and its audit records
// stay; `files_removed_at` says when the folder went.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "sign/store/signature_request_store.h"

namespace sign::mobile {

class RequestFiles {
public:
    /// How long a signed result is kept by default: 7 days.
    static constexpr std::chrono::hours default_retention{168};

    /// Every request's folder is under `root`; `requests` is borrowed.
    RequestFiles(store::SignatureRequestStore& requests, std::filesystem::path root,
                 std::chrono::hours retention = default_retention);

    /// The folder of request `id`.
    std::filesystem::path folder_of(const std::string& id) const;

    /// Deletes the folder of request `id`, then records that at `now`. Returns false, recording
    /// nothing, when the folder could not be deleted entirely: a later remove_due() tries again.
    bool remove(const std::string& id, std::chrono::system_clock::time_point now);

    /// Removes the folders due at `now`, at most `batch` of them (see
    /// SignatureRequestStore::files_due_for_removal). Returns how many were removed.
    std::size_t remove_due(std::chrono::system_clock::time_point now, std::size_t batch = 100);

    std::chrono::hours retention() const { return retention_; }

private:
    store::SignatureRequestStore& requests_;
    std::filesystem::path root_;
    std::chrono::hours retention_;
};

}  // namespace sign::mobile
