#include "token_pin_key.h"

#include "softhsm_token.h"

namespace sign::test {

namespace {

struct PinKeyToken {
    SoftHsmToken softhsm{"pin-key-token"};
    hsm::Token token = softhsm.open();
    hsm::SecretKey key = token.generate_secret_key("pin-verifier");
};

PinKeyToken& shared() {
    static PinKeyToken token;
    return token;
}

}  // namespace

hsm::Token& pin_key_token() { return shared().token; }

std::function<const MacKey&()> token_pin_key() {
    return []() -> const MacKey& { return shared().key; };
}

}  // namespace sign::test
