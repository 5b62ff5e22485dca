#pragma once
// One thread that runs jobs in the order they were posted, so that slow work
// (asynchronous CSC signHash) never holds an HTTP worker. Jobs must not throw;
// one that does is reported on stderr and the thread goes on.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace sign::signd {

class BackgroundWork {
public:
    /// Starts the thread.
    BackgroundWork();
    /// Runs what is still queued, then stops.
    ~BackgroundWork();
    BackgroundWork(const BackgroundWork&) = delete;
    BackgroundWork& operator=(const BackgroundWork&) = delete;

    /// Queues `job` for the thread.
    void post(std::function<void()> job);

private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace sign::signd
