#include "sign/audit/audit_tally.h"

#include "sign/utc_time.h"

namespace sign::audit {

AuditTally::AuditTally(AuditLog& log, const Clock& clock, TallyOptions options)
    : log_(log), clock_(clock), options_(options) {
    if (options_.window.count() < 1) options_.window = std::chrono::seconds(1);
    if (options_.max_kinds < 1) options_.max_kinds = 1;
}

AuditTally::~AuditTally() {
    try {
        flush();
    } catch (...) {
    }
}

std::chrono::system_clock::time_point AuditTally::window_of(std::chrono::system_clock::time_point time) const {
    auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch());
    return std::chrono::system_clock::time_point(since_epoch - since_epoch % options_.window);
}

AuditEvent AuditTally::record_of(const Kind& kind, const Count& count) const {
    const auto& [action, actor, address, result] = kind;
    return {.action = action,
            .actor = actor,
            .client_address = address,
            .subject = "window " + format_utc(count.window_start) + " +" + std::to_string(options_.window.count()) + "s",
            .document_hash = "",
            .result = result,
            .occurrences = count.pending};
}

std::size_t AuditTally::write(const std::vector<AuditEvent>& records) {
    auto now = clock_.now();
    for (const auto& record : records) log_.append(record, now);
    return records.size();
}

void AuditTally::count(const AuditEvent& event) {
    auto now = clock_.now();
    Kind kind{event.action, event.actor, event.client_address, event.result};
    std::vector<AuditEvent> due;
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        auto window = window_of(now);
        auto found = counts_.find(kind);
        if (found != counts_.end() && found->second.window_start != window) {
            if (found->second.pending > 0) due.push_back(record_of(found->first, found->second));
            counts_.erase(found);
            found = counts_.end();
        }
        if (found == counts_.end()) {
            if (counts_.size() >= options_.max_kinds) {
                for (const auto& [other, count] : counts_)
                    if (count.pending > 0) due.push_back(record_of(other, count));
                counts_.clear();
            }
            found = counts_.emplace(kind, Count{window, 0}).first;
            first = options_.first_at_once;
        }
        if (!first) ++found->second.pending;
    }
    // Written outside the lock: a durable append takes a disk sync, and other threads go on counting.
    if (first) {
        AuditEvent single = event;
        single.occurrences = 1;
        due.push_back(std::move(single));
    }
    write(due);
}

std::size_t AuditTally::flush_due() {
    std::vector<AuditEvent> due;
    {
        std::lock_guard lock(mutex_);
        auto current = window_of(clock_.now());
        for (auto it = counts_.begin(); it != counts_.end();) {
            if (it->second.window_start == current) {
                ++it;
                continue;
            }
            if (it->second.pending > 0) due.push_back(record_of(it->first, it->second));
            it = counts_.erase(it);
        }
    }
    return write(due);
}

std::size_t AuditTally::flush() {
    std::vector<AuditEvent> due;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [kind, count] : counts_)
            if (count.pending > 0) due.push_back(record_of(kind, count));
        counts_.clear();
    }
    return write(due);
}

}  // namespace sign::audit
