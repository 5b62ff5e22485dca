#pragma once
// The exception every part of the project throws: a stable machine-readable code
// (for exit codes, JSON output and, later, RFC 9457 problem documents) and a
// message in plain words for the person who has to act on it.

#include <stdexcept>
#include <string>

namespace sign {

/// What kind of failure an Error is; callers branch on this, never on message text.
enum class ErrorKind {
    invalid_input,   ///< the caller gave something malformed or inconsistent
    policy,          ///< well-formed, but refused by the signing or issuance policy
    not_found,       ///< a named key, certificate, profile or record does not exist
    conflict,        ///< it would duplicate something that already exists
    authentication,  ///< a PIN or credential was wrong, or is locked
    token,           ///< the PKCS#11 token failed or is unreachable
    internal,        ///< a bug or an unexpected library failure
};

/// Base of all project exceptions.
class Error : public std::runtime_error {
public:
    /// `code` is a stable snake_case identifier such as "wrong_pin"; `message` is for people.
    Error(ErrorKind kind, std::string code, const std::string& message)
        : std::runtime_error(message), kind_(kind), code_(std::move(code)) {}

    /// The broad category, used to pick exit codes and HTTP statuses.
    ErrorKind kind() const noexcept { return kind_; }
    /// The stable identifier of this particular failure.
    const std::string& code() const noexcept { return code_; }

private:
    ErrorKind kind_;
    std::string code_;
};

}  // namespace sign
