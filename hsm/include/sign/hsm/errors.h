#pragma once
// Typed token failures. Callers catch the specific type they can act on
// (ask for the PIN again, tell an administrator the token is gone); every
// message is in plain words and never a bare CKR number.

#include <string>

#include "sign/error.h"

namespace sign::hsm {

/// Any failure reported by the PKCS#11 module that has no more specific type below.
class TokenError : public sign::Error {
public:
    TokenError(std::string code, const std::string& message, ErrorKind kind = ErrorKind::token)
        : sign::Error(kind, std::move(code), message) {}
};

/// The PIN was refused; the token may lock after more attempts.
class WrongPin : public TokenError {
public:
    explicit WrongPin(const std::string& message) : TokenError("wrong_pin", message, ErrorKind::authentication) {}
};

/// The PIN is locked after too many wrong attempts; the security officer must reset it.
class PinLocked : public TokenError {
public:
    explicit PinLocked(const std::string& message) : TokenError("pin_locked", message, ErrorKind::authentication) {}
};

/// No token with the requested label is present, or the device went away.
class TokenAbsent : public TokenError {
public:
    explicit TokenAbsent(const std::string& message) : TokenError("token_absent", message, ErrorKind::not_found) {}
};

/// No key or certificate on the token matches the PKCS#11 URI.
class KeyNotFound : public TokenError {
public:
    explicit KeyNotFound(const std::string& message) : TokenError("key_not_found", message, ErrorKind::not_found) {}
};

/// The token cannot perform the requested algorithm or key type.
class MechanismUnsupported : public TokenError {
public:
    explicit MechanismUnsupported(const std::string& message)
        : TokenError("mechanism_unsupported", message, ErrorKind::policy) {}
};

/// The symbolic name of a PKCS#11 return value, e.g. "CKR_PIN_INCORRECT".
std::string ckr_name(unsigned long rv);

/// Throws the typed error that matches `rv`; `action` says what was being attempted, in words.
[[noreturn]] void throw_for_ckr(unsigned long rv, const std::string& action);

}  // namespace sign::hsm
