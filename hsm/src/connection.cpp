#include "connection.h"

#include <openssl/err.h>

#include <cstring>
#include <mutex>

#include "sign/hsm/errors.h"

namespace sign::hsm::detail {

unsigned long pkcs11_result_from_openssl_errors() {
    // libp11 reports module results under its own OpenSSL error library, with the CKR value as reason.
    unsigned long found = CKR_OK;
    unsigned long code;
    const char* file;
    int line;
    while ((code = ERR_peek_error_line(&file, &line)) != 0) {
        const char* library = ERR_lib_error_string(code);
        if (library != nullptr && std::strcmp(library, "PKCS#11 module") == 0) found = ERR_GET_REASON(code);
        ERR_get_error();
    }
    return found;
}

Connection::Connection(const std::string& module_path, std::string label, Pin pin)
    : module_(module_path), label_(std::move(label)), pin_(std::move(pin)) {
    connect();
}

Connection::~Connection() { disconnect(); }

void Connection::connect() {
    context_ = PKCS11_CTX_new();
    if (context_ == nullptr) throw TokenError("token_failure", "cannot create a PKCS#11 context");
    ERR_clear_error();
    if (PKCS11_CTX_load(context_, module_.path().c_str()) != 0) {
        PKCS11_CTX_free(context_);
        context_ = nullptr;
        throw TokenError("module_not_loadable", "libp11 cannot load the PKCS#11 module " + module_.path());
    }
    try {
        if (PKCS11_enumerate_slots(context_, &slots_, &slot_count_) != 0)
            throw_for_ckr(pkcs11_result_from_openssl_errors(), "listing the slots of " + module_.path());
        slot_ = nullptr;
        for (unsigned i = 0; i < slot_count_; ++i) {
            PKCS11_TOKEN* token = slots_[i].token;
            if (token != nullptr && token->initialized && label_ == token->label) {
                slot_ = &slots_[i];
                break;
            }
        }
        if (slot_ == nullptr) throw TokenAbsent("no token labelled '" + label_ + "' is present in " + module_.path());
        slot_id_ = PKCS11_get_slotid_from_slot(slot_);
        if (slot_->token->userPinLocked) throw PinLocked("the user PIN of token '" + label_ + "' is locked");
        if (PKCS11_login(slot_, 0, pin_.c_str()) != 0)
            throw_for_ckr(pkcs11_result_from_openssl_errors(), "logging in to token '" + label_ + "'");
    } catch (...) {
        disconnect();
        throw;
    }
}

void Connection::disconnect() noexcept {
    // Key handles hold references into the slots, so they go first.
    keys_.clear();
    if (slots_ != nullptr) PKCS11_release_all_slots(context_, slots_, slot_count_);
    slots_ = nullptr;
    slot_ = nullptr;
    slot_count_ = 0;
    // PKCS11_CTX_unload would call C_Finalize under every other user of the module in this
    // process; the shared Module finalises once, when the last user is gone.
    if (context_ != nullptr) PKCS11_CTX_free(context_);
    context_ = nullptr;
}

void Connection::reconnect(uint64_t seen_generation) {
    std::unique_lock lock(mutex_);
    if (generation_ != seen_generation) return;
    disconnect();
    ++generation_;
    connect();
}

EVP_PKEY* Connection::loaded_key(const std::string& uri_text) const {
    auto found = keys_.find(uri_text);
    return found == keys_.end() ? nullptr : found->second.get();
}

EVP_PKEY* Connection::load_key(const Uri& uri) {
    if (EVP_PKEY* existing = loaded_key(uri.to_string())) return existing;
    PKCS11_KEY* keys = nullptr;
    unsigned count = 0;
    ERR_clear_error();
    if (PKCS11_enumerate_keys(slot_->token, &keys, &count) != 0)
        throw_for_ckr(pkcs11_result_from_openssl_errors(), "listing the keys on token '" + label_ + "'");

    PKCS11_KEY* match = nullptr;
    for (unsigned i = 0; i < count; ++i) {
        if (!keys[i].isPrivate) continue;
        if (uri.object && (keys[i].label == nullptr || *uri.object != keys[i].label)) continue;
        if (uri.id && std::vector<uint8_t>(keys[i].id, keys[i].id + keys[i].id_len) != *uri.id) continue;
        if (match != nullptr)
            throw sign::Error(ErrorKind::invalid_input, "ambiguous_key_uri",
                              "more than one private key matches " + uri.to_string() + "; add id= to the URI");
        match = &keys[i];
    }
    if (match == nullptr) throw KeyNotFound("no private key matches " + uri.to_string() + " on token '" + label_ + "'");

    EvpPkeyPtr key(PKCS11_get_private_key(match));
    if (!key) throw TokenError("token_failure", "libp11 could not make an OpenSSL key for " + uri.to_string());
    EVP_PKEY* raw = key.get();
    keys_[uri.to_string()] = std::move(key);
    return raw;
}

}  // namespace sign::hsm::detail
