#include "app/audit_upkeep.h"

#include <iostream>

namespace sign::signd {

AuditUpkeep::AuditUpkeep(std::vector<audit::AuditTally*> tallies, audit::AuditCheckpoints& checkpoints,
                         const audit::AuditLog& log, const SigningKey& key, TimestampSource& timestamps,
                         const Clock& clock, std::chrono::seconds checkpoint_interval)
    : tallies_(std::move(tallies)), checkpoints_(checkpoints), log_(log), key_(key), timestamps_(timestamps), clock_(clock),
      checkpoint_interval_(checkpoint_interval) {}

AuditUpkeep::~AuditUpkeep() { stop(); }

void AuditUpkeep::flush(bool all) {
    for (auto* tally : tallies_) {
        try {
            all ? tally->flush() : tally->flush_due();
        } catch (const std::exception& error) {
            std::cerr << "signd: cannot write the audit log's counts: " << error.what() << "\n";
        }
    }
}

bool AuditUpkeep::checkpoint_if_moved() {
    auto latest = checkpoints_.latest();
    auto [sequence, hash] = log_.head();
    // Another replica, or signctl, may have covered this head already.
    if (latest && latest->sequence == sequence && latest->head_hash == hash) return false;
    checkpoints_.make(key_, timestamps_, clock_.now());
    return true;
}

void AuditUpkeep::start() {
    thread_ = std::thread([this] {
        auto next_checkpoint = clock_.now() + checkpoint_interval_;
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
            if (stopping_) break;
            lock.unlock();
            flush(false);
            if (clock_.now() >= next_checkpoint) {
                next_checkpoint = clock_.now() + checkpoint_interval_;
                try {
                    checkpoint_if_moved();
                } catch (const std::exception& error) {
                    std::cerr << "signd: cannot checkpoint the audit log: " << error.what() << "\n";
                }
            }
            lock.lock();
        }
    });
}

void AuditUpkeep::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    flush(true);
}

}  // namespace sign::signd
