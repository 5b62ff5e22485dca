#include "sign/mobile/expiry_sweeper.h"

#include <iostream>

namespace sign::mobile {

ExpirySweeper::~ExpirySweeper() { stop(); }

void ExpirySweeper::start() {
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            try {
                service_.expire_due();
            } catch (const std::exception& error) {
                std::cerr << "signd: expiring signature requests: " << error.what() << "\n";
            }
            try {
                service_.remove_files_due();
            } catch (const std::exception& error) {
                std::cerr << "signd: removing the files of ended signature requests: " << error.what() << "\n";
            }
            lock.lock();
            wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
        }
    });
}

void ExpirySweeper::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

}  // namespace sign::mobile
