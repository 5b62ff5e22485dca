#include "app/background_work.h"

#include <exception>
#include <iostream>

namespace sign::signd {

BackgroundWork::BackgroundWork() : thread_([this] { run(); }) {}

BackgroundWork::~BackgroundWork() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void BackgroundWork::post(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

void BackgroundWork::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        // Queued jobs still run when stopping: each holds a spent SAD whose client waits for it.
        if (jobs_.empty()) return;
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        try {
            job();
        } catch (const std::exception& error) {
            std::cerr << "signd: background job failed: " << error.what() << "\n";
        }
        lock.lock();
    }
}

}  // namespace sign::signd
