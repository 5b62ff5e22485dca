#pragma once
// Runs an action expected to fail and tells which sign::Error it threw, so a
// test can assert on the stable code rather than on message wording.

#include <functional>
#include <string>

#include "sign/error.h"

namespace sign::test {

/// The code of the sign::Error that `action` throws, or "no error"; the message goes to `message`.
inline std::string error_code_of(const std::function<void()>& action, std::string* message = nullptr) {
    try {
        action();
    } catch (const sign::Error& error) {
        if (message) *message = error.what();
        return error.code();
    }
    return "no error";
}

}  // namespace sign::test
