#include "raw_session.h"

#include "sign/hsm/errors.h"

namespace sign::hsm::detail {

RawSession::RawSession(CK_FUNCTION_LIST* functions, CK_SLOT_ID slot) : functions_(functions) {
    CK_RV rv = functions_->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &handle_);
    if (rv != CKR_OK) throw_for_ckr(rv, "opening a session with the token");
}

RawSession::~RawSession() { functions_->C_CloseSession(handle_); }

std::vector<CK_OBJECT_HANDLE> RawSession::find(std::vector<CK_ATTRIBUTE> search) const {
    CK_RV rv = functions_->C_FindObjectsInit(handle_, search.data(), search.size());
    if (rv != CKR_OK) throw_for_ckr(rv, "searching the token");
    std::vector<CK_OBJECT_HANDLE> found;
    CK_OBJECT_HANDLE batch[32];
    CK_ULONG count = 0;
    while ((rv = functions_->C_FindObjects(handle_, batch, 32, &count)) == CKR_OK && count > 0)
        found.insert(found.end(), batch, batch + count);
    functions_->C_FindObjectsFinal(handle_);
    if (rv != CKR_OK) throw_for_ckr(rv, "searching the token");
    return found;
}

std::vector<uint8_t> RawSession::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    CK_ATTRIBUTE query{type, nullptr, 0};
    if (functions_->C_GetAttributeValue(handle_, object, &query, 1) != CKR_OK ||
        query.ulValueLen == CK_UNAVAILABLE_INFORMATION)
        return {};
    std::vector<uint8_t> value(query.ulValueLen);
    query.pValue = value.data();
    CK_RV rv = functions_->C_GetAttributeValue(handle_, object, &query, 1);
    if (rv != CKR_OK) throw_for_ckr(rv, "reading an object attribute");
    value.resize(query.ulValueLen);
    return value;
}

CK_ULONG RawSession::ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    CK_ULONG value = 0;
    CK_ATTRIBUTE query{type, &value, sizeof value};
    CK_RV rv = functions_->C_GetAttributeValue(handle_, object, &query, 1);
    if (rv != CKR_OK) throw_for_ckr(rv, "reading an object attribute");
    return value;
}

bool RawSession::bool_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    CK_BBOOL value = CK_FALSE;
    CK_ATTRIBUTE query{type, &value, sizeof value};
    CK_RV rv = functions_->C_GetAttributeValue(handle_, object, &query, 1);
    if (rv != CKR_OK) throw_for_ckr(rv, "reading an object attribute");
    return value == CK_TRUE;
}

}  // namespace sign::hsm::detail
