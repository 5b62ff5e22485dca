#pragma once
// A PIN verifier key on a throwaway SoftHSM2 token, for the store tests that
// make and check PIN verifiers in-process. It uses SoftHsmToken, so a test
// program that uses it must not also use TokenPki.

#include <functional>

#include "sign/hsm/token.h"
#include "sign/mac_key.h"

namespace sign::test {

/// The token holding the key (made on first use, shared by the program's tests).
hsm::Token& pin_key_token();
/// A store::PinKeySource handing out the token's PIN verifier key.
std::function<const MacKey&()> token_pin_key();

}  // namespace sign::test
