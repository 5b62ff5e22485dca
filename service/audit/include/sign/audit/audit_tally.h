#pragma once
// Counts instead of records, for events that anyone can cause as often as they
// like: refusals of anonymous or unauthenticated callers, and the answers of the
// public time-stamping and OCSP responders. Events alike in action, actor,
// source address and result are counted per window (a minute by default) and
// written as one record whose `occurrences` is the count, when the window ends
// (flush_due(), called by a timer) or when the program stops (flush()). A flood
// then costs a handful of records instead of a disk sync per request, and
// nothing counted is lost on a clean stop.
//
// With `first_at_once`, the first occurrence of each kind in a window is written
// at once as an ordinary record, so that an attack shows in the log as it starts;
// the window's record then counts the occurrences after it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "sign/audit/audit_log.h"
#include "sign/clock.h"

namespace sign::audit {

struct TallyOptions {
    std::chrono::seconds window{60};
    /// Kinds of event counted at once; reaching it writes every count now, so memory stays bounded
    /// however many sources or claimed names a flood uses.
    std::size_t max_kinds = 10'000;
    bool first_at_once = true;
};

class AuditTally {
public:
    /// `log` and `clock` are borrowed and must outlive this.
    AuditTally(AuditLog& log, const Clock& clock, TallyOptions options = {});
    /// Writes what is still counted; a failure to write is swallowed here (call flush() first to hear of it).
    ~AuditTally();
    AuditTally(const AuditTally&) = delete;
    AuditTally& operator=(const AuditTally&) = delete;

    /// Counts one occurrence of `event` (its `occurrences` is ignored). Writes a record at once for
    /// the first of its kind in the window (with `first_at_once`) or when the kinds reach their cap.
    void count(const AuditEvent& event);
    /// Writes the counts of the windows that have ended. Returns how many records it wrote.
    std::size_t flush_due();
    /// Writes every count now. Returns how many records it wrote.
    std::size_t flush();

private:
    using Kind = std::tuple<std::string, std::string, std::string, std::string>;  // action, actor, address, result
    struct Count {
        std::chrono::system_clock::time_point window_start;
        int64_t pending = 0;  // occurrences not yet written
    };
    std::chrono::system_clock::time_point window_of(std::chrono::system_clock::time_point time) const;
    AuditEvent record_of(const Kind& kind, const Count& count) const;
    std::size_t write(const std::vector<AuditEvent>& records);

    AuditLog& log_;
    const Clock& clock_;
    TallyOptions options_;
    std::mutex mutex_;
    std::map<Kind, Count> counts_;
};

}  // namespace sign::audit
