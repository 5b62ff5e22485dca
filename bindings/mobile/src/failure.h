#pragma once
// How the implementation reports failures: it throws Failure, and every C entry
// point runs its body through guarded(), which records the failure in this
// thread's last-error slots and returns its status. No exception crosses the C ABI.

#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "signmobile.h"

namespace signmobile {

class Failure : public std::runtime_error {
public:
    Failure(sm_status status, const std::string& message, std::string problem_code = {}, int http_status = 0)
        : std::runtime_error(message), status_(status), problem_code_(std::move(problem_code)),
          http_status_(http_status) {}

    sm_status status() const noexcept { return status_; }
    const std::string& problem_code() const noexcept { return problem_code_; }
    int http_status() const noexcept { return http_status_; }

private:
    sm_status status_;
    std::string problem_code_;
    int http_status_;
};

/// Records a failure for sm_last_error() and friends; an empty message clears them.
void record_failure(const std::string& message, const std::string& problem_code = {}, int http_status = 0);

/// Runs `body` and returns SM_OK, or records what it threw and returns that status.
template <typename Body>
sm_status guarded(Body&& body) noexcept {
    try {
        body();
        record_failure({});
        return SM_OK;
    } catch (const Failure& failure) {
        record_failure(failure.what(), failure.problem_code(), failure.http_status());
        return failure.status();
    } catch (const std::bad_alloc&) {
        record_failure("out of memory");
        return SM_ERR_NO_MEMORY;
    } catch (const std::exception& error) {
        record_failure(std::string("unexpected failure: ") + error.what());
        return SM_ERR_PROTOCOL;
    }
}

/// Throws SM_ERR_INVALID_ARGUMENT naming `what` when `pointer` is null.
inline void require_argument(const void* pointer, const char* what) {
    if (pointer == nullptr) throw Failure(SM_ERR_INVALID_ARGUMENT, std::string(what) + " must not be NULL");
}

/// A malloc'ed copy of `bytes` (NUL-terminated too), for buffers the caller frees with sm_free().
char* copy_out(const std::string& bytes);

}  // namespace signmobile
