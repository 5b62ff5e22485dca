#include "sign/signing/key_cache.h"

namespace sign::signing {

const hsm::PrivateKey& KeyCache::key(const std::string& uri) {
    std::lock_guard lock(mutex_);
    auto found = keys_.find(uri);
    if (found != keys_.end()) return *found->second;
    auto key = std::make_unique<hsm::PrivateKey>(token_.private_key(uri));
    return *keys_.emplace(uri, std::move(key)).first->second;
}

}  // namespace sign::signing
