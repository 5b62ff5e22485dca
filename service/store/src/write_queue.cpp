#include "sign/store/write_queue.h"

#include <atomic>
#include <future>
#include <vector>
#include <unordered_map>

#include "sign/error.h"
#include "sign/store/schema.h"

namespace sign::store {

struct WriteQueue::Job {
    std::function<void(const Connection&)> work;
    std::promise<void> done;
};

namespace {

std::atomic<uint64_t> next_queue_id{1};

struct ThreadReader {
    std::weak_ptr<const int> owner;
    std::unique_ptr<Connection> connection;
};

}  // namespace

WriteQueue::WriteQueue(const std::string& path)
    : path_(path), id_(next_queue_id++), lifetime_(std::make_shared<const int>(0)), writer_(open_connection(path)) {
    writer_->migrate(schema_migrations());
    thread_ = std::thread([this] { write_loop(); });
}

WriteQueue::~WriteQueue() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void WriteQueue::run(const std::function<void(const Connection&)>& work) {
    if (std::this_thread::get_id() == thread_.get_id())
        throw Error(ErrorKind::internal, "nested_write", "a write job may not queue another write job");
    auto job = std::make_shared<Job>();
    job->work = work;
    auto done = job->done.get_future();
    {
        std::lock_guard lock(mutex_);
        if (stopping_) throw Error(ErrorKind::internal, "store_closed", "the store is shutting down");
        pending_.push_back(job);
    }
    wake_.notify_one();
    done.get();  // rethrows the work's own exception
}

size_t WriteQueue::pending() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

const Connection& WriteQueue::reader() const {
    thread_local std::unordered_map<uint64_t, ThreadReader> readers;
    // Connections of queues that are gone are closed here, so a long-lived thread does not keep them.
    std::erase_if(readers, [](const auto& entry) { return entry.second.owner.expired(); });
    auto& entry = readers[id_];
    if (!entry.connection) {
        entry.owner = lifetime_;
        entry.connection = open_connection(path_);
    }
    return *entry.connection;
}

void WriteQueue::write_loop() {
    for (;;) {
        std::deque<std::shared_ptr<Job>> group;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
            if (pending_.empty()) return;  // stopping, and nothing left to write
            group.swap(pending_);
        }
        std::vector<std::exception_ptr> failures(group.size());
        try {
            writer_->begin_write();
            for (size_t i = 0; i < group.size(); ++i) {
                writer_->execute("SAVEPOINT job");
                try {
                    group[i]->work(*writer_);
                    writer_->execute("RELEASE job");
                } catch (...) {
                    failures[i] = std::current_exception();
                    writer_->execute("ROLLBACK TO job; RELEASE job");
                }
            }
            writer_->execute("COMMIT");
        } catch (...) {
            // The group transaction itself failed (disk full, I/O error): nothing of it is on disk,
            // so every caller of the group gets the failure, including those whose work succeeded.
            auto failure = std::current_exception();
            try {
                writer_->execute("ROLLBACK");
            } catch (...) {
                // SQLite may have rolled back already; the connection is usable either way.
            }
            for (auto& job : group) job->done.set_exception(failure);
            continue;
        }
        for (size_t i = 0; i < group.size(); ++i) {
            if (failures[i])
                group[i]->done.set_exception(failures[i]);
            else
                group[i]->done.set_value();
        }
    }
}

}  // namespace sign::store
