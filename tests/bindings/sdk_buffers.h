#pragma once
// Owning wrappers for what the mobile SDK hands out, so a failed check leaks nothing.

#include <memory>
#include <string>

#include "signmobile.h"

namespace sign::test {

struct SmFree { void operator()(void* buffer) const { sm_free(buffer); } };
struct SmKeyFree { void operator()(sm_key* key) const { sm_key_free(key); } };
struct SmClientFree { void operator()(sm_client* client) const { sm_client_free(client); } };
using SmText = std::unique_ptr<char, SmFree>;
using SmBytes = std::unique_ptr<uint8_t, SmFree>;
using SmKey = std::unique_ptr<sm_key, SmKeyFree>;
using SmClient = std::unique_ptr<sm_client, SmClientFree>;

}  // namespace sign::test
