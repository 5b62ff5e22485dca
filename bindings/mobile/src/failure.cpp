// The per-thread last error and the buffers handed to callers.

#include "failure.h"

#include <cstdlib>
#include <cstring>

namespace signmobile {
namespace {

struct LastFailure {
    std::string message;
    std::string problem_code;
    int http_status = 0;
};

LastFailure& last_failure() {
    thread_local LastFailure failure;
    return failure;
}

}  // namespace

void record_failure(const std::string& message, const std::string& problem_code, int http_status) {
    auto& failure = last_failure();
    failure.message = message;
    failure.problem_code = problem_code;
    failure.http_status = http_status;
}

char* copy_out(const std::string& bytes) {
    // malloc, not new: the caller releases it with sm_free(), a plain free().
    auto* buffer = static_cast<char*>(std::malloc(bytes.size() + 1));
    if (buffer == nullptr) throw std::bad_alloc();
    std::memcpy(buffer, bytes.data(), bytes.size());
    buffer[bytes.size()] = '\0';
    return buffer;
}

}  // namespace signmobile

extern "C" {

const char* sm_last_error(void) { return signmobile::last_failure().message.c_str(); }

const char* sm_last_problem_code(void) { return signmobile::last_failure().problem_code.c_str(); }

int sm_last_http_status(void) { return signmobile::last_failure().http_status; }

const char* sm_status_name(sm_status status) {
    switch (status) {
    case SM_OK: return "SM_OK";
    case SM_ERR_INVALID_ARGUMENT: return "SM_ERR_INVALID_ARGUMENT";
    case SM_ERR_NO_MEMORY: return "SM_ERR_NO_MEMORY";
    case SM_ERR_IO: return "SM_ERR_IO";
    case SM_ERR_CRYPTO: return "SM_ERR_CRYPTO";
    case SM_ERR_SIGNER: return "SM_ERR_SIGNER";
    case SM_ERR_NETWORK: return "SM_ERR_NETWORK";
    case SM_ERR_PROTOCOL: return "SM_ERR_PROTOCOL";
    case SM_ERR_CHALLENGE_MISMATCH: return "SM_ERR_CHALLENGE_MISMATCH";
    case SM_ERR_REFUSED: return "SM_ERR_REFUSED";
    case SM_ERR_UNAUTHORIZED: return "SM_ERR_UNAUTHORIZED";
    case SM_ERR_WRONG_PIN: return "SM_ERR_WRONG_PIN";
    case SM_ERR_LOCKED: return "SM_ERR_LOCKED";
    case SM_ERR_NOT_FOUND: return "SM_ERR_NOT_FOUND";
    case SM_ERR_CONFLICT: return "SM_ERR_CONFLICT";
    case SM_ERR_SERVER: return "SM_ERR_SERVER";
    }
    return "SM_ERR_UNKNOWN";
}

void sm_free(void* buffer) { std::free(buffer); }

}  // extern "C"
