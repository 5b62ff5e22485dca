#include "app/token_secret.h"

#include <filesystem>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sign/atomic_file.h"
#include "sign/error.h"

namespace sign::signd {

namespace {

constexpr std::size_t secret_length = 32;

}  // namespace

std::vector<unsigned char> load_or_create_token_secret(data_folder::DataFolder& data) {
    const std::string path = data.path("secrets/signd-token.key");
    if (!std::filesystem::exists(path)) {
        std::string fresh(secret_length, '\0');
        if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), static_cast<int>(fresh.size())) != 1)
            throw Error(ErrorKind::internal, "openssl_failure", "cannot draw the token secret");
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        write_file_atomically(path, fresh, 0600);
        OPENSSL_cleanse(fresh.data(), fresh.size());
    }
    auto bytes = read_file(path);
    if (bytes.size() != secret_length)
        throw Error(ErrorKind::internal, "invalid_token_secret",
                    path + " must hold exactly 32 bytes; remove it to have a new one made (access tokens issued so far "
                           "stop working)");
    std::vector<unsigned char> secret(bytes.begin(), bytes.end());
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return secret;
}

}  // namespace sign::signd
