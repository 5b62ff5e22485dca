#include "sign/mobile/request_events.h"

namespace sign::mobile {

void RequestEvents::notify() {
    {
        std::lock_guard lock(mutex_);
        ++version_;
    }
    changed_.notify_all();
}

void RequestEvents::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    changed_.notify_all();
}

std::uint64_t RequestEvents::version() const {
    std::lock_guard lock(mutex_);
    return version_;
}

RequestEvents::Slot RequestEvents::try_slot() {
    std::lock_guard lock(mutex_);
    if (closed_ || waiters_ >= max_waiters_) return Slot();
    ++waiters_;
    return Slot(this);
}

RequestEvents::Slot::~Slot() {
    if (!owner_) return;
    std::lock_guard lock(owner_->mutex_);
    --owner_->waiters_;
}

bool RequestEvents::Slot::wait(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(owner_->mutex_);
    return owner_->changed_.wait_until(lock, deadline,
                                       [&] { return owner_->closed_ || owner_->version_ != seen; }) &&
           !owner_->closed_;
}

}  // namespace sign::mobile
