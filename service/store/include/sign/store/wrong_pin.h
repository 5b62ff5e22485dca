#pragma once
// A wrong PIN, with how many attempts remain before the signer is locked, so
// that an app can say so without reading the message.

#include <string>

#include "sign/error.h"

namespace sign::store {

/// authentication `wrong_pin`.
class WrongPin : public Error {
public:
    /// `failed` is the count of wrong PINs in a row, this one included; `limit` the count that locks.
    WrongPin(const std::string& signer_id, int failed, int limit);

    /// Attempts left before the signer is locked; 0 when this one locked it.
    int attempts_left() const noexcept { return attempts_left_; }

private:
    int attempts_left_;
};

}  // namespace sign::store
