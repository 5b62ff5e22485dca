#include "sign/hsm/secret_key.h"

#include <mutex>

#include "connection.h"
#include "raw_session.h"
#include "sign/hsm/errors.h"

namespace sign::hsm {

namespace {

bool reconnect_may_help(CK_RV rv) {
    return rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED || rv == CKR_USER_NOT_LOGGED_IN ||
           rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_OBJECT_HANDLE_INVALID ||
           rv == CKR_KEY_HANDLE_INVALID;
}

// One HMAC in a session of its own; returns the module's answer instead of throwing, so the
// caller can decide to reconnect.
CK_RV hmac(const detail::RawSession& session, const std::string& label, std::span<const std::uint8_t> message,
           std::vector<std::uint8_t>& out, bool& found) {
    CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
    auto handles = session.find({CK_ATTRIBUTE{CKA_CLASS, &secret_class, sizeof secret_class},
                                 CK_ATTRIBUTE{CKA_LABEL, const_cast<char*>(label.data()), label.size()}});
    found = !handles.empty();
    if (!found) {
        // A token that reset logged us out and hides private objects: not "gone", but "log in again".
        CK_SESSION_INFO info{};
        if (session.functions()->C_GetSessionInfo(session.handle(), &info) == CKR_OK &&
            info.state != CKS_RW_USER_FUNCTIONS && info.state != CKS_RO_USER_FUNCTIONS)
            return CKR_USER_NOT_LOGGED_IN;
        return CKR_OK;
    }
    CK_MECHANISM mechanism{CKM_SHA256_HMAC, nullptr, 0};
    CK_RV rv = session.functions()->C_SignInit(session.handle(), &mechanism, handles.front());
    if (rv != CKR_OK) return rv;
    out.resize(32);
    CK_ULONG length = out.size();
    rv = session.functions()->C_Sign(session.handle(), const_cast<CK_BYTE*>(message.data()), message.size(), out.data(),
                                     &length);
    out.resize(length);
    return rv;
}

}  // namespace

SecretKey::SecretKey(std::shared_ptr<detail::Connection> connection, std::string label)
    : connection_(std::move(connection)), label_(std::move(label)) {}

std::vector<std::uint8_t> SecretKey::mac(std::span<const std::uint8_t> message) const {
    constexpr int attempts = 3;
    for (int attempt = 1;; ++attempt) {
        uint64_t generation;
        CK_RV rv;
        std::vector<std::uint8_t> out;
        bool found = false;
        {
            std::shared_lock lock(connection_->mutex());
            generation = connection_->generation();
            try {
                detail::RawSession session(connection_->module().functions(), connection_->slot_id());
                rv = hmac(session, label_, message, out, found);
            } catch (const TokenError&) {
                // Opening the session or searching failed: maybe the token went away under us.
                if (attempt == attempts) throw;
                rv = CKR_SESSION_HANDLE_INVALID;
            }
        }
        if (rv == CKR_OK && found) return out;
        if (rv == CKR_OK && !found)
            throw KeyNotFound("no secret key labelled '" + label_ + "' on token '" + connection_->label() + "'");
        if (attempt < attempts && reconnect_may_help(rv)) {
            connection_->reconnect(generation);
            continue;
        }
        throw_for_ckr(rv, "computing an HMAC with '" + label_ + "'");
    }
}

}  // namespace sign::hsm
