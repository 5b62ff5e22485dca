#pragma once
// Durable writes from many threads at the cost of few disk syncs: callers hand
// in their work, one writer thread runs the pending works together in one
// transaction (each in its own savepoint) and commits once, and every caller
// returns only after the commit that holds its work is on disk. A kill -9 can
// therefore lose only writes that were never acknowledged.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sign/store/connection.h"

namespace sign::store {

class WriteQueue {
public:
    /// Opens its own connection to the database at `path` (an SQLite file or a postgresql:// URL)
    /// and brings the schema up to date.
    explicit WriteQueue(const std::string& path);
    /// Finishes the queued works, then stops the writer thread.
    ~WriteQueue();
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    /// Runs `work` on the writer's connection inside the next group transaction and returns after
    /// that transaction committed. If `work` throws, only its savepoint is rolled back and the
    /// exception is rethrown here; the other works of the group are unaffected.
    void run(const std::function<void(const Connection&)>& work);

    /// A read-only connection of the calling thread's own, for queries outside the queue.
    const Connection& reader() const;
    /// How many works wait for the next group transaction (for metrics, and for tests that need a
    /// known group).
    size_t pending() const;

    const std::string& path() const { return path_; }

private:
    struct Job;
    void write_loop();

    std::string path_;
    uint64_t id_;  ///< unique per queue in the process, keys the per-thread readers
    std::shared_ptr<const int> lifetime_;  ///< readers of a destroyed queue see it expired and close
    std::unique_ptr<Connection> writer_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::shared_ptr<Job>> pending_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sign::store
