#include "sign/hsm/errors.h"

#include <p11-kit/pkcs11.h>

#include <cstdio>

namespace sign::hsm {

namespace {

struct CkrText {
    CK_RV rv;
    const char* name;
    const char* words;
};

// The return values a signing service meets in practice, each with what it means for the operator.
constexpr CkrText known_results[] = {
    {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT", "the PIN is wrong"},
    {CKR_PIN_LOCKED, "CKR_PIN_LOCKED", "the PIN is locked after too many wrong attempts"},
    {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED", "the PIN has expired and must be changed"},
    {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE", "the PIN is too short or too long for this token"},
    {CKR_PIN_INVALID, "CKR_PIN_INVALID", "the PIN contains characters the token does not accept"},
    {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED", "the token has no user PIN yet"},
    {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN", "nobody is logged in to the token"},
    {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT", "the token is not present"},
    {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED", "the token is not recognised"},
    {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED", "the token was removed"},
    {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR", "the token reported a hardware error"},
    {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY", "the token is out of memory"},
    {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID", "the slot does not exist"},
    {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID", "the session with the token was lost"},
    {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED", "the session with the token was closed"},
    {CKR_SESSION_COUNT, "CKR_SESSION_COUNT", "the token has no free sessions"},
    {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID", "the token does not support this algorithm"},
    {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID", "the token refused the algorithm parameters"},
    {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT", "the key type does not fit this algorithm"},
    {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED", "the key may not be used for this"},
    {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID", "the key no longer exists on the token"},
    {CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE", "the token does not support this key size"},
    {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE", "the data has the wrong length for this key"},
    {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT", "the token refused the object attributes"},
    {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE", "the object attributes are incomplete"},
    {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID", "an object attribute has a value the token refuses"},
    {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE", "the attribute is secret and cannot be read"},
    {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID", "the object no longer exists on the token"},
    {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY", "the session is read-only"},
    {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED", "the token is write-protected"},
    {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN", "a user is already logged in"},
    {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID", "the user type is not valid"},
    {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED", "the PKCS#11 module is not initialised"},
    {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED", "the token does not offer this function"},
    {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD", "the module was called with bad arguments"},
    {CKR_HOST_MEMORY, "CKR_HOST_MEMORY", "the host ran out of memory"},
    {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR", "the module reported a general error"},
    {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED", "the module could not complete the request"},
};

const CkrText* find(CK_RV rv) {
    for (const auto& entry : known_results)
        if (entry.rv == rv) return &entry;
    return nullptr;
}

}  // namespace

std::string ckr_name(unsigned long rv) {
    if (const auto* entry = find(rv)) return entry->name;
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "vendor-defined result 0x%lx", rv);
    return buffer;
}

void throw_for_ckr(unsigned long rv, const std::string& action) {
    const auto* entry = find(rv);
    const std::string message = action + " failed: " +
                                (entry ? std::string(entry->words) : "the token reported an unexpected error") +
                                " (" + ckr_name(rv) + ")";
    switch (rv) {
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
        throw WrongPin(message);
    case CKR_PIN_LOCKED:
        throw PinLocked(message);
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_TOKEN_NOT_RECOGNIZED:
    case CKR_DEVICE_REMOVED:
    case CKR_SLOT_ID_INVALID:
        throw TokenAbsent(message);
    case CKR_KEY_HANDLE_INVALID:
    case CKR_OBJECT_HANDLE_INVALID:
        throw KeyNotFound(message);
    case CKR_MECHANISM_INVALID:
    case CKR_MECHANISM_PARAM_INVALID:
    case CKR_KEY_TYPE_INCONSISTENT:
    case CKR_KEY_SIZE_RANGE:
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
        throw MechanismUnsupported(message);
    default:
        throw TokenError("token_failure", message);
    }
}

}  // namespace sign::hsm
