#pragma once
// A plain PKCS#11 session for the few operations libp11 cannot do with an exact
// attribute template (key generation, object search). It shares the login state
// of libp11's sessions, as PKCS#11 keeps login per application, not per session.

#include <p11-kit/pkcs11.h>

#include <string>
#include <vector>

namespace sign::hsm::detail {

class RawSession {
public:
    /// Opens a read/write session on `slot`; throws a typed TokenError on failure.
    RawSession(CK_FUNCTION_LIST* functions, CK_SLOT_ID slot);
    ~RawSession();
    RawSession(const RawSession&) = delete;
    RawSession& operator=(const RawSession&) = delete;

    CK_SESSION_HANDLE handle() const { return handle_; }
    CK_FUNCTION_LIST* functions() const { return functions_; }

    /// Handles of every object matching the template.
    std::vector<CK_OBJECT_HANDLE> find(std::vector<CK_ATTRIBUTE> search) const;
    /// The value of a variable-length attribute; empty when the object does not have it.
    std::vector<uint8_t> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    /// A CK_ULONG-valued attribute.
    CK_ULONG ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    /// A CK_BBOOL-valued attribute.
    bool bool_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

private:
    CK_FUNCTION_LIST* functions_;
    CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
};

}  // namespace sign::hsm::detail
