#pragma once
// A PKCS#11 module (shared library) loaded by path, for what libp11 does not
// offer: listing slots, initialising tokens and generating keys with an exact
// attribute template. Signing goes through Token and PrivateKey instead.

#include <memory>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "sign/hsm/pin.h"

namespace sign::hsm {

/// What the module reports about one slot and the token in it.
struct SlotInfo {
    CK_SLOT_ID id = 0;
    std::string description;
    bool token_present = false;
    bool token_initialized = false;
    std::string token_label;   ///< trailing blanks removed
    std::string token_serial;
    std::string token_model;
    bool user_pin_locked = false;
};

namespace detail {
class LoadedLibrary;
}

/// A loaded and initialised PKCS#11 library. A module may be initialised only once per process,
/// so every Module of the same path shares one load; the last one to go finalises and unloads it.
class Module {
public:
    /// SoftHSM2's module, the project default.
    static std::string default_path();

    /// Loads the library and calls C_Initialize; throws TokenError when it cannot.
    explicit Module(const std::string& library_path = default_path());

    /// The file this module was loaded from.
    const std::string& path() const;
    /// The raw PKCS#11 function table, for code that must speak PKCS#11 directly.
    CK_FUNCTION_LIST* functions() const;

    /// Every slot, with or without a token.
    std::vector<SlotInfo> slots() const;
    /// The slot holding the initialised token labelled `label`; throws TokenAbsent otherwise.
    SlotInfo find_token(const std::string& label) const;
    /// Initialises a token labelled `label` in the first uninitialised slot and sets its user PIN.
    /// Refuses (conflict) when a token with that label already exists.
    SlotInfo initialize_token(const std::string& label, const Pin& so_pin, const Pin& user_pin);

private:
    std::shared_ptr<detail::LoadedLibrary> library_;
};

}  // namespace sign::hsm
