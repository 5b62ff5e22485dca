#include "sign/hsm/private_key.h"

#include <openssl/err.h>

#include <mutex>

#include "connection.h"
#include "sign/hsm/errors.h"

namespace sign::hsm {

namespace {

// The failures after which a fresh session, login and key lookup can succeed where the old
// ones failed. A logged-out token hides its private objects, so a stale key handle is among them;
// if the key is really gone, the lookup after reconnecting says so.
bool reconnect_may_help(unsigned long rv) {
    return rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED || rv == CKR_USER_NOT_LOGGED_IN ||
           rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_OBJECT_HANDLE_INVALID ||
           rv == CKR_KEY_HANDLE_INVALID;
}

}  // namespace

PrivateKey::PrivateKey(std::shared_ptr<detail::Connection> connection, Uri uri, EvpPkeyPtr public_key)
    : connection_(std::move(connection)),
      uri_(std::move(uri)),
      uri_text_(uri_.to_string()),
      public_key_(public_key.release(), EVP_PKEY_free) {}

void PrivateKey::use(const std::function<bool(EVP_PKEY*)>& operation) const {
    // A few reconnects, not one: under load another thread's reconnect, or a second reset of the
    // token, can land between this thread's reconnect and its retry.
    constexpr int attempts = 3;
    for (int attempt = 1;; ++attempt) {
        uint64_t generation;
        unsigned long rv;
        {
            std::shared_lock lock(connection_->mutex());
            EVP_PKEY* key = connection_->loaded_key(uri_text_);
            if (key == nullptr) {
                // First use since a reconnect: load under the exclusive lock, then sign under the shared one.
                lock.unlock();
                std::unique_lock exclusive(connection_->mutex());
                connection_->load_key(uri_);
                continue;
            }
            generation = connection_->generation();
            ERR_clear_error();
            if (operation(key)) return;
            rv = detail::pkcs11_result_from_openssl_errors();
        }
        if (attempt < attempts && reconnect_may_help(rv)) {
            connection_->reconnect(generation);
            continue;
        }
        if (rv != CKR_OK) throw_for_ckr(rv, "signing with " + uri_text_);
        throw TokenError("signing_failed", "signing with " + uri_text_ + " failed: " + drain_openssl_errors());
    }
}

EvpPkeyPtr PrivateKey::public_key() const {
    EVP_PKEY_up_ref(public_key_.get());
    return EvpPkeyPtr(public_key_.get());
}

std::string PrivateKey::key_type() const {
    int bits = EVP_PKEY_get_bits(public_key_.get());
    if (EVP_PKEY_get_base_id(public_key_.get()) == EVP_PKEY_RSA) return "rsa-" + std::to_string(bits);
    return "ec-p" + std::to_string(bits);
}

}  // namespace sign::hsm
