#include "sign/hsm/module.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include "sign/hsm/errors.h"

#ifndef SIGN_DEFAULT_PKCS11_MODULE
#define SIGN_DEFAULT_PKCS11_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#endif

namespace sign::hsm {

namespace {

// PKCS#11 pads fixed-width text fields with blanks.
std::string trimmed(const unsigned char* text, size_t width) {
    std::string value(reinterpret_cast<const char*>(text), width);
    value.erase(value.find_last_not_of(' ') + 1);
    return value;
}

void check(CK_RV rv, const std::string& action) {
    if (rv != CKR_OK) throw_for_ckr(rv, action);
}

// Token labels are 32 blank-padded bytes.
void pad_label(const std::string& label, CK_UTF8CHAR (&out)[32]) {
    if (label.empty() || label.size() > 32)
        throw sign::Error(ErrorKind::invalid_input, "invalid_token_label", "a token label must be 1 to 32 bytes long");
    std::memset(out, ' ', sizeof out);
    std::memcpy(out, label.data(), label.size());
}

}  // namespace

namespace detail {

/// One dlopen + C_Initialize of a module file, shared by every Module of that path in the process.
class LoadedLibrary {
public:
    explicit LoadedLibrary(std::string path) : path_(std::move(path)) {
        handle_ = dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle_ == nullptr)
            throw TokenError("module_not_loadable", "cannot load the PKCS#11 module " + path_ + ": " + dlerror());
        auto get_function_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle_, "C_GetFunctionList"));
        if (get_function_list == nullptr || get_function_list(&functions_) != CKR_OK || functions_ == nullptr) {
            dlclose(handle_);
            throw TokenError("module_not_loadable", path_ + " is not a PKCS#11 module");
        }
        CK_C_INITIALIZE_ARGS args{};
        args.flags = CKF_OS_LOCKING_OK;  // the service signs from many threads
        CK_RV rv = functions_->C_Initialize(&args);
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            dlclose(handle_);
            throw_for_ckr(rv, "initialising the PKCS#11 module " + path_);
        }
    }
    ~LoadedLibrary() {
        functions_->C_Finalize(nullptr);
        dlclose(handle_);
    }
    LoadedLibrary(const LoadedLibrary&) = delete;
    LoadedLibrary& operator=(const LoadedLibrary&) = delete;

    const std::string& path() const { return path_; }
    CK_FUNCTION_LIST* functions() const { return functions_; }

private:
    std::string path_;
    void* handle_ = nullptr;
    CK_FUNCTION_LIST* functions_ = nullptr;
};

}  // namespace detail

namespace {

std::shared_ptr<detail::LoadedLibrary> load_shared(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<detail::LoadedLibrary>> loaded;
    std::lock_guard lock(mutex);
    if (auto existing = loaded[path].lock()) return existing;
    auto library = std::make_shared<detail::LoadedLibrary>(path);
    loaded[path] = library;
    return library;
}

}  // namespace

std::string Module::default_path() { return SIGN_DEFAULT_PKCS11_MODULE; }

Module::Module(const std::string& library_path) : library_(load_shared(library_path)) {}

const std::string& Module::path() const { return library_->path(); }

CK_FUNCTION_LIST* Module::functions() const { return library_->functions(); }

std::vector<SlotInfo> Module::slots() const {
    CK_ULONG count = 0;
    check(functions()->C_GetSlotList(CK_FALSE, nullptr, &count), "listing slots");
    std::vector<CK_SLOT_ID> ids(count);
    check(functions()->C_GetSlotList(CK_FALSE, ids.data(), &count), "listing slots");
    ids.resize(count);

    std::vector<SlotInfo> result;
    for (CK_SLOT_ID id : ids) {
        CK_SLOT_INFO slot{};
        check(functions()->C_GetSlotInfo(id, &slot), "reading slot information");
        SlotInfo info;
        info.id = id;
        info.description = trimmed(slot.slotDescription, sizeof slot.slotDescription);
        info.token_present = (slot.flags & CKF_TOKEN_PRESENT) != 0;
        if (info.token_present) {
            CK_TOKEN_INFO token{};
            check(functions()->C_GetTokenInfo(id, &token), "reading token information");
            info.token_initialized = (token.flags & CKF_TOKEN_INITIALIZED) != 0;
            info.token_label = trimmed(token.label, sizeof token.label);
            info.token_serial = trimmed(token.serialNumber, sizeof token.serialNumber);
            info.token_model = trimmed(token.model, sizeof token.model);
            info.user_pin_locked = (token.flags & CKF_USER_PIN_LOCKED) != 0;
        }
        result.push_back(std::move(info));
    }
    return result;
}

SlotInfo Module::find_token(const std::string& label) const {
    for (auto& slot : slots())
        if (slot.token_initialized && slot.token_label == label) return slot;
    throw TokenAbsent("no token labelled '" + label + "' is present in " + path());
}

SlotInfo Module::initialize_token(const std::string& label, const Pin& so_pin, const Pin& user_pin) {
    CK_UTF8CHAR padded[32];
    pad_label(label, padded);
    auto all = slots();
    if (std::any_of(all.begin(), all.end(), [&](const SlotInfo& s) { return s.token_initialized && s.token_label == label; }))
        throw sign::Error(ErrorKind::conflict, "token_exists", "a token labelled '" + label + "' already exists");
    auto free_slot = std::find_if(all.begin(), all.end(), [](const SlotInfo& s) { return s.token_present && !s.token_initialized; });
    if (free_slot == all.end()) throw TokenAbsent("no uninitialised token is available for '" + label + "'");

    auto so = reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(so_pin.c_str()));
    auto user = reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(user_pin.c_str()));
    check(functions()->C_InitToken(free_slot->id, so, so_pin.size(), padded), "initialising token '" + label + "'");

    // SoftHSM moves a freshly initialised token to a new slot id, so look it up again by label.
    SlotInfo created = find_token(label);
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    check(functions()->C_OpenSession(created.id, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session),
          "opening a session on '" + label + "'");
    CK_RV rv = functions()->C_Login(session, CKU_SO, so, so_pin.size());
    if (rv == CKR_OK) rv = functions()->C_InitPIN(session, user, user_pin.size());
    functions()->C_Logout(session);
    functions()->C_CloseSession(session);
    check(rv, "setting the user PIN of '" + label + "'");
    return find_token(label);
}

}  // namespace sign::hsm
