#pragma once
// The token keys signd signs with, opened once and shared by every request:
// finding a key on the token costs several PKCS#11 calls, signing with an open
// one costs one.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "sign/hsm/private_key.h"
#include "sign/hsm/token.h"

namespace sign::signing {

class KeyCache {
public:
    /// `token` is borrowed, logged in, and must outlive the cache.
    explicit KeyCache(hsm::Token& token) : token_(token) {}

    /// The key with this PKCS#11 URI, opened on first use. Throws hsm::KeyNotFound.
    const hsm::PrivateKey& key(const std::string& uri);

private:
    hsm::Token& token_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<hsm::PrivateKey>> keys_;
};

}  // namespace sign::signing
