#pragma once
// The key that seals CSC access tokens: 32 random bytes in
// <data>/secrets/signd-token.key, created (mode 0600, written atomically) the
// first time signd starts, so tokens outlive a restart and no table holds them.

#include <string>
#include <vector>

#include "sign/data_folder/data_folder.h"

namespace sign::signd {

/// The folder's token secret, made when missing. Throws internal `invalid_token_secret` when the
/// file exists but does not hold exactly 32 bytes, rather than silently replacing it.
std::vector<unsigned char> load_or_create_token_secret(data_folder::DataFolder& data);

}  // namespace sign::signd
