#pragma once
// signd's one audit job: once a second it writes the counts of the tallies
// whose minute has ended, and every `checkpoint_interval` it checkpoints the
// chain's head (signed by the audit key, time-stamped by the local TSA) unless
// no record was added since the last checkpoint. On stop it writes every count
// still held, so a clean stop loses nothing counted.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "sign/audit/audit_checkpoints.h"
#include "sign/audit/audit_tally.h"
#include "sign/clock.h"

namespace sign::signd {

class AuditUpkeep {
public:
    /// Everything is borrowed and must outlive this; `key` signs the checkpoints.
    AuditUpkeep(std::vector<audit::AuditTally*> tallies, audit::AuditCheckpoints& checkpoints, const audit::AuditLog& log,
                const SigningKey& key, TimestampSource& timestamps, const Clock& clock,
                std::chrono::seconds checkpoint_interval);
    ~AuditUpkeep();
    AuditUpkeep(const AuditUpkeep&) = delete;
    AuditUpkeep& operator=(const AuditUpkeep&) = delete;

    /// Starts the thread.
    void start();
    /// Stops it and writes what the tallies still hold; idempotent.
    void stop();

    /// A checkpoint of the current head, unless the newest one already covers it. Returns whether
    /// it made one.
    bool checkpoint_if_moved();

private:
    void flush(bool all);

    std::vector<audit::AuditTally*> tallies_;
    audit::AuditCheckpoints& checkpoints_;
    const audit::AuditLog& log_;
    const SigningKey& key_;
    TimestampSource& timestamps_;
    const Clock& clock_;
    std::chrono::seconds checkpoint_interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sign::signd
