#pragma once
// Where the stores that check PINs find the token's PIN verifier key: asked
// for only when a PIN is set or checked, so that a command that never touches
// a PIN never logs in to the token for it.

#include <functional>

#include "sign/mac_key.h"

namespace sign::store {

/// The PIN verifier key (sign::hsm::SecretKey in the programs). Called from any thread.
using PinKeySource = std::function<const MacKey&()>;

}  // namespace sign::store
