#include "sign/mobile/request_files.h"

namespace sign::mobile {

namespace fs = std::filesystem;

RequestFiles::RequestFiles(store::SignatureRequestStore& requests, fs::path root, std::chrono::hours retention)
    : requests_(requests), root_(std::move(root)), retention_(retention) {}

fs::path RequestFiles::folder_of(const std::string& id) const { return root_ / id; }

bool RequestFiles::remove(const std::string& id, std::chrono::system_clock::time_point now) {
    // Deleted first, recorded second: a crash in between leaves the row due, and the next sweep
    // finds the folder gone and records it. A folder already missing counts as deleted.
    std::error_code error;
    fs::remove_all(folder_of(id), error);
    if (error) return false;
    requests_.mark_files_removed(id, now);
    return true;
}

std::size_t RequestFiles::remove_due(std::chrono::system_clock::time_point now, std::size_t batch) {
    std::size_t removed = 0;
    for (const auto& id : requests_.files_due_for_removal(now, retention_, batch))
        if (remove(id, now)) ++removed;
    return removed;
}

}  // namespace sign::mobile
